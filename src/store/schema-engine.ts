// The only module that touches Prisma's WebAssembly schema engine. Its API is internal to Prisma
// (the CLI used it in 6.6–6.19); keeping it behind this module means a Prisma upgrade breaks one
// file and the tests in test/store/migrator.test.ts, not the bot.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { randomUUID } from "node:crypto";
import pg from "pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";

type WasmRuntime = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");

/** The slice of the WebAssembly global this module needs (Node has it; @types/node does not declare it). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<unknown>;
  instantiate(module: unknown, imports: Record<string, unknown>): Promise<{ exports: Record<string, unknown> }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let runtimePromise: Promise<WasmRuntime> | undefined;

/** Instantiates the WASM module once per process (wasm-bindgen keeps global state). */
function loadRuntime(): Promise<WasmRuntime> {
  runtimePromise ??= (async () => {
    const runtime = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const require = createRequire(import.meta.url);
    const wasmPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg").replace(/\.js$/, ".wasm");
    const bytes = await readFile(wasmPath);
    const module = await wasmApi.compile(bytes);
    const instance = await wasmApi.instantiate(module, { "./schema_engine_bg.js": runtime });
    runtime.__wbg_set_wasm(instance.exports);
    const start = instance.exports["__wbindgen_start"];
    if (typeof start === "function") start();
    return runtime;
  })();
  return runtimePromise;
}

export interface SchemaEngineSession {
  engine: SchemaEngine;
  /** Frees the engine and closes every connection it opened (the engine itself never does). */
  close(): Promise<void>;
}

/**
 * The engine replays migration scripts on the shadow database through `executeRaw`, which the
 * better-sqlite3 adapter runs with `prepare()` — one statement only. A parameterless multi-statement
 * script is therefore handed to `executeScript` instead. Without this, authoring a second migration
 * fails with "Migration ... failed to apply cleanly to the shadow database".
 */
function acceptScripts(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      const multiStatement = error instanceof RangeError && /more than one statement/.test(error.message);
      if (!multiStatement || query.args.length > 0) throw error;
      await adapter.executeScript(query.sql);
      return 0;
    }
  };
  return adapter;
}

/** Where the engine works: a SQLite file (or ":memory:") or a PostgreSQL server. */
export type EngineTarget = { provider: "sqlite"; file: string } | { provider: "postgres"; url: string };

/**
 * The pg adapter makes its shadow database by overriding `database` in the pool config; with a
 * `connectionString` the override is ignored (the URL wins), so the URL is taken apart here.
 */
function poolConfigOf(url: string): { host: string; port: number; user: string; password?: string; database: string } {
  const u = new URL(url);
  return {
    host: decodeURIComponent(u.hostname),
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    database: decodeURIComponent(u.pathname.slice(1)) || "postgres",
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client(poolConfigOf(url));
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A throw-away shadow database on the server. (The pg adapter's own drops the database while its
 * pool is still connected, which PostgreSQL refuses; here the pool ends first, then the drop forces.)
 */
async function postgresShadow(url: string): Promise<SqlDriverAdapter> {
  const name = `sopbot_shadow_${randomUUID().replaceAll("-", "")}`;
  await adminQuery(url, `CREATE DATABASE "${name}"`);
  const pool = describablePool({ ...poolConfigOf(url), database: name });
  const adapter = await new PrismaPg(pool).connect();
  const disposeAdapter = adapter.dispose.bind(adapter);
  const dispose = async () => {
    await disposeAdapter();
    await pool.end(); // the adapter leaves a pool it was given open
  };
  let disposed: Promise<void> | undefined;
  // The engine disposes the shadow adapter itself, and the session's close does again: once only.
  adapter.dispose = () =>
    (disposed ??= (async () => {
      await dispose();
      await adminQuery(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    })());
  return adapter;
}

/** PostgreSQL's internal one-byte `"char"` type (and its array), which the catalog uses. */
const charOid = 18;
const charArrayOid = 1002;

/**
 * The schema engine reads the catalog (pg_class.relkind, pg_constraint.contype …), whose `"char"`
 * columns the pg adapter cannot type ("Column type 'char' could not be deserialized"). Their values
 * arrive as text anyway; this pool reports them as text so that the engine can describe a database.
 */
function describablePool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on("error", () => undefined); // an idle client ended by the server (the shadow's forced drop)
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    const retype = (r: pg.QueryResult | undefined) => {
      for (const field of r?.fields ?? []) {
        if (field.dataTypeID === charOid) field.dataTypeID = 25;
        else if (field.dataTypeID === charArrayOid) field.dataTypeID = 1009;
      }
      return r;
    };
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const last = args[args.length - 1];
      if (typeof last === "function") {
        // Callback form (pool.query): retype before the callback sees the result.
        args[args.length - 1] = (error: unknown, r: pg.QueryResult) => (last as (e: unknown, r: unknown) => void)(error, retype(r));
        return query(...args);
      }
      const result = query(...args);
      return result instanceof Promise ? result.then(retype) : result;
    };
  });
  return pool;
}

/** Wraps the adapter factory so that the connections the engine opens can be closed afterwards. */
function trackingFactory(target: EngineTarget): { factory: SqlMigrationAwareDriverAdapterFactory; opened: SqlDriverAdapter[] } {
  const inner: SqlMigrationAwareDriverAdapterFactory =
    target.provider === "sqlite" ? new PrismaBetterSqlite3({ url: target.file }) : new PrismaPg(describablePool(poolConfigOf(target.url)));
  const wrap = target.provider === "sqlite" ? acceptScripts : (adapter: SqlDriverAdapter) => adapter;
  const opened: SqlDriverAdapter[] = [];
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => {
      const adapter = wrap(await inner.connect());
      opened.push(adapter);
      return adapter;
    },
    connectToShadowDb: async () => {
      const adapter = wrap(target.provider === "sqlite" ? await inner.connectToShadowDb() : await postgresShadow(target.url));
      opened.push(adapter);
      return adapter;
    },
  };
  return { factory, opened };
}

/**
 * Opens the schema engine on a SQLite file (better-sqlite3 adapter) or a PostgreSQL server (pg
 * adapter). The caller must close the session.
 */
export async function openSchemaEngine(target: EngineTarget, datamodel?: { path: string; content: string }): Promise<SchemaEngineSession> {
  const runtime = await loadRuntime();
  const { factory, opened } = trackingFactory(target);
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  const logs: string[] = [];
  const engine = await runtime.SchemaEngine.new(
    { datamodels: datamodel ? [[datamodel.path, datamodel.content]] : undefined },
    (line: string) => {
      logs.push(line);
    },
    adapter,
  );
  return {
    engine,
    close: async () => {
      engine.free();
      await Promise.all(opened.splice(0).map((a) => a.dispose()));
    },
  };
}

export type { MigrationList };
