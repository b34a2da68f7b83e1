// Stored files: one encrypted copy per content, the key's id recorded with each file, a clear error
// for a wrong or missing key, and a key rotation that survives being interrupted.
import { createCipheriv, randomBytes } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startHarness, wita, type Harness } from "../helpers/harness.ts";
import { tempDir } from "../helpers/temp-db.ts";
import { newDatabaseUrl, targetOf } from "../helpers/test-database.ts";
import { createAuditAppender, sealAuditChains } from "../../src/store/audit-chain.ts";
import { verifyAuditChain } from "../../src/store/audit-verify.ts";
import { openDatabase, type Database } from "../../src/store/database.ts";
import { encrypt, FileKeyError, keyRing } from "../../src/store/file-keys.ts";
import { createFileStore, storedFilePath } from "../../src/store/file-store.ts";
import { rotateFileKey } from "../../src/store/file-rotation.ts";
import { derivedSecret, sealKeyOf, sealSecretsOf } from "../../src/store/server-key.ts";

const keyA = Buffer.alloc(32, 1);
const keyB = Buffer.alloc(32, 2);
const png = (n: number) => Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.from(`isi berkas ${n} `), randomBytes(64)]);
const upload = (bytes: Buffer, name = "ktp.png") => ({ bytes, name, channel: "console", uploaderId: "pemohon", at: new Date() });

let cleanup: (() => Promise<void>) | undefined;
let h: Harness | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
  await h?.cleanup();
  h = undefined;
});

async function freshStore(): Promise<{ db: Database; dir: string }> {
  const dir = tempDir();
  const db = await openDatabase({ target: targetOf(await newDatabaseUrl(dir)) });
  cleanup = () => db.close();
  return { db, dir: path.join(dir, "files") };
}

const blobsIn = (dir: string) => readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith(".bin")).length;

describe("stored files", () => {
  it("keeps one encrypted copy of the same content, and removes it only when no file needs it", async () => {
    const { db, dir } = await freshStore();
    const files = createFileStore(db, { dir, keys: keyRing(keyA), maxBytes: 1_000_000 });
    const bytes = png(1);
    const first = await files.save(upload(bytes, "ktp.png"));
    const second = await files.save(upload(bytes, "ktp-lagi.png"));
    const other = await files.save(upload(png(2)));
    if (!first.ok || !second.ok || !other.ok) throw new Error("upload refused");
    expect(first.file.id).not.toBe(second.file.id);
    expect(blobsIn(dir)).toBe(2);
    const rows = await db.prisma.storedFile.findMany({ orderBy: { createdAt: "asc" } });
    expect(new Set(rows.map((r) => r.blobId)).size).toBe(2);
    expect(rows.every((r) => r.keyId === keyRing(keyA).currentId)).toBe(true);
    expect((await files.read(second.file.id))?.name).toBe("ktp-lagi.png");
    await files.discard(first.file.id);
    expect((await files.read(second.file.id))?.bytes.equals(bytes)).toBe(true);
    expect(blobsIn(dir)).toBe(2);
  });

  it("draws /alur twice without storing the chart twice", async () => {
    h = await startHarness({ now: wita("2026-03-16 08:00") });
    await h.as("Sekretaris");
    expect(await h.say("/alur 18")).toContain("Bagan alir SOP 18");
    await h.say("/alur 18");
    const charts = await h.app.db.prisma.storedFile.findMany({ where: { channel: "system" } });
    expect(charts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(charts.map((c) => c.blobId)).size).toBe(charts.length / 2);
  });

  it("says which key a file needs when it is missing, and still reads files written before key ids", async () => {
    const { db, dir } = await freshStore();
    const saved = await createFileStore(db, { dir, keys: keyRing(keyA), maxBytes: 1_000_000 }).save(upload(png(3)));
    if (!saved.ok) throw new Error("upload refused");
    const withB = createFileStore(db, { dir, keys: keyRing(keyB), maxBytes: 1_000_000 });
    const error = await withB.read(saved.file.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileKeyError);
    expect(String(error)).toContain(`is encrypted with key ${keyRing(keyA).currentId}, which is not configured`);
    expect(String(error)).toContain("FILE_ENCRYPTION_OLD_KEYS");
    // A file of the first format (no key id): tried with each known key; the wrong one is named as such.
    const row = await db.prisma.storedFile.findUniqueOrThrow({ where: { id: saved.file.id } });
    const plain = (await createFileStore(db, { dir, keys: keyRing(keyA), maxBytes: 1_000_000 }).read(row.id))!.bytes;
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", keyA, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    writeFileSync(storedFilePath(dir, row.blobId!), Buffer.concat([Buffer.from("SOPF1"), iv, cipher.getAuthTag(), body]));
    expect((await createFileStore(db, { dir, keys: keyRing(keyB, [keyA]), maxBytes: 1_000_000 }).read(row.id))?.bytes.equals(plain)).toBe(
      true,
    );
    expect(String(await withB.read(row.id).catch((e: unknown) => e))).toContain("does not decrypt with any configured key");
  });
});

