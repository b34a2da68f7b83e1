// Files received in chat: channels hand the downloaded bytes to the FilePort, which checks the real
// content type and size, stores them encrypted, and returns a reference the engine attaches to a case.

export interface StoredFileRef {
  id: string;
  name: string;
  mime: string;
  size: number;
  sha256: string;
}

export type SaveUploadResult = { ok: true; file: StoredFileRef } | { ok: false; reason: "too-large" | "empty" | "type" };

/** The database row of a stored file (recorded by whoever holds the transaction). */
export interface StoredFileRow {
  id: string;
  channel: string;
  uploaderId: string;
  originalName: string;
  mime: string;
  size: number;
  sha256: string;
  createdAt: Date;
  /** The encrypted bytes, shared by every file with the same content. */
  blobId: string;
  /** The id of the key the bytes are encrypted with. */
  keyId: string;
}

export interface FileInput {
  bytes: Uint8Array;
  name: string | null;
  channel: string;
  uploaderId: string;
  at: Date;
  /** For files the bot itself generated (exports): the type, instead of checking the content. */
  generatedMime?: string;
}

export interface FilePort {
  /** The largest file accepted, in bytes. */
  readonly maxBytes: number;
  /** Checks, encrypts and records a file in its own transaction (channels, outside the engine). */
  save(input: FileInput): Promise<SaveUploadResult>;
  /** Checks and encrypts a file to disk only; the caller records `row` in its open transaction. */
  prepare(input: FileInput): Promise<(SaveUploadResult & { ok: true; row: StoredFileRow }) | (SaveUploadResult & { ok: false })>;
  read(id: string): Promise<{ id: string; name: string; mime: string; bytes: Buffer } | null>;
  /** Removes a stored file that was not kept (not attached to any case): its row and its bytes. */
  discard(id: string): Promise<void>;
}

export const fileTexts = {
  tooLarge: (maxMb: number) =>
    `Maaf, berkas terlalu besar. Batasnya ${maxMb} MB. Kirim berkas yang lebih kecil (misalnya PDF ` +
    `hasil pindai dengan resolusi lebih rendah).`,
  wrongType: "Maaf, jenis berkas ini tidak diterima. Kirim berkas PDF, JPG, atau PNG.",
  empty: "Berkas kosong. Silakan kirim ulang.",
  failed: "Maaf, berkas gagal diunduh. Silakan kirim ulang sebentar lagi.",
  notExpected:
    "Berkas ini tidak kami simpan: tidak ada tugas yang menunggu berkas dari Anda. Untuk melampirkan " +
    'berkas pada tugas, pilih "Selesai + catatan" atau "Kirim pesan ke pemohon" pada tugas itu, lalu kirim berkasnya.',
} as const;
