// Puts a back-up made by `npm run db:backup` back, then verifies the audit trail (as audit:verify).
// SQLite: refuses while the bot runs (its leader lease is live) or when a database exists, unless
// --force (the old database is then kept as <file>.before-restore-<time>). PostgreSQL: restore the
// dump with pg_restore (this command prints how), then --files-only copies the stored files back.
// Usage: npm run db:restore -- <folder> [--force] [--files-only]     Exit code 1 when the trail is broken.
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../config.ts";
import { BackupError, restoreFilesOnly, restoreSqlite, type RestoreResult } from "../store/backup.ts";
import { openDatabase } from "../store/database.ts";
import { pgUrlWithoutPassword, reportAuditTrail } from "./audit-report.ts";
import { CliError, runCli } from "./cli-context.ts";

const usage = "Usage: npm run db:restore -- <back-up folder> [--force] [--files-only]";

runCli(async (env) => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { force: { type: "boolean", default: false }, "files-only": { type: "boolean", default: false } },
  });
  const from = positionals[0];
  if (!from || positionals.length > 1) throw new CliError(usage);
  const config = loadConfig(env);
  try {
    if (config.database.provider === "postgres") {
      if (!values["files-only"]) {
        printPgRestoreSteps(pgUrlWithoutPassword(config.database.url), path.resolve(from));
        return 1;
      }
      print(await restoreFilesOnly({ from, filesDir: config.files.dir }));
    } else {
      if (values["files-only"]) throw new CliError("--files-only is for PostgreSQL (after pg_restore). " + usage);
      print(await restoreSqlite({ from, databaseFile: config.database.file, filesDir: config.files.dir, force: values.force }));
    }
  } catch (error) {
    throw error instanceof BackupError ? new CliError(error.message) : error;
  }
  // Opening migrates the restored database forward when the back-up is older than this version.
  const db = await openDatabase({ target: config.database });
  try {
    if (db.migration.applied.length > 0) console.log(`Migrated forward: ${db.migration.applied.join(", ")}`);
    return await reportAuditTrail(db, config);
  } finally {
    await db.close();
  }
});

function print(result: RestoreResult): void {
  const { manifest } = result;
  console.log(`Restored the back-up of ${manifest.createdAt} (sopbot ${manifest.sopbotVersion ?? "?"}).`);
  if (result.databaseFile) console.log(`  database: ${result.databaseFile}`);
  if (result.movedAside) console.log(`  the database it replaced is kept as ${result.movedAside}`);
  console.log(`  files: ${result.files.copied} copied, ${result.files.present} already there`);
  if (result.missingFiles.length > 0)
    console.error(
      `WARNING: ${result.missingFiles.length} stored file(s) have no blob in the files folder: ${result.missingFiles.join(", ")}`,
    );
  console.log("The stored files open only with the key they were stored under: FILE_ENCRYPTION_KEY (or .file-key), or an old key.");
}

function printPgRestoreSteps(url: string, from: string): void {
  console.log(
    [
      "PostgreSQL is restored with its own tools; this command copies only the stored files back. With the bot stopped:",
      "",
      `  pg_restore --clean --if-exists --no-owner --dbname='${url}' '${path.join(from, "database.dump")}'`,
      `  npm run db:restore -- '${from}' --files-only`,
      "",
      "The second command also verifies the audit trail. Give pg_restore the password with PGPASSWORD or ~/.pgpass.",
    ].join("\n"),
  );
}
