// Applies prisma/migrations to the configured database (the bot also does this at start-up).
// Usage: npm run db:migrate
import { existsSync } from "node:fs";
import { ConfigError, loadConfig } from "../config.ts";
import { defaultMigrationsDir, defaultPostgresMigrationsDir, redactUrl } from "../store/database.ts";
import { MigrationError, migratePostgres, migrateSqlite } from "../store/migrator.ts";

async function main(): Promise<void> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = loadConfig(process.env);
  const target = config.database;
  const outcome =
    target.provider === "sqlite"
      ? await migrateSqlite(target.file, defaultMigrationsDir)
      : await migratePostgres(target.url, defaultPostgresMigrationsDir);
  const where = target.provider === "sqlite" ? target.file : redactUrl(target.url);
  if (outcome.applied.length === 0) console.log(`${where}: already up to date.`);
  else console.log(`${where}: applied ${outcome.applied.join(", ")}.`);
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof MigrationError;
  console.error(known ? (error as Error).message : error);
  process.exit(1);
});
