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

export interface FilePort {
  /** The largest file accepted, in bytes. */
  readonly maxBytes: number;
  save(input: { bytes: Uint8Array; name: string | null; channel: string; uploaderId: string; at: Date }): Promise<SaveUploadResult>;
  read(id: string): Promise<{ id: string; name: string; mime: string; bytes: Buffer } | null>;
}

export const fileTexts = {
  tooLarge: (maxMb: number) => `Maaf, berkas terlalu besar. Batasnya ${maxMb} MB. Kirim berkas yang lebih kecil (misalnya PDF hasil pindai dengan resolusi lebih rendah).`,
  wrongType: "Maaf, jenis berkas ini tidak diterima. Kirim berkas PDF, JPG, atau PNG.",
  empty: "Berkas kosong. Silakan kirim ulang.",
  failed: "Maaf, berkas gagal diunduh. Silakan kirim ulang sebentar lagi.",
  notExpected: "Berkas diterima, tetapi tidak ada tugas yang menunggu berkas dari Anda. Untuk melampirkan berkas pada tugas, pilih \"Selesai + catatan\" pada tugas itu lalu kirim berkasnya.",
} as const;
