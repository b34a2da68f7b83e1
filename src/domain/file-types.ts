// Recognizes a file by its content, never by its name or the type the sender claims.
// Accepted: PDF, JPEG and PNG — what the offices ask for (scans, photos, letters).

export type AcceptedMime = "application/pdf" | "image/jpeg" | "image/png";

const signatures: { mime: AcceptedMime; bytes: number[]; extension: string }[] = [
  { mime: "application/pdf", bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], extension: "pdf" }, // %PDF-
  { mime: "image/jpeg", bytes: [0xff, 0xd8, 0xff], extension: "jpg" },
  { mime: "image/png", bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], extension: "png" },
];

/** The accepted type of `bytes`, or null for anything else. */
export function sniffMime(bytes: Uint8Array): { mime: AcceptedMime; extension: string } | null {
  for (const s of signatures) {
    if (bytes.length >= s.bytes.length && s.bytes.every((b, i) => bytes[i] === b)) return { mime: s.mime, extension: s.extension };
  }
  return null;
}

export type UploadCheck = { ok: true; mime: AcceptedMime; extension: string } | { ok: false; reason: "too-large" | "empty" | "type" };

export function checkUpload(bytes: Uint8Array, maxBytes: number): UploadCheck {
  if (bytes.length === 0) return { ok: false, reason: "empty" };
  if (bytes.length > maxBytes) return { ok: false, reason: "too-large" };
  const type = sniffMime(bytes);
  return type ? { ok: true, ...type } : { ok: false, reason: "type" };
}
