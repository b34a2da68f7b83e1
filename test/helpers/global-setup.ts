// Before the run: compiles src/ to dist/ when stale (the process tests run the compiled bot, as
// npm start does), and with TEST_DATABASE_URL set, migrates one template database that each test copies.
import { spawnSync } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { defaultPostgresMigrationsDir } from "../../src/store/database.ts";
import { migratePostgres } from "../../src/store/migrator.ts";
import { serverUrl, templateName } from "./test-database.ts";

export default async function setup(): Promise<void> {
  const root = path.resolve(import.meta.dirname, "../..");
  const build = spawnSync(process.execPath, [path.join(root, "scripts/build.mjs"), "--if-stale", "--quiet"], {
    cwd: root,
    stdio: "inherit",
  });
  if (build.status !== 0) throw new Error("npm run build failed: the process tests need dist/");
  if (!serverUrl) return;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${templateName}"`);
    await client.query(`CREATE DATABASE "${templateName}"`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${templateName}`;
  await migratePostgres(url.toString(), defaultPostgresMigrationsDir);
}
