// Files received in chat, encrypted at rest with AES-256-GCM under FILE_ENCRYPTION_KEY (file-keys.ts).
// The database row holds the metadata and the sha256 of the plain content (integrity); the encrypted
// bytes live under data/files/ (never in git) as a blob named by a random id. Files with the same
// content share one blob: a row per upload, the bytes once.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, renameSync } from "node:fs";
import path from "node:path";
import { checkUpload } from "../domain/file-types.ts";
import type { FileInput, FilePort, StoredFileRow } from "../engine/file-ports.ts";
import type { Database } from "./database.ts";
import { decrypt, encrypt, type KeyRing } from "./file-keys.ts";
import { toStorageError } from "./storage-errors.ts";

/** Where a stored file's encrypted bytes live under the files folder. */
export function storedFilePath(dir: string, blobId: string): string {
  return path.join(dir, blobId.slice(0, 2), `${blobId}.bin`);
}

/** Writes bytes to `file` through a temporary file, so a crash or a full disk leaves no half-written file. */
export function writeAtomically(file: string, bytes: Buffer): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, bytes);
    renameSync(`${file}.tmp`, file);
  } catch (error) {
    rmSync(`${file}.tmp`, { force: true });
    throw toStorageError(error);
  }
}

/** A blob touched more recently than this is kept even when no row holds it (an upload may be about to record it). */
export const blobGraceMs = 60 * 60 * 1000;

/**
 * Removes the blobs of `blobIds` that no stored file row holds any more (after the rows were deleted
 * and committed). A blob touched within the last hour is left for the next purge: a concurrent
 * upload of the same content may be about to record a row that shares it.
 */
export async function removeUnreferencedBlobs(
  db: Database,
  dir: string,
  blobIds: Iterable<string>,
  graceMs = blobGraceMs,
): Promise<number> {
  const ids = [...new Set(blobIds)];
  if (ids.length === 0) return 0;
  const held = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.prisma.storedFile.findMany({ where: { blobId: { in: ids.slice(i, i + 500) } }, select: { blobId: true } });
    for (const r of rows) if (r.blobId) held.add(r.blobId);
  }
  let removed = 0;
  for (const id of ids) {
    const file = storedFilePath(dir, id);
    if (held.has(id) || !existsSync(file) || Date.now() - statSync(file).mtimeMs < graceMs) continue;
    rmSync(file, { force: true });
    removed++;
  }
  return removed;
}

/** Removes encrypted files no row holds, older than the grace period (after a crash, a discard, a purge). */
export async function sweepOrphanBlobs(db: Database, dir: string, graceMs = blobGraceMs): Promise<number> {
  if (!existsSync(dir)) return 0;
  const found: string[] = [];
  for (const sub of readdirSync(dir, { withFileTypes: true })) {
    if (!sub.isDirectory() || !/^[0-9a-f]{2}$/.test(sub.name)) continue;
    for (const name of readdirSync(path.join(dir, sub.name))) {
      const match = /^([0-9a-f]{32})\.bin$/.exec(name);
      if (match?.[1]) found.push(match[1]);
    }
  }
  return removeUnreferencedBlobs(db, dir, found, graceMs);
}

export function createFileStore(db: Database, options: { dir: string; keys: KeyRing; maxBytes: number }): FilePort {
  mkdirSync(options.dir, { recursive: true });
  const pathOf = (blobId: string) => storedFilePath(options.dir, blobId);
  /** The blob of an earlier file with the same content under the current key, touched so no purge removes it now. */
  async function sameContent(sha256: string): Promise<string | null> {
    const rows = await db.prisma.storedFile.findMany({
      where: { sha256, keyId: options.keys.currentId, blobId: { not: null } },
      select: { blobId: true },
      take: 3,
    });
    for (const { blobId } of rows) {
      const file = pathOf(blobId ?? "");
      try {
        const now = new Date();
        utimesSync(file, now, now);
        return blobId;
      } catch {
        // Removed meanwhile: try another, or write the bytes anew.
      }
    }
    return null;
  }
  async function prepare(input: FileInput) {
    const check: { ok: true; mime: string; extension: string } | { ok: false; reason: "too-large" | "empty" | "type" } = input.generatedMime
      ? { ok: true, mime: input.generatedMime, extension: "bin" }
      : checkUpload(input.bytes, options.maxBytes);
    if (!check.ok) return check;
    const id = randomUUID().replace(/-/g, "");
    const bytes = Buffer.from(input.bytes);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    // The same content is stored once: a second upload of a document, or the same /alur chart again.
    let blobId = await sameContent(sha256);
    if (!blobId) {
      blobId = randomBytes(16).toString("hex");
      writeAtomically(pathOf(blobId), encrypt(bytes, options.keys));
    }
    const name = input.name?.replace(/[\\/\0]/g, "_").slice(0, 120) || `berkas.${check.extension}`;
    const row: StoredFileRow = {
      id,
      channel: input.channel,
      uploaderId: input.uploaderId,
      originalName: name,
      mime: check.mime,
      size: bytes.length,
      sha256,
      createdAt: input.at,
      blobId,
      keyId: options.keys.currentId,
    };
    return { ok: true as const, file: { id, name, mime: check.mime, size: bytes.length, sha256 }, row };
  }
  return {
    maxBytes: options.maxBytes,
    prepare,
    async save(input) {
      const prepared = await prepare(input);
      if (!prepared.ok) return prepared;
      await db.write((tx) => tx.storedFile.create({ data: prepared.row }));
      return { ok: true, file: prepared.file };
    },
    async discard(id) {
      // Only a file nothing holds on to: not attached to a case. Its bytes go when no other row shares
      // them (a blob written within the hour is left to the daily sweep).
      const row = await db.prisma.storedFile.findUnique({ where: { id }, select: { blobId: true, caseId: true } });
      if (!row || row.caseId) return;
      const removed = await db.write((tx) => tx.storedFile.deleteMany({ where: { id, caseId: null } }));
      if (removed.count > 0) await removeUnreferencedBlobs(db, options.dir, [row.blobId ?? id]);
    },
    async read(id) {
      const row = await db.prisma.storedFile.findUnique({ where: { id } });
      if (!row) return null;
      const { bytes } = decrypt(readFileSync(pathOf(row.blobId ?? id)), options.keys, `stored file ${id}`);
      if (createHash("sha256").update(bytes).digest("hex") !== row.sha256) throw new Error(`stored file ${id} fails its checksum`);
      return { id, name: row.originalName, mime: row.mime, bytes };
    },
  };
}

/**
 * The key for the embedded default (console only, no FILE_ENCRYPTION_KEY set): made once and kept
 * next to the database with owner-only permissions. Telegram and WhatsApp require an explicit key.
 */
export function localFileKey(file: string): Buffer {
  if (existsSync(file)) return Buffer.from(readFileSync(file, "utf8").trim(), "hex");
  mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString("hex")}\n`, { mode: 0o600 });
  return key;
}
