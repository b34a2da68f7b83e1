// Applies prisma/migrations to the configured database (the bot also does this at start-up).
// Usage: npm run db:migrate
import { existsSync } from "node:fs";
import { ConfigError, loadConfig } from "../config.ts";
import { defaultMigrationsDir } from "../store/database.ts";
import { MigrationError, migrateSqlite } from "../store/migrator.ts";

async function main(): Promise<void> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = loadConfig(process.env);
  const outcome = await migrateSqlite(config.databaseFile, defaultMigrationsDir);
  if (outcome.applied.length === 0) console.log(`${config.databaseFile}: already up to date.`);
  else console.log(`${config.databaseFile}: applied ${outcome.applied.join(", ")}.`);
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof MigrationError;
  console.error(known ? (error as Error).message : error);
  process.exit(1);
});
