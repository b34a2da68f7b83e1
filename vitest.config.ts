import { defineConfig } from "vitest/config";

/** Tests that measure the bot's pace against Telegram's limits: run alone, after the rest, so a busy machine does not skew them. */
const paced = ["test/channels/telegram/notification-parts.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Most test time is waiting (child processes, the database, sockets): two files at a time on two cores.
    maxWorkers: 2,
    // With TEST_DATABASE_URL (PostgreSQL), a migrated template database that every test copies.
    globalSetup: ["test/helpers/global-setup.ts"],
    projects: [
      { extends: true, test: { name: "main", include: ["test/**/*.test.ts"], exclude: paced } },
      { extends: true, test: { name: "paced", include: paced, sequence: { groupOrder: 1 } } },
    ],
  },
});
