// Back-up and restore of the SQLite database and the stored files (`npm run db:backup`, `db:restore`);
// PostgreSQL is dumped with pg_dump, and for it this module copies only the files. A back-up folder
// holds database.db (one consistent snapshot), files/ (the encrypted blobs, xx/<id>.bin) and
// manifest.json (what was copied, row counts, sha256). The encryption key is never in it: a back-up
// kept with its key would give away every document.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import SqliteDatabase from "better-sqlite3";
import { z } from "zod";
import { storedFilePath } from "./file-store.ts";

/** A back-up or restore refused or failed for a reason the operator can act on (the message says how). */
export class BackupError extends Error {
  override name = "BackupError";
}

const manifestSchema = z.object({
  format: z.literal("sopbot-backup"),
  formatVersion: z.literal(1),
  createdAt: z.string(),
  sopbotVersion: z.string().nullable(),
  provider: z.enum(["sqlite", "postgres"]),
  /** The database copy in the folder: database.db (SQLite) or, for PostgreSQL, a pg_dump file found there. */
  database: z.object({ file: z.string(), size: z.number(), sha256: z.string(), lastMigration: z.string().nullable() }).nullable(),
  counts: z.object({ Case: z.number(), AuditEvent: z.number(), StoredFile: z.number() }).nullable(),
  files: z.array(z.object({ path: z.string(), size: z.number() })),
  /** StoredFile rows of the snapshot whose blob is not in files/. */
  missingFiles: z.array(z.string()),
  encryptionKey: z.string(),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

export interface BackupResult {
  folder: string;
  manifest: BackupManifest;
  /** StoredFile ids in the snapshot without their blob in the back-up (removed by the retention purge meanwhile, or lost). */
  missingFiles: string[];
  keyIncluded: false;
  /** What to keep besides the folder: the key, stored separately. */
  keyAdvice: string;
}

export interface RestoreResult {
  databaseFile: string | null;
  /** Where the database that was replaced now is (`<file>.before-restore-<time>`), or null. */
  movedAside: string | null;
  files: { copied: number; present: number };
  /** StoredFile ids in the restored database without their blob in the files folder. */
  missingFiles: string[];
  manifest: BackupManifest;
}

/** The lease key of the instance running the scheduled jobs (src/scheduler/leadership.ts's leaderKey). */
const leaderKey = "leader";
const dumpName = "database.dump";

/** Local time as yyyymmdd-hhmmss, for folder and file names. */
export function compactTimestamp(at: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}-${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}`;
}

type BackupOptions = { filesDir: string; keyFile?: string; to: string };
type DatabaseCopy = { database: BackupManifest["database"]; counts: BackupManifest["counts"]; files: StoredFileBlob[] };

/**
 * Backs up a SQLite database while the bot keeps running. VACUUM INTO on a connection of its own
 * runs as one read transaction, so under WAL it copies exactly the last commit before it began while
 * the bot's writer goes on committing to the WAL (readers and the writer never wait for each other);
 * an open transaction of the bot is simply not in it. SQLite's online backup API (better-sqlite3's
 * `.backup()`) copies pages in steps and starts over whenever another connection commits between two
 * steps: under a steady stream of presses it may never finish.
 */
export async function backupSqlite(options: BackupOptions & { databaseFile: string }): Promise<BackupResult> {
  if (!fs.existsSync(options.databaseFile)) throw new BackupError(`There is no database at ${options.databaseFile} (DATABASE_URL).`);
  const snapshot = (to: string) => snapshotSqlite(options.databaseFile, path.join(to, "database.db"));
  return writeBackup(options, "sqlite", () => false, snapshot);
}

function snapshotSqlite(databaseFile: string, file: string): DatabaseCopy {
  withSqlite(databaseFile, false, (db) => db.prepare("VACUUM INTO ?").run(file));
  fsyncPath(file);
  const snapshot = inspect(file);
  if (snapshot.check !== "ok") throw new BackupError(`The snapshot fails SQLite's check (${snapshot.check}); the database may be damaged.`);
  return { database: describeCopy(file, snapshot.lastMigration), counts: snapshot.counts, files: snapshot.files };
}

/**
 * PostgreSQL: copies the stored files and writes the manifest. The database is dumped with pg_dump
 * first, into the same folder as database.dump (its size and sha256 go into the manifest).
 */
export async function backupFilesOnly(options: BackupOptions): Promise<BackupResult> {
  const reusable = (names: string[]) => !names.includes("manifest.json") && !names.includes("files");
  return writeBackup(options, "postgres", reusable, (to) => {
    const dump = path.join(to, dumpName);
    return { database: fs.existsSync(dump) ? describeCopy(dump, null) : null, counts: null, files: [] };
  });
}

/**
 * The database first, then the files: a blob is written before its row commits, so every row in the
 * snapshot has its blob, unless the retention purge removed it since; those are reported
 * (`missingFiles`), not hidden. The manifest is written last: a folder without one is unfinished.
 */
function writeBackup(
  options: BackupOptions,
  provider: "sqlite" | "postgres",
  reusable: (names: string[]) => boolean,
  copyDatabase: (to: string) => DatabaseCopy,
): BackupResult {
  const to = path.resolve(options.to);
  const inside = path.relative(path.resolve(options.filesDir), to);
  if (!inside.startsWith("..") && !path.isAbsolute(inside)) throw new BackupError(`Choose a back-up folder outside ${options.filesDir}.`);
  const created = prepareFolder(to, reusable);
  try {
    const { database, counts, files: rows } = copyDatabase(to);
    const filesTo = path.join(to, "files");
    const keyFile = options.keyFile ? path.resolve(options.keyFile) : null;
    const skip = (file: string) => path.basename(file) === ".file-key" || path.resolve(file) === keyFile;
    const files = copyTree(options.filesDir, filesTo, { skip, keepIdentical: false }).copied;
    const missingFiles = withoutBlob(rows, filesTo);
    const key = options.keyFile ? `the key file ${options.keyFile}` : "FILE_ENCRYPTION_KEY";
    const head = { format: "sopbot-backup" as const, formatVersion: 1 as const, createdAt: new Date().toISOString(), provider };
    const encryptionKey = `not included: keep ${key} separately, not with this back-up`;
    const manifest: BackupManifest = { ...head, sopbotVersion: sopbotVersion(), database, counts, files, missingFiles, encryptionKey };
    writeManifest(to, manifest);
    const keyAdvice = `The encryption key is NOT in the back-up: keep ${key} separately; without it the files cannot be read.`;
    return { folder: to, manifest, missingFiles, keyIncluded: false, keyAdvice };
  } catch (error) {
    if (created) fs.rmSync(to, { recursive: true, force: true });
    else for (const name of ["database.db", "files", "manifest.json.tmp"]) fs.rmSync(path.join(to, name), { recursive: true, force: true });
    throw error;
  }
}

type RestoreOptions = { from: string; filesDir: string };

/**
 * Puts a SQLite back-up back: checks the folder against its manifest, refuses while the bot appears
 * to run (an unexpired leader lease) or when a database is there, unless `force`; then copies the
 * files first (extra files already there stay) and the database last, so a restore cut short never
 * leaves rows without their blobs. A replaced database is moved aside, never deleted. Opening the
 * restored database (openDatabase) migrates it forward when the back-up is older than the code.
 */
export async function restoreSqlite(
  options: RestoreOptions & { databaseFile: string; force?: boolean; now?: Date },
): Promise<RestoreResult> {
  const now = options.now ?? new Date();
  const target = path.resolve(options.databaseFile);
  const manifest = checkBackup(options.from);
  if (manifest.provider !== "sqlite" || !manifest.database)
    throw new BackupError(`${options.from} holds no SQLite database (a back-up of PostgreSQL's files only).`);
  const exists = fs.existsSync(target);
  // Never under a running bot, --force or not: it would go on writing to the database moved aside.
  const lease = exists ? leaderLease(target, now) : null;
  if (lease)
    throw new BackupError(
      `The bot appears to be running on ${target}: instance "${lease.holder}" holds the leader lease until ` +
        `${lease.expiresAt.toISOString()}. Stop the bot first (a clean stop releases the lease at once; after a crash it ` +
        "runs out within LEASE_TTL_MS) and run the restore again.",
    );
  if (exists && !options.force) {
    throw new BackupError(
      `A database already exists at ${target}. To replace it with the back-up, run again with --force: the current ` +
        `database is then kept as ${target}.before-restore-<time>.`,
    );
  }
  const source = path.join(options.from, manifest.database.file);
  const { copied, present } = copyTree(path.join(options.from, "files"), options.filesDir, { keepIdentical: true });
  const files = { copied: copied.length, present };
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.restore-${process.pid}.tmp`;
  let movedAside: string | null = null;
  try {
    fs.copyFileSync(source, tmp);
    fsyncPath(tmp);
    if (sha256File(tmp) !== manifest.database.sha256) throw new BackupError(`Copying ${source} changed it; nothing was restored.`);
    movedAside = exists ? moveAside(target, now) : null;
    // A -wal or -shm left without its database would be applied to the restored one.
    for (const suffix of ["-wal", "-shm", "-journal"]) fs.rmSync(`${target}${suffix}`, { force: true });
    fs.renameSync(tmp, target);
    fsyncPath(path.dirname(target), true);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const restored = inspect(target);
  const missingFiles = withoutBlob(restored.files, options.filesDir);
  return { databaseFile: target, movedAside, files, missingFiles, manifest };
}

/** PostgreSQL (after pg_restore): copies a back-up's files back into the files folder. */
export async function restoreFilesOnly(options: RestoreOptions): Promise<RestoreResult> {
  const manifest = checkBackup(options.from);
  const { copied, present } = copyTree(path.join(options.from, "files"), options.filesDir, { keepIdentical: true });
  return { databaseFile: null, movedAside: null, files: { copied: copied.length, present }, missingFiles: [], manifest };
}

/** Reads and checks a back-up folder: its manifest, the database copy's sha256, every listed file and its size. */
export function checkBackup(from: string): BackupManifest {
  const manifestFile = path.join(from, "manifest.json");
  if (!fs.existsSync(manifestFile))
    throw new BackupError(`${from} is not a sopbot back-up: it has no manifest.json (or the back-up did not finish).`);
  const result = manifestSchema.safeParse(jsonOrNull(fs.readFileSync(manifestFile, "utf8")));
  if (!result.success) throw new BackupError(`${manifestFile} is not a sopbot back-up manifest (format sopbot-backup, version 1).`);
  const manifest = result.data;
  if (manifest.database) {
    const file = path.join(from, manifest.database.file);
    if (!fs.existsSync(file) || sha256File(file) !== manifest.database.sha256)
      throw new BackupError(`${file} is missing or does not match the sha256 in its manifest: the back-up is damaged or was altered.`);
  }
  const wrong = manifest.files.filter((f) => {
    const file = path.join(from, "files", f.path);
    return f.path.split(/[\\/]/).includes("..") || path.isAbsolute(f.path) || !fs.existsSync(file) || fs.statSync(file).size !== f.size;
  });
  const listed = wrong.slice(0, 5).map((f) => f.path);
  if (wrong.length > 0)
    throw new BackupError(
      `${wrong.length} file(s) listed in the manifest are missing from ${path.join(from, "files")} or differ in size ` +
        `(${listed.join(", ")}${wrong.length > 5 ? ", …" : ""}): the back-up is incomplete. Nothing was restored.`,
    );
  return manifest;
}

function jsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function sopbotVersion(): string | null {
  const file = fileURLToPath(new URL("../../package.json", import.meta.url));
  const version = fs.existsSync(file) ? (jsonOrNull(fs.readFileSync(file, "utf8")) as { version?: unknown } | null)?.version : null;
  return typeof version === "string" ? version : null;
}

/** Makes the back-up folder; an existing one must be empty (or pass `reusable`). Returns whether it was made. */
function prepareFolder(to: string, reusable: (names: string[]) => boolean): boolean {
  if (fs.existsSync(to)) {
    const names = fs.readdirSync(to);
    if (names.length > 0 && !reusable(names))
      throw new BackupError(`${to} already exists and is not empty: choose another folder for the back-up (--to <folder>).`);
    return false;
  }
  fs.mkdirSync(to, { recursive: true });
  return true;
}

/** Regular files under `root` (relative paths), leaving out half-written ones (*.tmp). */
function listFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.endsWith(".tmp"))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

/**
 * Copies the files under `from` into `to`, each through a temporary file; other files in `to` stay.
 * With `keepIdentical` (a restore), a file already there with the same bytes is left (present); one
 * with other bytes (a blob re-encrypted by a key rotation since) is replaced by the back-up's, which
 * its rows describe. A file removed while copying (the retention purge) is skipped.
 */
function copyTree(from: string, to: string, options: { keepIdentical: boolean; skip?: (file: string) => boolean }) {
  const copied: BackupManifest["files"] = [];
  let present = 0;
  for (const rel of listFiles(from)) {
    const source = path.join(from, rel);
    const target = path.join(to, rel);
    if (options.skip?.(source)) continue;
    try {
      const size = fs.statSync(source).size;
      if (options.keepIdentical && fs.existsSync(target) && fs.statSync(target).size === size && sameBytes(source, target)) {
        present++;
        continue;
      }
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(source, `${target}.tmp`);
      fs.renameSync(`${target}.tmp`, target);
      copied.push({ path: rel.split(path.sep).join("/"), size });
    } catch (error) {
      fs.rmSync(`${target}.tmp`, { force: true });
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || fs.existsSync(source)) throw error;
    }
  }
  return { copied, present };
}

const sameBytes = (a: string, b: string) => fs.readFileSync(a).equals(fs.readFileSync(b));

/** A stored file row and the blob holding its bytes (its blobId, or its own id for rows older than shared blobs). */
type StoredFileBlob = { id: string; blob: string };

/** The ids of the rows whose blob is not under `dir`. */
function withoutBlob(rows: StoredFileBlob[], dir: string): string[] {
  return rows.filter((r) => !fs.existsSync(storedFilePath(dir, r.blob))).map((r) => r.id);
}

/** What a database file holds: SQLite's quick check, row counts, stored files and their blobs, the last migration. */
function inspect(file: string) {
  return withSqlite(file, true, (db) => {
    const check = String(db.pragma("quick_check", { simple: true }));
    const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n;
    const counts = { Case: count("Case"), AuditEvent: count("AuditEvent"), StoredFile: count("StoredFile") };
    const shared = db.prepare(`SELECT 1 FROM pragma_table_info('StoredFile') WHERE name = 'blobId'`).get() !== undefined;
    const files = db
      .prepare(`SELECT id, ${shared ? `COALESCE("blobId", id)` : "id"} AS blob FROM "StoredFile" ORDER BY id`)
      .all() as StoredFileBlob[];
    const applied = "finished_at IS NOT NULL AND rolled_back_at IS NULL";
    const last = db.prepare(`SELECT MAX(migration_name) AS name FROM _prisma_migrations WHERE ${applied}`).get() as { name: string | null };
    return { check, counts, files, lastMigration: last.name };
  });
}

type LeaseRow = { holder: string; expiresAt: string | number };

/** The unexpired leader lease in a SQLite database (a bot runs on it), or null. */
function leaderLease(file: string, now: Date): { holder: string; expiresAt: Date } | null {
  try {
    return withSqlite(file, false, (db) => {
      if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'Lease'").get()) return null;
      const row = db.prepare(`SELECT holder, expiresAt FROM "Lease" WHERE key = ?`).get(leaderKey) as LeaseRow | undefined;
      const expiresAt = row ? new Date(typeof row.expiresAt === "number" ? row.expiresAt : Date.parse(row.expiresAt)) : null;
      return row && expiresAt && expiresAt.getTime() >= now.getTime() ? { holder: row.holder, expiresAt } : null;
    });
  } catch {
    return null; // not a readable SQLite database: nothing runs on it
  }
}

/**
 * Moves a database that is being replaced aside, with its WAL: first folded into the file by a
 * checkpoint (when it can be); a WAL left over moves with it, so no committed row is lost.
 */
function moveAside(file: string, now: Date): string {
  try {
    withSqlite(file, false, (db) => db.pragma("wal_checkpoint(TRUNCATE)"));
  } catch {
    // Not readable as SQLite, or busy: moved as it is.
  }
  const base = `${file}.before-restore-${compactTimestamp(now)}`;
  let aside = base;
  for (let i = 2; fs.existsSync(aside); i++) aside = `${base}-${i}`;
  fs.renameSync(file, aside);
  for (const suffix of ["-wal", "-journal"]) if (fs.existsSync(`${file}${suffix}`)) fs.renameSync(`${file}${suffix}`, `${aside}${suffix}`);
  return aside;
}

function describeCopy(file: string, lastMigration: string | null): NonNullable<BackupManifest["database"]> {
  return { file: path.basename(file), size: fs.statSync(file).size, sha256: sha256File(file), lastMigration };
}

function withSqlite<T>(file: string, readonly: boolean, fn: (db: SqliteDatabase.Database) => T): T {
  const db = new SqliteDatabase(file, { readonly, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    return fn(db);
  } finally {
    db.close();
  }
}

function writeManifest(to: string, manifest: BackupManifest): void {
  const file = path.join(to, "manifest.json");
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  fsyncPath(`${file}.tmp`);
  fs.renameSync(`${file}.tmp`, file);
}

function withFd<T>(file: string, fn: (fd: number) => T): T {
  const fd = fs.openSync(file, "r");
  try {
    return fn(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function sha256File(file: string): string {
  const hash = createHash("sha256");
  const buffer = Buffer.alloc(1 << 20);
  withFd(file, (fd) => {
    for (let n = fs.readSync(fd, buffer); n > 0; n = fs.readSync(fd, buffer)) hash.update(buffer.subarray(0, n));
  });
  return hash.digest("hex");
}

/** Flushes a file (or, where the platform can, a folder) to disk. */
function fsyncPath(file: string, optional = false): void {
  try {
    withFd(file, fs.fsyncSync);
  } catch (error) {
    if (!optional) throw error;
  }
}
