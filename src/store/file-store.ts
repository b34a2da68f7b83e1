// Files received in chat, encrypted at rest with AES-256-GCM under FILE_ENCRYPTION_KEY, named by a
// random id, with the sha256 of the plain content kept for integrity and de-duplication. The
// database row holds the metadata; the bytes live under data/files/ (never in git).
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, renameSync } from "node:fs";
import path from "node:path";
import { checkUpload } from "../domain/file-types.ts";
import type { FileInput, FilePort, StoredFileRow } from "../engine/file-ports.ts";
import type { Database } from "./database.ts";
import { toStorageError } from "./storage-errors.ts";

const MAGIC = Buffer.from("SOPF1");

export function encrypt(plain: Buffer, key: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
}

export function decrypt(sealed: Buffer, key: Buffer): Buffer {
  if (!sealed.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error("not a sopbot file");
  const iv = sealed.subarray(MAGIC.length, MAGIC.length + 12);
  const tag = sealed.subarray(MAGIC.length + 12, MAGIC.length + 28);
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(MAGIC.length + 28)), decipher.final()]);
}

/** Where a stored file's encrypted bytes live under the files folder. */
export function storedFilePath(dir: string, id: string): string {
  return path.join(dir, id.slice(0, 2), `${id}.bin`);
}

export function createFileStore(db: Database, options: { dir: string; key: Buffer; maxBytes: number }): FilePort {
  mkdirSync(options.dir, { recursive: true });
  const pathOf = (id: string) => storedFilePath(options.dir, id);
  async function prepare(input: FileInput) {
    const check: { ok: true; mime: string; extension: string } | { ok: false; reason: "too-large" | "empty" | "type" } = input.generatedMime
      ? { ok: true, mime: input.generatedMime, extension: "bin" }
      : checkUpload(input.bytes, options.maxBytes);
    if (!check.ok) return check;
    const id = randomUUID().replace(/-/g, "");
    const sha256 = createHash("sha256").update(input.bytes).digest("hex");
    const file = pathOf(id);
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(`${file}.tmp`, encrypt(Buffer.from(input.bytes), options.key));
      renameSync(`${file}.tmp`, file);
    } catch (error) {
      // A full disk leaves no half-written file behind and surfaces as StorageUnavailableError.
      rmSync(`${file}.tmp`, { force: true });
      throw toStorageError(error);
    }
    const name = input.name?.replace(/[\\/\0]/g, "_").slice(0, 120) || `berkas.${check.extension}`;
    const row: StoredFileRow = {
      id,
      channel: input.channel,
      uploaderId: input.uploaderId,
      originalName: name,
      mime: check.mime,
      size: input.bytes.length,
      sha256,
      createdAt: input.at,
    };
    return { ok: true as const, file: { id, name, mime: check.mime, size: input.bytes.length, sha256 }, row };
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
      // Only a file nothing holds on to: not attached to a case.
      const removed = await db.write((tx) => tx.storedFile.deleteMany({ where: { id, caseId: null } }));
      if (removed.count > 0) rmSync(pathOf(id), { force: true });
    },
    async read(id) {
      const row = await db.prisma.storedFile.findUnique({ where: { id } });
      if (!row) return null;
      const bytes = decrypt(readFileSync(pathOf(id)), options.key);
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
