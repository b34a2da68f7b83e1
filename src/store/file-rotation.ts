// Moves everything keyed by an old server key to the current one (npm run files:rotate-key):
// - each audit seal's MAC, after checking it under the old key (a seal that fails is never re-keyed:
//   that would launder a rewrite; the rotation stops and says so);
// - each stored file's encrypted bytes, one blob at a time: decrypted with the key it names, checked
//   against its content hash, encrypted under the current key through a temporary file, then its
//   rows marked with the new key id.
// It can be stopped at any point and run again: a blob already re-encrypted says so in its header,
// and only its rows are then updated. The bot may keep running meanwhile (it reads either key).
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { sealMac } from "./audit-chain.ts";
import type { Database } from "./database.ts";
import { decrypt, encrypt, FileKeyError, sealedKeyId, type KeyRing } from "./file-keys.ts";
import { storedFilePath, writeAtomically } from "./file-store.ts";

export interface RotationOptions {
  dir: string;
  keys: KeyRing;
  /** The seal secret of a key (derivedSecret(key, "audit-seals")). */
  sealSecret(key: Buffer): Buffer;
  /** Blobs per query. */
  batch?: number;
  /** Called after each blob is done (progress; tests interrupt here). */
  onBlob?(blobId: string): void;
}

export interface RotationOutcome {
  seals: number;
  blobs: number;
  /** Blobs that were already under the current key (an interrupted run): only their rows were marked. */
  resumed: number;
  /** Rows whose bytes are missing from the disk (listed; their rows are left as they are). */
  missing: string[];
}

async function rekeySeals(db: Database, options: RotationOptions): Promise<number> {
  const { keys } = options;
  const seals = await db.prisma.auditSeal.findMany({
    where: { mac: { not: null }, NOT: { macKeyId: keys.currentId } },
    select: { id: true, hash: true, mac: true, macKeyId: true },
    orderBy: { id: "asc" },
  });
  const current = options.sealSecret(keys.current);
  for (const s of seals) {
    const old = keys.byId.get(s.macKeyId ?? "");
    if (!old)
      throw new FileKeyError(`seal ${s.id} is keyed with key ${s.macKeyId}, which is not configured: add it to FILE_ENCRYPTION_OLD_KEYS`);
    if (sealMac(options.sealSecret(old), s.hash) !== s.mac)
      throw new Error(`seal ${s.id} fails its keyed check, so it is not re-keyed: run npm run audit:verify and investigate first`);
  }
  for (let i = 0; i < seals.length; i += 200) {
    await db.write(async (tx) => {
      for (const s of seals.slice(i, i + 200))
        await tx.auditSeal.update({ where: { id: s.id }, data: { mac: sealMac(current, s.hash), macKeyId: keys.currentId } });
    });
  }
  return seals.length;
}

export async function rotateFileKey(db: Database, options: RotationOptions): Promise<RotationOutcome> {
  const { keys, dir } = options;
  const outcome: RotationOutcome = { seals: await rekeySeals(db, options), blobs: 0, resumed: 0, missing: [] };
  const skip = new Set<string>();
  for (;;) {
    const rows = await db.prisma.storedFile.findMany({
      where: { OR: [{ keyId: null }, { NOT: { keyId: keys.currentId } }], blobId: { notIn: [...skip] } },
      select: { id: true, blobId: true, sha256: true },
      distinct: ["blobId"],
      take: options.batch ?? 100,
    });
    if (rows.length === 0) return outcome;
    for (const row of rows) {
      const blobId = row.blobId ?? row.id;
      const file = storedFilePath(dir, blobId);
      if (!existsSync(file)) {
        outcome.missing.push(row.id);
        skip.add(blobId);
        continue;
      }
      const sealed = readFileSync(file);
      if (sealedKeyId(sealed) === keys.currentId) {
        outcome.resumed++;
      } else {
        const { bytes } = decrypt(sealed, keys, `stored file ${row.id}`);
        if (createHash("sha256").update(bytes).digest("hex") !== row.sha256)
          throw new Error(`stored file ${row.id} fails its checksum: not re-encrypted (restore it from a back-up, then run again)`);
        writeAtomically(file, encrypt(bytes, keys));
        outcome.blobs++;
      }
      const where = row.blobId ? { blobId } : { id: row.id };
      await db.write((tx) => tx.storedFile.updateMany({ where, data: { keyId: keys.currentId } }));
      options.onBlob?.(blobId);
    }
  }
}
