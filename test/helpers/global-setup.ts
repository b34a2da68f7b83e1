// With TEST_DATABASE_URL set, migrates one template database once per run; each test copies it.
import pg from "pg";
import { defaultPostgresMigrationsDir } from "../../src/store/database.ts";
import { migratePostgres } from "../../src/store/migrator.ts";
import { serverUrl, templateName } from "./test-database.ts";

export default async function setup(): Promise<void> {
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
