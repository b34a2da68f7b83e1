// A real database with the real migrations applied: a SQLite file in a temporary folder, or a fresh
// PostgreSQL database when the suite runs against a server (TEST_DATABASE_URL).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase, type Database, type DbTarget } from "../../src/store/database.ts";
import { newDbTarget } from "./test-database.ts";

export interface TempDb {
  db: Database;
  dir: string;
  /** Where it is: open it again for a second "instance" on the same database. */
  target: DbTarget;
  cleanup(): Promise<void>;
}

export function tempDir(prefix = "sopbot-test-"): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export async function openTempDb(): Promise<TempDb> {
  const dir = tempDir();
  const target = await newDbTarget(dir, "test");
  const db = await openDatabase({ target });
  return {
    db,
    dir,
    target,
    cleanup: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
