import { defineConfig } from "vitest/config";

/** Tests that measure the bot's pace against Telegram's limits: run alone, after the rest, so a busy machine does not skew them. */
const paced = ["test/channels/telegram/notification-parts.test.ts"];

/**
 * Tests in which nothing depends on the database's dialect: pure rules and flow data, the source
 * layout, configuration, and the process's dealings with its log and the Bot API (the outbox, the
 * inbox and the engine they drive run on PostgreSQL in the other tests). `npm run test:postgres`
 * runs everything else again on PostgreSQL.
 */
const dialectFree = [
  "test/domain/**",
  "test/privacy/csv-injection.test.ts",
  "test/flows/**",
  "test/architecture.test.ts",
  "test/config.test.ts",
  "test/logging.test.ts",
  "test/channels/telegram/telegram-process.test.ts",
  "test/channels/telegram/bot-api-faults.test.ts",
  // The conversation journeys on Telegram and WhatsApp test the channels' rendering and pacing; the
  // same journeys through the console (conversation-console) run on PostgreSQL too.
  "test/journeys/conversation-telegram.test.ts",
  "test/journeys/conversation-whatsapp.test.ts",
  // The embedded default: the bot process on its own SQLite file, whatever the run.
  "test/channels/console/console-main.test.ts",
  // Back-up and restore of a SQLite file (PostgreSQL is backed up with pg_dump, not by the bot's tools).
  "test/privacy/backup.test.ts",
  // The chart renderer's process draws without a database.
  "test/store/png-renderer.test.ts",
  "test/store/sql.test.ts",
  ...paced,
];
const onPostgres = Boolean(process.env["TEST_DATABASE_URL"]);

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Most test time is waiting (child processes, the database, sockets): two files at a time on two
    // cores, each worker reused from file to file (every test makes its own database and app).
    maxWorkers: Number(process.env["TEST_WORKERS"] ?? 2),
    isolate: false,
    // Compiles dist/ when stale; with TEST_DATABASE_URL (PostgreSQL), a migrated template database that every test copies.
    globalSetup: ["test/helpers/global-setup.ts"],
    exclude: ["**/node_modules/**", ...(onPostgres ? dialectFree : [])],
    projects: [
      { extends: true, test: { name: "main", include: ["test/**/*.test.ts"], exclude: [...paced, ...(onPostgres ? dialectFree : [])] } },
      ...(onPostgres ? [] : [{ extends: true as const, test: { name: "paced", include: paced, sequence: { groupOrder: 1 } } }]),
    ],
  },
});
