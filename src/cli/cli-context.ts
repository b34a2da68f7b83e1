// Shared start of the admin commands: environment, configuration, database (migrated), catalog.
import { existsSync } from "node:fs";
import { ConfigError, loadConfig, type Config } from "../config.ts";
import { buildCatalog, formatProblem, type Catalog } from "../domain/catalog.ts";
import { openDatabase, type Database } from "../store/database.ts";
import { syncOffices } from "../store/directory-store.ts";
import { readFlows } from "../store/flow-reader.ts";
import { MigrationError } from "../store/migrator.ts";

export interface CliContext {
  config: Config;
  db: Database;
  catalog: Catalog;
}

export async function openCliContext(env: Record<string, string | undefined>): Promise<CliContext> {
  const config = loadConfig(env);
  const { catalog, problems } = buildCatalog(await readFlows(config.flowsDir));
  if (problems.length > 0) throw new CliError(`The flow files have problems:\n${problems.map(formatProblem).join("\n")}`);
  const db = await openDatabase({ target: config.database });
  await syncOffices(db, catalog.offices.values());
  return { config, db, catalog };
}

export class CliError extends Error {}

/** Runs a command's main function with the environment loaded and errors printed plainly. */
export function runCli(main: (env: Record<string, string | undefined>) => Promise<number | void>): void {
  if (existsSync(".env")) process.loadEnvFile(".env");
  main(process.env).then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      const known = error instanceof ConfigError || error instanceof MigrationError || error instanceof CliError;
      console.error(known ? (error as Error).message : error);
      process.exit(1);
    },
  );
}
