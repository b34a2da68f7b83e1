// SQLite write transactions opened with plain statements instead of Prisma's interactive
// transactions. Inside an interactive transaction every statement pays the client's transaction
// bookkeeping (about 80 µs more than the same statement outside one, bench/press-cost.ts), and a press
// sends about fifteen. SQLite has one writer connection here and the write gate runs one transaction
// at a time on it, so BEGIN IMMEDIATE … COMMIT sent through the client is the same transaction,
// without that cost; every statement still goes through Prisma and its driver adapter.
//
// A model operation that Prisma runs as a transaction of its own (a nested write) asks the adapter to
// start one while ours is open; `withNestedSavepoints` answers with a savepoint instead of a BEGIN
// that SQLite would refuse.
import type { SqlDriverAdapter, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";
import type BetterSqlite3 from "better-sqlite3";
import type { PrismaClient } from "./generated/client.ts";
import type { Tx } from "./database.ts";
import { executeText } from "./raw-statements.ts";

/** A transaction that ran past its limit: rolled back, nothing of it is kept. */
export class TransactionTimeoutError extends Error {
  readonly retryable = true;
  constructor(ms: number, limit: number) {
    super(`The transaction took ${Math.round(ms)} ms, more than its limit of ${limit} ms; it was rolled back.`);
    this.name = "TransactionTimeoutError";
  }
}

/**
 * Runs `fn` between BEGIN IMMEDIATE and COMMIT on the writer client. The caller holds the write gate.
 * A transaction that took longer than `limitMs` is rolled back at its end (as Prisma's timeout would
 * have done), so that a slow one never commits half-known work late.
 */
export async function sqliteTransaction<T>(prisma: PrismaClient, fn: (tx: Tx) => Promise<T>, limitMs: number): Promise<T> {
  const tx = prisma as unknown as Tx;
  await executeText(tx, "BEGIN IMMEDIATE");
  const started = performance.now();
  let result: T;
  try {
    result = await fn(tx);
    const took = performance.now() - started;
    if (took > limitMs) throw new TransactionTimeoutError(took, limitMs);
    await executeText(tx, "COMMIT");
  } catch (error) {
    // A failed COMMIT leaves the transaction open: end it either way.
    await executeText(tx, "ROLLBACK").catch(() => undefined);
    throw error;
  }
  return result;
}

let savepoints = 0;

/** A transaction of Prisma's nested in ours: a savepoint, released on commit and undone on rollback. */
function savepointTransaction(adapter: SqlDriverAdapter, name: string): Transaction {
  const run = (sql: string) => adapter.executeRaw({ sql, args: [], argTypes: [] });
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    // Prisma then ends it by calling commit() or rollback() alone, without a COMMIT statement.
    options: { usePhantomQuery: true },
    queryRaw: (q: SqlQuery) => adapter.queryRaw(q),
    executeRaw: (q: SqlQuery) => adapter.executeRaw(q),
    commit: async () => void (await run(`RELEASE SAVEPOINT ${name}`)),
    rollback: async () => {
      await run(`ROLLBACK TO SAVEPOINT ${name}`);
      await run(`RELEASE SAVEPOINT ${name}`);
    },
    createSavepoint: async (n: string) => void (await run(`SAVEPOINT ${n}`)),
    rollbackToSavepoint: async (n: string) => void (await run(`ROLLBACK TO SAVEPOINT ${n}`)),
    releaseSavepoint: async (n: string) => void (await run(`RELEASE SAVEPOINT ${n}`)),
  };
}

/** Makes the adapter start a savepoint instead of a transaction while its connection is inside one. */
export function withNestedSavepoints(adapter: SqlDriverAdapter & { client: BetterSqlite3.Database }): SqlDriverAdapter {
  const start = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => {
    if (!adapter.client.inTransaction) return start(isolationLevel);
    const name = `sopbot_nested_${++savepoints}`;
    await adapter.executeRaw({ sql: `SAVEPOINT ${name}`, args: [], argTypes: [] });
    return savepointTransaction(adapter, name);
  };
  return adapter;
}
