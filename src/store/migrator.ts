// Applies the migrations at start-up (and for `npm run db:migrate`): prisma/migrations to a SQLite
// file, prisma/postgres/migrations to a PostgreSQL database.
// Invariants: applying twice applies nothing; a failed migration leaves the database exactly as it
// was before the run (SQLite: a consistent copy is taken first and put back on failure; PostgreSQL:
// every pending migration runs in one transaction, and an advisory lock keeps instances that start
// together from migrating at the same time).
import { createHash, randomUUID } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { readMigrationsFolder } from "./migrations-folder.ts";

export class MigrationError extends Error {
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MigrationError";
  }
}

export interface MigrationOutcome {
  applied: string[];
  pendingBefore: string[];
}

interface AppliedRow {
  migration_name: string;
  finished_at: string | null;
  rolled_back_at: string | null;
}

function readAppliedMigrations(file: string): { applied: Set<string>; failed: string[] } {
  if (!existsSync(file) || statSync(file).size === 0) return { applied: new Set(), failed: [] };
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
    if (!table) return { applied: new Set(), failed: [] };
    const rows = db.prepare("SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations").all() as AppliedRow[];
    const applied = new Set(rows.filter((r) => r.finished_at !== null && r.rolled_back_at === null).map((r) => r.migration_name));
    const failed = rows.filter((r) => r.finished_at === null && r.rolled_back_at === null).map((r) => r.migration_name);
    return { applied, failed };
  } finally {
    db.close();
  }
}

function removeSidecars(file: string): void {
  for (const suffix of ["-wal", "-shm", "-journal"]) rmSync(`${file}${suffix}`, { force: true });
}

/**
 * Brings the SQLite file `file` up to date with the migrations in `migrationsDir`.
 * Throws MigrationError (with the migration's name and the database's message) when a migration
 * fails; the file is then restored to its state before the call.
 */
/** The migrations still to apply; refuses a database with a failed or an unknown migration. */
function pendingMigrations(names: string[], applied: Set<string>, failed: string[]): string[] {
  if (failed.length > 0) {
    throw new MigrationError(
      `The database has a failed migration recorded (${failed.join(", ")}). Restore a backup or remove ` +
        `the failed row from _prisma_migrations before starting again.`,
    );
  }
  const unknown = [...applied].filter((n) => !names.includes(n));
  if (unknown.length > 0) {
    throw new MigrationError(
      `The database has migrations this version of sopbot does not know (${unknown.join(", ")}); it was ` +
        `used by a newer version. Start that version, or restore a backup.`,
    );
  }
  return names.filter((n) => !applied.has(n));
}

export async function migrateSqlite(file: string, migrationsDir: string): Promise<MigrationOutcome> {
  const list = await readMigrationsFolder(migrationsDir);
  const names = list.migrationDirectories.map((d) => d.path);
  const { applied, failed } = readAppliedMigrations(file);
  const pending = pendingMigrations(names, applied, failed);
  if (pending.length === 0) return { applied: [], pendingBefore: [] };

  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const existed = existsSync(file) && statSync(file).size > 0;
  const backup = `${file}.pre-migrate.bak`;
  if (existed) {
    rmSync(backup, { force: true });
    const db = new Database(file, { fileMustExist: true });
    try {
      db.pragma("wal_checkpoint(TRUNCATE)");
      db.exec(`VACUUM INTO '${backup.replaceAll("'", "''")}'`);
    } finally {
      db.close();
    }
  }

  // Loaded only when there is something to apply (the schema engine and the pg driver cost resident memory).
  const { openSchemaEngine } = await import("./schema-engine.ts");
  const session = await openSchemaEngine({ provider: "sqlite", file });
  try {
    const result = await session.engine.applyMigrations({
      migrationsList: list,
      filters: { externalTables: [], externalEnums: [] },
    });
    await session.close();
    if (existed) rmSync(backup, { force: true });
    return { applied: result.appliedMigrationNames, pendingBefore: pending };
  } catch (error) {
    await session.close();
    removeSidecars(file);
    if (existed) {
      copyFileSync(backup, file);
      rmSync(backup, { force: true });
    } else {
      rmSync(file, { force: true });
    }
    const detail = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`A database migration failed and nothing was changed (pending: ${pending.join(", ")}).\n${detail}`, {
      cause: error,
    });
  }
}

/** Prisma's own bookkeeping table, so that Prisma's tools read a database migrated here. */
const createMigrationsTable = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** Any number; the same in every instance, so that only one of them migrates at a time. */
const migrationLockKey = 7270736901;

/** Brings the PostgreSQL database at `url` up to date with the migrations in `migrationsDir`. */
export async function migratePostgres(url: string, migrationsDir: string): Promise<MigrationOutcome> {
  const list = await readMigrationsFolder(migrationsDir);
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    throw new MigrationError(`Cannot connect to the PostgreSQL database: ${(error as Error).message}`, { cause: error });
  }
  let current = "";
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [migrationLockKey]);
    await client.query(createMigrationsTable);
    const rows = (await client.query<AppliedRow>('SELECT migration_name, finished_at, rolled_back_at FROM "_prisma_migrations"')).rows;
    const applied = new Set(rows.filter((r) => r.finished_at !== null && r.rolled_back_at === null).map((r) => r.migration_name));
    const failed = rows.filter((r) => r.finished_at === null && r.rolled_back_at === null).map((r) => r.migration_name);
    const pending = pendingMigrations(
      list.migrationDirectories.map((d) => d.path),
      applied,
      failed,
    );
    for (const dir of list.migrationDirectories.filter((d) => pending.includes(d.path))) {
      current = dir.path;
      if (dir.migrationFile.content.tag === "error") throw new Error(dir.migrationFile.content.value);
      const sql = dir.migrationFile.content.value;
      await client.query(sql);
      await client.query(
        'INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, ' +
          "applied_steps_count) VALUES ($1, $2, now(), $3, now(), 1)",
        [randomUUID(), createHash("sha256").update(sql).digest("hex"), dir.path],
      );
    }
    await client.query("COMMIT");
    return { applied: pending, pendingBefore: pending };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    if (error instanceof MigrationError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`A database migration failed and nothing was changed (at ${current || "the start"}).\n${detail}`, {
      cause: error,
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}
