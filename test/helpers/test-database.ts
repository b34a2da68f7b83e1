// The database the tests run on: a fresh SQLite file in a temporary folder, or — when
// TEST_DATABASE_URL names a PostgreSQL server (scripts/postgres-server.mjs sets it) — a fresh
// PostgreSQL database copied from a migrated template (see global-setup.ts). Every test gets its own.
// SQLite files are copies of a migrated template file too when global-setup.ts made one: applying
// the migrations costs about 150 ms per database, copying the file about 2 ms.
import { createHash, randomBytes } from "node:crypto";
import { copyFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { defaultMigrationsDir, type DbTarget } from "../../src/store/database.ts";

export const serverUrl = process.env.TEST_DATABASE_URL;
export const onPostgres = Boolean(serverUrl);
export const templateName = "sopbot_template";

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

let templatePath: string | undefined;

/** Where the migrated SQLite template for the current migrations lives (named by their contents, so a changed migration gets a new one). */
export function sqliteTemplatePath(): string {
  if (templatePath) return templatePath;
  const hash = createHash("sha256");
  for (const entry of readdirSync(defaultMigrationsDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())) {
    const file = path.join(entry.parentPath, entry.name);
    hash.update(path.relative(defaultMigrationsDir, file)).update(readFileSync(file));
  }
  templatePath = path.join(tmpdir(), `sopbot-template-${hash.digest("hex").slice(0, 16)}.db`);
  return templatePath;
}

/**
 * A DATABASE_URL for a new, empty-but-migrated database. SQLite: `<dir>/<name>.db`, a copy of the
 * template when there is one, else created and migrated on open.
 */
export async function newDatabaseUrl(dir: string, name = "bot"): Promise<string> {
  if (!serverUrl) {
    const file = path.join(dir, `${name}.db`);
    const template = sqliteTemplatePath();
    if (existsSync(template)) copyFileSync(template, file);
    return `file:${file}`;
  }
  const database = `t_${name.replace(/[^a-z0-9]/gi, "").toLowerCase()}_${randomBytes(5).toString("hex")}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await client.query(`CREATE DATABASE "${database}" TEMPLATE "${templateName}"`);
        break;
      } catch (error) {
        // Two workers copying the template at the same instant: PostgreSQL refuses the second.
        if (attempt >= 20 || !/being accessed by other users/.test((error as Error).message)) throw error;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
  } finally {
    await client.end();
  }
  return withDatabase(serverUrl, database);
}

export function targetOf(url: string): DbTarget {
  return url.startsWith("file:") ? { provider: "sqlite", file: url.slice("file:".length) } : { provider: "postgres", url };
}

export async function newDbTarget(dir: string, name = "bot"): Promise<DbTarget> {
  return targetOf(await newDatabaseUrl(dir, name));
}

/** Plain SQL on the test's database, outside the bot (to inspect or tamper). Write `?` for parameters. */
export interface SqlClient {
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  run(sql: string, ...params: unknown[]): Promise<void>;
  close(): Promise<void>;
}

export async function sqlClient(url: string): Promise<SqlClient> {
  if (url.startsWith("file:")) {
    const db = new Database(url.slice("file:".length), { fileMustExist: true });
    db.pragma("busy_timeout = 5000");
    return {
      all: async <T>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[],
      run: async (sql: string, ...params: unknown[]) => {
        db.prepare(sql).run(...params);
      },
      close: async () => {
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const numbered = (sql: string) => {
    let i = 0;
    return sql.replace(/\?/g, () => `$${++i}`);
  };
  return {
    all: async <T>(sql: string, ...params: unknown[]) => (await client.query(numbered(sql), params)).rows as T[],
    run: async (sql: string, ...params: unknown[]) => {
      await client.query(numbered(sql), params);
    },
    close: () => client.end(),
  };
}

/** The single number a query like `SELECT COUNT(*) AS n …` returns (PostgreSQL gives it as text). */
export async function scalar(url: string, sql: string): Promise<number> {
  const db = await sqlClient(url);
  try {
    const rows = await db.all<Record<string, number | string>>(sql);
    return Number(Object.values(rows[0] ?? {})[0]);
  } finally {
    await db.close();
  }
}
