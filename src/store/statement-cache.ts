// Statements prepared once and reused. Prisma's better-sqlite3 adapter prepares every query anew
// (`client.prepare(sql).bind(args)`), which was a tenth of a press's CPU. This wraps the adapter's
// connection so that `prepare` returns a cached statement (least recently used first out), and
// `bind` passes the arguments to each call instead of binding the statement for good (a bound
// better-sqlite3 statement cannot take other arguments). Written against @prisma/adapter-better-sqlite3
// 7.10 (pinned); test/store/statement-cache.test.ts checks the wrapping still holds.
import type BetterSqlite3 from "better-sqlite3";
import { withNestedSavepoints } from "./sqlite-transactions.ts";

type Args = unknown[];

/** What the adapter calls on a statement bound to its arguments. */
class BoundStatement {
  constructor(
    private readonly cached: CachedStatement,
    private readonly args: Args,
  ) {}
  get reader(): boolean {
    return this.cached.reader;
  }
  run(): BetterSqlite3.RunResult {
    return this.cached.stmt.run(this.args);
  }
  columns(): BetterSqlite3.ColumnDefinition[] {
    return this.cached.columns();
  }
  /** The adapter asks for rows as arrays: `raw().all()`. */
  raw(): this {
    return this;
  }
  all(): unknown[] {
    return this.cached.stmt.raw(true).all(this.args);
  }
}

class CachedStatement {
  readonly reader: boolean;
  #columns: BetterSqlite3.ColumnDefinition[] | undefined;
  constructor(readonly stmt: BetterSqlite3.Statement) {
    this.reader = stmt.reader;
  }
  /** A prepared statement's columns never change (the schema changes only before the cache exists). */
  columns(): BetterSqlite3.ColumnDefinition[] {
    return (this.#columns ??= this.stmt.columns());
  }
  bind(args: Args): BoundStatement {
    return new BoundStatement(this, args);
  }
  run(...args: Args): BetterSqlite3.RunResult {
    return this.stmt.run(...args);
  }
}

export interface StatementCacheStats {
  prepared: number;
  reused: number;
}

/** A proxy of `db` whose `prepare` reuses up to `size` statements. */
export function cachingStatements(db: BetterSqlite3.Database, size = 500, stats?: StatementCacheStats): BetterSqlite3.Database {
  const cache = new Map<string, CachedStatement>();
  const prepare = (sql: string) => {
    const hit = cache.get(sql);
    if (hit) {
      cache.delete(sql);
      cache.set(sql, hit);
      if (stats) stats.reused++;
      return hit;
    }
    const made = new CachedStatement(db.prepare(sql));
    cache.set(sql, made);
    if (stats) stats.prepared++;
    if (cache.size > size) cache.delete(cache.keys().next().value as string);
    return made;
  };
  // The connection's other methods, bound to it once (not on every access).
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(db, {
    get(target, key) {
      if (key === "prepare") return prepare;
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== "function") return value;
      let method = bound.get(key);
      if (!method) bound.set(key, (method = (value as (...a: unknown[]) => unknown).bind(target)));
      return method;
    },
  });
}

/** Wraps an adapter factory so that every connection it makes reuses its prepared statements. */
export function withStatementCache<F extends { connect(): Promise<unknown> }>(factory: F, stats?: StatementCacheStats): F {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = (await connect()) as { client?: BetterSqlite3.Database };
    if (!adapter.client || typeof adapter.client.prepare !== "function") {
      throw new Error("The SQLite adapter has changed shape: update src/store/statement-cache.ts for it.");
    }
    adapter.client = cachingStatements(adapter.client, 500, stats);
    return withNestedSavepoints(adapter as unknown as Parameters<typeof withNestedSavepoints>[0]);
  };
  return factory;
}
