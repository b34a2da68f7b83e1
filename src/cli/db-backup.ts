// Backs up the data while the bot runs. SQLite: a folder with a consistent snapshot of the database
// (database.db), the stored files (files/) and manifest.json. PostgreSQL: the database is dumped with
// pg_dump (this command prints how), then --files-only copies the stored files next to the dump.
// The encryption key is never copied: keep FILE_ENCRYPTION_KEY (or data/.file-key) separately.
// Usage: npm run db:backup -- [--to <folder>] [--files-only]
//        (default folder: ./backups/sopbot-<yyyymmdd-hhmmss>)
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../config.ts";
import { backupFilesOnly, BackupError, backupSqlite, compactTimestamp, type BackupResult } from "../store/backup.ts";
import { pgUrlWithoutPassword } from "./audit-report.ts";
import { CliError, runCli } from "./cli-context.ts";

runCli(async (env) => {
  const { values } = parseArgs({ options: { to: { type: "string" }, "files-only": { type: "boolean", default: false } } });
  const config = loadConfig(env);
  const to = path.resolve(values.to ?? path.join("backups", `sopbot-${compactTimestamp(new Date())}`));
  // The embedded default (no FILE_ENCRYPTION_KEY) keeps its key in a file next to the database.
  const keyFile = config.files.key ? {} : { keyFile: path.join(config.dataDir, ".file-key") };
  try {
    if (config.database.provider === "postgres") {
      if (!values["files-only"]) {
        printPgDumpSteps(pgUrlWithoutPassword(config.database.url), to);
        return 1;
      }
      print(await backupFilesOnly({ filesDir: config.files.dir, to, ...keyFile }), config.files.oldKeys.length);
      return 0;
    }
    if (values["files-only"])
      throw new CliError("--files-only is for PostgreSQL (after pg_dump); a SQLite back-up copies the database and its files together.");
    print(
      await backupSqlite({ databaseFile: config.database.file, filesDir: config.files.dir, to, ...keyFile }),
      config.files.oldKeys.length,
    );
    return 0;
  } catch (error) {
    throw error instanceof BackupError ? new CliError(error.message) : error;
  }
});

function print(result: BackupResult, oldKeys: number): void {
  const { manifest } = result;
  const bytes = manifest.files.reduce((sum, f) => sum + f.size, 0);
  console.log(`Back-up written to ${result.folder}`);
  if (manifest.database) console.log(`  ${manifest.database.file}: ${manifest.database.size} bytes, sha256 ${manifest.database.sha256}`);
  if (manifest.counts) {
    const { Case, AuditEvent, StoredFile } = manifest.counts;
    console.log(`  ${Case} case(s), ${AuditEvent} audit event(s), ${StoredFile} stored file record(s)`);
  }
  console.log(`  files/: ${manifest.files.length} file(s), ${bytes} bytes`);
  if (result.missingFiles.length > 0) {
    console.error(
      `WARNING: ${result.missingFiles.length} stored file(s) of the snapshot have no blob in the back-up (removed by the ` +
        `retention purge while it ran, or already missing): ${result.missingFiles.join(", ")}`,
    );
  }
  console.log(result.keyAdvice);
  if (oldKeys > 0) console.log("Keep FILE_ENCRYPTION_OLD_KEYS as well: files not yet moved by files:rotate-key open only with them.");
}

function printPgDumpSteps(url: string, to: string): void {
  const dump = path.join(to, "database.dump");
  console.log(
    [
      "PostgreSQL is backed up with its own tools; this command copies only the stored files. While the bot runs:",
      "",
      `  mkdir -p '${to}'`,
      `  pg_dump --format=custom --file='${dump}' '${url}'`,
      `  npm run db:backup -- --files-only --to '${to}'`,
      "",
      "The dump first, then the files (pg_dump reads one consistent snapshot; every file it refers to exists before its row).",
      "Give pg_dump the password with PGPASSWORD or ~/.pgpass (it is not printed here).",
      "Keep FILE_ENCRYPTION_KEY separately, not with the back-up.",
    ].join("\n"),
  );
}
