// Back-up and restore on SQLite (PostgreSQL is backed up with pg_dump). The back-up runs as its own
// process (`npm run db:backup`, compiled), as an operator runs it, while the bot in this process keeps
// taking presses: cases opened, steps done, files stored. It must restore to a database whose audit
// trail verifies, whose counts are the manifest's, and whose stored files are all there and decrypt.
import { spawn } from "node:child_process";
import { copyFileSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../src/store/audit-verify.ts";
import { BackupError, backupSqlite, restoreSqlite, type BackupManifest } from "../../src/store/backup.ts";
import { openDatabase, type Database } from "../../src/store/database.ts";
import { keyRing } from "../../src/store/file-keys.ts";
import { createFileStore, localFileKey } from "../../src/store/file-store.ts";
import { sealSecretsOf } from "../../src/store/server-key.ts";
import { startHarness, wita, type Harness } from "../helpers/harness.ts";
import { compiled, repoRoot } from "../helpers/run-bot.ts";
import { tempDir } from "../helpers/temp-db.ts";
import { sqliteTemplatePath } from "../helpers/test-database.ts";

let h: Harness | undefined;
const opened: Database[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
  await h?.cleanup();
  h = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A migrated SQLite file in a new folder (this test is about SQLite's back-up, whatever the run). */
function sqliteFile(): { dir: string; file: string } {
  const dir = tempDir("sopbot-backup-");
  dirs.push(dir);
  const file = path.join(dir, "bot.db");
  if (existsSync(sqliteTemplatePath())) copyFileSync(sqliteTemplatePath(), file);
  return { dir, file };
}

async function open(file: string): Promise<Database> {
  const db = await openDatabase({ file });
  opened.push(db);
  return db;
}

const pdf = (n: number) => Buffer.from(`%PDF-1.4\n% back-up test file ${n}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n`);

/** Runs `npm run db:backup -- --to <folder>` (compiled) against the harness's database and files. */
function backupProcess(harness: Harness, to: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [compiled("src/cli/db-backup.ts"), "--to", to], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", DATABASE_URL: harness.databaseUrl, FILES_DIR: path.join(harness.dir, "files") },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

/** Load on the bot until stop(): each worker stores a file, opens a case and presses its steps as whoever holds them. */
function pressLoad(harness: Harness, workers: number) {
  const db = harness.app.db;
  let stopped = false;
  let seq = 0;
  let running: Promise<unknown> = Promise.resolve();
  const counts = { presses: 0, cases: 0, files: 0 };
  const send = (externalId: string, content: { text: string } | { action: { token: string } }) =>
    harness.app.receive({
      channel: "console",
      chatId: `console:${externalId}`,
      senderId: externalId,
      messageId: `load-${++seq}`,
      ...content,
      receivedAt: harness.clock.now(),
    });
  /** Presses "done" (or "approve") on the case's open step as its first candidate; false when there is none. */
  const pressStep = async (caseId: string) => {
    const task = await db.prisma.stepTask.findFirst({ where: { caseId, status: "open" } });
    if (!task) return false;
    const token = await db.prisma.actionToken.findFirst({
      where: { taskId: task.id, visit: task.visit, action: { in: ["done", "approve"] } },
    });
    const [first] = JSON.parse(task.candidates) as { officialId: string }[];
    const who = first ? await db.prisma.chatIdentity.findFirst({ where: { officialId: first.officialId, channel: "console" } }) : null;
    if (!token || !who) return false;
    await send(who.externalId, { action: { token: token.token } });
    counts.presses++;
    return true;
  };
  const worker = async (w: number, admin: string) => {
    for (let i = 0; !stopped; i++) {
      // The database calls resolve without waiting for I/O: let the event loop run (the back-up process's events).
      await new Promise((resolve) => setImmediate(resolve));
      const saved = await harness.app.files!.save({
        bytes: pdf(w * 1000 + i),
        name: `lampiran-${w}-${i}.pdf`,
        channel: "console",
        uploaderId: admin,
        at: harness.clock.now(),
      });
      if (saved.ok) counts.files++;
      await send(admin, { text: `/buka 18 KGB Pegawai Uji ${w}-${i}` });
      const kase = await db.prisma.case.findFirst({ where: { title: { contains: `Pegawai Uji ${w}-${i}` } } });
      if (kase) counts.cases++;
      for (let step = 0; kase && step < 3 && !stopped; step++) if (!(await pressStep(kase.id))) break;
    }
  };
  return {
    counts,
    async start() {
      const admin = await db.prisma.official.findFirstOrThrow({ where: { isAdmin: true }, include: { identities: true } });
      const id = admin.identities.find((i) => i.channel === "console")!.externalId;
      running = Promise.all(Array.from({ length: workers }, (_, w) => worker(w, id)));
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}

const countsOf = async (db: Database) => ({
  Case: await db.prisma.case.count(),
  AuditEvent: await db.prisma.auditEvent.count(),
  StoredFile: await db.prisma.storedFile.count(),
});

describe("back-up and restore (SQLite)", () => {
  it("backs up under load (presses arriving while it runs) and restores to a database that verifies", async () => {
    const { dir, file } = sqliteFile();
    h = await startHarness({ now: wita("2026-03-16 08:00"), dir, databaseUrl: `file:${file}` });
    const live = h.app.db;
    const load = pressLoad(h, 3);
    await load.start();
    // Let the load get going, then back up while it runs.
    while (load.counts.presses < 1) await new Promise((resolve) => setImmediate(resolve));
    const before = await countsOf(live);
    const pressesBefore = load.counts.presses;
    const folder = path.join(dir, "backup");
    const run = await backupProcess(h, folder);
    const pressesDuring = load.counts.presses - pressesBefore;
    await load.stop();
    const after = await countsOf(live);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Back-up written to ${folder}`);
    expect(run.stdout).toContain("The encryption key is NOT in the back-up");

    const manifest = JSON.parse(readFileSync(path.join(folder, "manifest.json"), "utf8")) as BackupManifest;
    const snapshot = manifest.counts!;
    // Presses went on while the back-up process ran, and its snapshot is one moment inside that stream.
    expect(pressesDuring).toBeGreaterThan(0);
    expect(snapshot.AuditEvent).toBeGreaterThan(before.AuditEvent);
    expect(snapshot.AuditEvent).toBeLessThan(after.AuditEvent);
    expect(manifest).toMatchObject({ format: "sopbot-backup", provider: "sqlite", missingFiles: [] });
    expect(manifest.files.length).toBeGreaterThanOrEqual(snapshot.StoredFile);
    expect(manifest.encryptionKey).toMatch(/^not included/);
    expect(readdirSync(folder, { recursive: true }).map(String)).not.toContainEqual(expect.stringContaining(".file-key"));
    expect(await h.auditProblems()).toEqual([]);

    // Restore into a fresh place: nothing there yet, so no --force is needed.
    const target = path.join(tempDir("sopbot-restore-"), "restored.db");
    dirs.push(path.dirname(target));
    const filesDir = path.join(path.dirname(target), "files");
    const restored = await restoreSqlite({ from: folder, databaseFile: target, filesDir });
    expect(restored).toMatchObject({ movedAside: null, missingFiles: [], files: { copied: manifest.files.length, present: 0 } });
    const db = await open(target);
    const key = keyRing(localFileKey(path.join(dir, ".file-key")));
    const verified = await verifyAuditChain(db, { sealSecrets: sealSecretsOf(key) });
    expect(verified.problems).toEqual([]);
    expect(verified.events).toBe(snapshot.AuditEvent);
    expect(await countsOf(db)).toEqual(snapshot);
    // Every stored file is there and decrypts to its recorded content (read() checks the sha256).
    const files = createFileStore(db, { dir: filesDir, keys: key, maxBytes: 1 << 20 });
    const rows = await db.prisma.storedFile.findMany({ select: { id: true } });
    expect(rows.length).toBe(snapshot.StoredFile);
    for (const row of rows) expect((await files.read(row.id))?.bytes.subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("refuses to overwrite a database without --force, and a running bot's; with --force keeps the old one aside", async () => {
    const { dir, file } = sqliteFile();
    const source = await open(file);
    await source.write((tx) => tx.case.create({ data: caseRow("case-1") }));
    await source.close();
    const folder = path.join(dir, "backup");
    const result = await backupSqlite({ databaseFile: file, filesDir: path.join(dir, "files"), to: folder });
    expect(result).toMatchObject({ keyIncluded: false, missingFiles: [], manifest: { counts: { Case: 1 } } });
    // A back-up never goes into a folder that holds something.
    await expect(backupSqlite({ databaseFile: file, filesDir: path.join(dir, "files"), to: folder })).rejects.toThrow(/not empty/);

    const { file: target } = sqliteFile();
    const other = await open(target);
    await other.write((tx) => tx.case.create({ data: caseRow("case-other") }));
    const restore = (force?: boolean) =>
      restoreSqlite({ from: folder, databaseFile: target, filesDir: path.join(dir, "restored-files"), ...(force ? { force } : {}) });
    await expect(restore()).rejects.toThrow(/already exists .* --force/);
    // The bot holds its leader lease on the target: said so, and still refused.
    const now = new Date();
    await other.write((tx) =>
      tx.lease.create({ data: { key: "leader", holder: "single", expiresAt: new Date(now.getTime() + 30_000), acquiredAt: now } }),
    );
    await expect(restore()).rejects.toThrow(/bot appears to be running .* "single" holds the leader lease/);
    // --force does not override it: the bot would go on writing to the database moved aside.
    await expect(restore(true)).rejects.toThrow(/bot appears to be running/);
    // The bot stops (a clean stop releases its lease).
    await other.write((tx) => tx.lease.deleteMany({}));
    await other.close();
    expect(existsSync(target)).toBe(true);

    const forced = await restore(true);
    expect(forced.movedAside?.slice(target.length)).toMatch(/^\.before-restore-\d{8}-\d{6}$/);
    const kept = await open(forced.movedAside!);
    expect(await kept.prisma.case.findMany({ select: { id: true } })).toEqual([{ id: "case-other" }]);
    const restored = await open(target);
    expect(await restored.prisma.case.findMany({ select: { id: true } })).toEqual([{ id: "case-1" }]);
    expect((await verifyAuditChain(restored)).problems).toEqual([]);
  });

  it("refuses a back-up whose database.db does not match its manifest, and reports a stored file without its blob", async () => {
    const { dir, file } = sqliteFile();
    const db = await open(file);
    await db.write((tx) =>
      tx.storedFile.create({
        data: {
          id: "f".repeat(32),
          channel: "console",
          uploaderId: "x",
          originalName: "a.pdf",
          mime: "application/pdf",
          size: 3,
          sha256: "0",
          createdAt: new Date(),
        },
      }),
    );
    await db.close();
    const folder = path.join(dir, "backup");
    const result = await backupSqlite({ databaseFile: file, filesDir: path.join(dir, "files"), to: folder });
    expect(result.missingFiles).toEqual(["f".repeat(32)]);
    expect(result.manifest.missingFiles).toEqual(["f".repeat(32)]);

    const damaged = path.join(dir, "damaged");
    cpSync(folder, damaged, { recursive: true });
    const bytes = readFileSync(path.join(damaged, "database.db"));
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    writeFileSync(path.join(damaged, "database.db"), bytes);
    const target = path.join(dir, "restored", "bot.db");
    const restore = (from: string) => restoreSqlite({ from, databaseFile: target, filesDir: path.join(dir, "restored", "files") });
    await expect(restore(damaged)).rejects.toThrow(BackupError);
    await expect(restore(damaged)).rejects.toThrow(/does not match the sha256 in its manifest/);
    expect(existsSync(target)).toBe(false);
    await expect(restore(path.join(dir, "files"))).rejects.toThrow(/not a sopbot back-up/);
    expect((await restore(folder)).missingFiles).toEqual(["f".repeat(32)]);
  });
});

function caseRow(id: string) {
  return { id, code: id, officeId: "x", sopNumber: 18, flowHash: "f", title: id, status: "open", createdAt: new Date() };
}
