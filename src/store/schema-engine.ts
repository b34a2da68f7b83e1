// The only module that touches Prisma's WebAssembly schema engine. Its API is internal to Prisma
// (the CLI used it in 6.6–6.19); keeping it behind this module means a Prisma upgrade breaks one
// file and the tests in test/store/migrator.test.ts, not the bot.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
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

/** Wraps the adapter factory so that the connections the engine opens can be closed afterwards. */
function trackingFactory(target: EngineTarget): { factory: SqlMigrationAwareDriverAdapterFactory; opened: SqlDriverAdapter[] } {
  const inner: SqlMigrationAwareDriverAdapterFactory =
    target.provider === "sqlite" ? new PrismaBetterSqlite3({ url: target.file }) : new PrismaPg({ connectionString: target.url });
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
      const adapter = wrap(await inner.connectToShadowDb());
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
