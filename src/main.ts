// Composition root: the only file that wires configuration, flows, store, engine and channels.
// With no tokens configured the bot starts on its embedded default: a SQLite file and the console
// chat with demo data.
import { existsSync } from "node:fs";
import { createConsoleChannel } from "./channels/console/console-channel.ts";
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { buildCatalog, formatProblem, type Catalog } from "./domain/catalog.ts";
import { createChatService } from "./engine/chat-service.ts";
import { systemClock } from "./engine/ports.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createConsolePersonas } from "./store/console-personas.ts";
import { openDatabase, type Database } from "./store/database.ts";
import { seedDemoOfficials } from "./store/demo-seed.ts";
import { createDirectoryStore, syncOffices } from "./store/directory-store.ts";
import { readFlows } from "./store/flow-reader.ts";
import { MigrationError } from "./store/migrator.ts";

class StartupError extends Error {}

async function loadCatalog(config: Config): Promise<Catalog> {
  const { catalog, problems } = buildCatalog(await readFlows(config.flowsDir));
  if (problems.length > 0) {
    throw new StartupError(
      `The flow files have ${problems.length} problem(s); fix them and start again (npm run flows:check lists them):\n${problems
        .slice(0, 50)
        .map((p) => `  ${formatProblem(p)}`)
        .join("\n")}`,
    );
  }
  if (!catalog.offices.has(config.defaultOffice)) {
    throw new StartupError(
      `DEFAULT_OFFICE: no office "${config.defaultOffice}" in flows/offices (known: ${[...catalog.offices.keys()].join(", ")}).`,
    );
  }
  return catalog;
}

async function run(): Promise<number> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const catalog = await loadCatalog(config);
  const db = await openDatabase({ file: config.databaseFile });
  if (db.migration.applied.length > 0) logger.info({ applied: db.migration.applied }, "database migrated");
  await syncOffices(db, catalog.offices.values());
  if (config.demoData) {
    const seeded = await seedDemoOfficials(db, config.defaultOffice, new Date("2025-01-02T00:00:00Z"));
    if (seeded.created > 0) logger.info({ officials: seeded.created, skippedPositions: seeded.skippedPositions }, "demo officials seeded");
  }

  const directory = createDirectoryStore(db);
  const chat = createChatService({ directory, clock: systemClock, defaultOfficeId: config.defaultOffice });

  const consoleWanted = config.console === "on" || config.console === "auto";
  if (!consoleWanted) {
    await db.close();
    throw new StartupError("No chat channel is enabled: set CONSOLE=auto or CONSOLE=on.");
  }
  const consoleChannel = createConsoleChannel({
    input: process.stdin,
    output: process.stdout,
    interactive: Boolean(process.stdin.isTTY),
    personas: createConsolePersonas(db, systemClock),
    handle: (message) => chat.handle(message),
    now: () => systemClock.now(),
    onError: (error) => logger.error({ err: errorSummary(error) }, "console message failed"),
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping: no new input, finishing work in flight");
    consoleChannel.stop();
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));

  logger.info({ office: config.defaultOffice, database: config.databaseFile }, "sopbot started (console channel)");
  await consoleChannel.run();
  await shutdown(db, logger, config.shutdownGraceMs);
  return 0;
}

function errorSummary(error: unknown): { name: string; message: string } {
  return error instanceof Error ? { name: error.name, message: error.message } : { name: "Unknown", message: String(error) };
}

async function shutdown(db: Database, logger: Logger, graceMs: number): Promise<void> {
  const timer = setTimeout(() => {
    logger.error("shutdown took too long; exiting");
    process.exit(1);
  }, graceMs);
  timer.unref();
  await db.close();
  logger.info("stopped");
}

run().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof MigrationError || error instanceof StartupError) {
      process.stderr.write(`sopbot cannot start.\n${error.message}\n`);
    } else {
      process.stderr.write(`sopbot stopped on an unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exit(1);
  },
);