describe("npm run files:rotate-key", () => {
  it("re-encrypts every file and re-keys every seal, resuming after an interruption", async () => {
    const { db, dir } = await freshStore();
    const ringA = keyRing(keyA);
    const store = createFileStore(db, { dir, keys: ringA, maxBytes: 1_000_000 });
    const contents = [1, 2, 3, 4, 5, 6].map(png);
    const ids: string[] = [];
    for (const c of contents) {
      const saved = await store.save(upload(c));
      if (saved.ok) ids.push(saved.file.id);
    }
    // Two seals keyed with key A.
    for (const n of [1, 2]) {
      await db.write(async (tx) => {
        const audit = createAuditAppender(tx);
        await audit.append({
          at: new Date(),
          caseId: null,
          stepId: null,
          actorOfficialId: null,
          actorLabel: "sistem",
          actingAs: null,
          action: `uji-${n}`,
          note: null,
          flowHash: null,
        });
        await audit.flush();
      });
      await sealAuditChains(db, new Date(), sealKeyOf(ringA));
    }
    const ringB = keyRing(keyB, [keyA]);
    const sealSecret = (key: Buffer) => derivedSecret(key, "audit-seals");
    // Interrupted after the third file.
    let done = 0;
    const interrupted = await rotateFileKey(db, {
      dir,
      keys: ringB,
      sealSecret,
      batch: 2,
      onBlob: () => {
        if (++done === 3) throw new Error("listrik padam");
      },
    }).catch((e: unknown) => e);
    expect(String(interrupted)).toContain("listrik padam");
    expect(await db.prisma.storedFile.count({ where: { keyId: ringB.currentId } })).toBe(3);
    // A crash between writing a blob and marking its row: the blob is already under key B.
    const pending = await db.prisma.storedFile.findFirstOrThrow({ where: { keyId: ringA.currentId } });
    const plain = (await createFileStore(db, { dir, keys: ringB, maxBytes: 1_000_000 }).read(pending.id))!.bytes;
    writeFileSync(storedFilePath(dir, pending.blobId!), encrypt(plain, ringB));

    const resumed = await rotateFileKey(db, { dir, keys: ringB, sealSecret });
    expect(resumed).toMatchObject({ seals: 0, blobs: 2, resumed: 1, missing: [] });
    // The old key can go: everything reads and verifies with key B alone.
    const onlyB = keyRing(keyB);
    const readB = createFileStore(db, { dir, keys: onlyB, maxBytes: 1_000_000 });
    for (const [i, id] of ids.entries()) expect((await readB.read(id))?.bytes.equals(contents[i]!)).toBe(true);
    expect((await verifyAuditChain(db, { sealSecrets: sealSecretsOf(onlyB) })).problems).toEqual([]);
    expect(await db.prisma.auditSeal.count({ where: { macKeyId: onlyB.currentId } })).toBe(2);
    // Nothing left: a third run does nothing.
    expect(await rotateFileKey(db, { dir, keys: ringB, sealSecret })).toEqual({ seals: 0, blobs: 0, resumed: 0, missing: [] });
    expect(readFileSync(storedFilePath(dir, pending.blobId!)).subarray(0, 5).toString()).toBe("SOPF2");
  });

  it("refuses to re-key a seal that fails its check under the old key", async () => {
    const { db, dir } = await freshStore();
    const ringA = keyRing(keyA);
    await db.write(async (tx) => {
      const audit = createAuditAppender(tx);
      const e = { at: new Date(), caseId: null, stepId: null, actorOfficialId: null, actorLabel: "sistem", actingAs: null };
      await audit.append({ ...e, action: "uji", note: null, flowHash: null });
      await audit.flush();
    });
    await sealAuditChains(db, new Date(), sealKeyOf(ringA));
    await db.prisma.auditSeal.updateMany({ data: { mac: "0".repeat(64) } });
    const sealSecret = (key: Buffer) => derivedSecret(key, "audit-seals");
    const error = await rotateFileKey(db, { dir, keys: keyRing(keyB, [keyA]), sealSecret }).catch((e: unknown) => e);
    expect(String(error)).toContain("fails its keyed check, so it is not re-keyed");
  });
});
