// A real SQLite file in a temporary folder with the real migrations applied.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase, type Database } from "../../src/store/database.ts";

export interface TempDb {
  db: Database;
  dir: string;
  cleanup(): Promise<void>;
}

export function tempDir(prefix = "sopbot-test-"): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export async function openTempDb(): Promise<TempDb> {
  const dir = tempDir();
  const db = await openDatabase({ file: path.join(dir, "test.db") });
  return {
    db,
    dir,
    cleanup: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
