// Before the run: compiles src/ to dist/ when stale (the process tests run the compiled bot, as
// npm start does), and with TEST_DATABASE_URL set, migrates one template database that each test copies.
import { spawnSync } from "node:child_process";
import { existsSync, renameSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { defaultMigrationsDir, defaultPostgresMigrationsDir } from "../../src/store/database.ts";
import { migratePostgres, migrateSqlite } from "../../src/store/migrator.ts";
import { serverUrl, sqliteTemplatePath, templateName } from "./test-database.ts";

/** The migrated SQLite file every SQLite test copies; written aside and renamed, so a reader never sees half of it. */
async function makeSqliteTemplate(): Promise<void> {
  const template = sqliteTemplatePath();
  if (existsSync(template)) return;
  const aside = `${template}.${process.pid}.tmp`;
  await migrateSqlite(aside, defaultMigrationsDir);
  renameSync(aside, template);
}

export default async function setup(): Promise<void> {
  const root = path.resolve(import.meta.dirname, "../..");
  const build = spawnSync(process.execPath, [path.join(root, "scripts/build.mjs"), "--if-stale", "--quiet"], {
    cwd: root,
    stdio: "inherit",
  });
  if (build.status !== 0) throw new Error("npm run build failed: the process tests need dist/");
  if (!serverUrl) return makeSqliteTemplate();
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
