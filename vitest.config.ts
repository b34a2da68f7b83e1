import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // With TEST_DATABASE_URL (PostgreSQL), a migrated template database that every test copies.
    globalSetup: ["test/helpers/global-setup.ts"],
  },
});
