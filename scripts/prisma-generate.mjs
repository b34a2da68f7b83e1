// Generates the Prisma clients (SQLite and PostgreSQL) at install time without downloading anything.
// The Prisma CLI insists on a native schema engine binary even for `generate`, which it would
// download; pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file skips that download.
// The generated client itself needs no native engine (it runs on the better-sqlite3 adapter).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const cli = require.resolve("prisma/build/index.js");
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
for (const schema of ["prisma/schema.prisma", "prisma/postgres/schema.prisma"]) {
  const result = spawnSync(process.execPath, [cli, "generate", "--schema", schema], { stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
