// Applies prisma/migrations to a SQLite file at start-up (and for `npm run db:migrate`).
// Invariants: applying twice applies nothing; a failed migration leaves the database file exactly
// as it was before the run (a consistent copy is taken first and put back on failure).
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { readMigrationsFolder } from "./migrations-folder.ts";
import { openSchemaEngine } from "./schema-engine.ts";

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
    const table = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'")
      .get();
    if (!table) return { applied: new Set(), failed: [] };
    const rows = db
      .prepare("SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations")
      .all() as AppliedRow[];
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
export async function migrateSqlite(file: string, migrationsDir: string): Promise<MigrationOutcome> {
  const list = await readMigrationsFolder(migrationsDir);
  const names = list.migrationDirectories.map((d) => d.path);
  const { applied, failed } = readAppliedMigrations(file);
  if (failed.length > 0) {
    throw new MigrationError(
      `The database has a failed migration recorded (${failed.join(", ")}). Restore a backup or remove the failed row from _prisma_migrations before starting again.`,
    );
  }
  const unknown = [...applied].filter((n) => !names.includes(n));
  if (unknown.length > 0) {
    throw new MigrationError(
      `The database has migrations this version of sopbot does not know (${unknown.join(", ")}); it was used by a newer version. Start that version, or restore a backup.`,
    );
  }
  const pending = names.filter((n) => !applied.has(n));
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

  const session = await openSchemaEngine(file);
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
    throw new MigrationError(
      `A database migration failed and nothing was changed (pending: ${pending.join(", ")}).\n${detail}`,
      { cause: error },
    );
  }
}
