// Counts the SQL statements Prisma sends through a driver adapter, by shape (benchmarks: statements
// per press). Wraps the adapter factory; queries pass through unchanged.
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";

export interface StatementCounter {
  statements: number;
  transactions: number;
  /** Statements by their SQL text (parameters aside). */
  byShape: Map<string, number>;
  /** Milliseconds spent in the driver adapter by SQL text. */
  msByShape: Map<string, number>;
}

export function createStatementCounter(): StatementCounter {
  return { statements: 0, transactions: 0, byShape: new Map(), msByShape: new Map() };
}

function count(counter: StatementCounter, query: SqlQuery): void {
  counter.statements++;
  // SQLite's write transactions are opened with a statement (sqlite-transactions.ts).
  if (/^BEGIN\b/.test(query.sql)) counter.transactions++;
  counter.byShape.set(query.sql, (counter.byShape.get(query.sql) ?? 0) + 1);
}

function wrapQueryable<T extends { queryRaw(q: SqlQuery): Promise<unknown>; executeRaw(q: SqlQuery): Promise<number> }>(
  target: T,
  counter: StatementCounter,
): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      const value: unknown = Reflect.get(obj, key, receiver);
      if (key === "queryRaw" || key === "executeRaw") {
        return async (q: SqlQuery) => {
          count(counter, q);
          const started = performance.now();
          try {
            return await (value as (q: SqlQuery) => Promise<unknown>).call(obj, q);
          } finally {
            counter.msByShape.set(q.sql, (counter.msByShape.get(q.sql) ?? 0) + performance.now() - started);
          }
        };
      }
      if (key === "startTransaction") {
        return async (...args: unknown[]) => {
          counter.transactions++;
          const tx = (await (value as (...a: unknown[]) => Promise<Transaction>).apply(obj, args)) as Transaction;
          return wrapQueryable(tx, counter);
        };
      }
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(obj) : value;
    },
  });
}

export function countStatements(factory: SqlDriverAdapterFactory, counter: StatementCounter): SqlDriverAdapterFactory {
  return new Proxy(factory, {
    get(obj, key, receiver) {
      const value: unknown = Reflect.get(obj, key, receiver);
      if (key === "connect")
        return async () => wrapQueryable((await (value as () => Promise<SqlDriverAdapter>).call(obj)) as SqlDriverAdapter, counter);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(obj) : value;
    },
  });
}
