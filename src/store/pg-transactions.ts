// PostgreSQL transactions whose raw statements go straight to the driver adapter's transaction
// (raw-statements.ts), the pooled connection Prisma's interactive transaction holds. The client opens
// the transaction as always (`$transaction`), and asks the adapter for it; the adapter wrapper here
// hands that transaction to the `$transaction` call that asked for it (through async context), which
// registers it for its transaction client. Model queries keep going through the client, on the same
// connection. Once the client ends the transaction (COMMIT, ROLLBACK, or its timeout), a statement
// sent to it is refused, never run on a connection that went back to the pool.
import { AsyncLocalStorage } from "node:async_hooks";
import type { SqlDriverAdapter, SqlQuery, SqlQueryable, Transaction } from "@prisma/driver-adapter-utils";
import type { Prisma, PrismaClient } from "./generated/client.ts";
import type { Tx } from "./database.ts";
import { sendThroughAdapter } from "./raw-statements.ts";

/** Where a `$transaction` call being opened receives the adapter's transaction. */
const opening = new AsyncLocalStorage<{ transaction?: SqlQueryable }>();

/** A statement after the transaction ended (a timeout rolled it back while the work went on). */
export class TransactionEndedError extends Error {
  readonly retryable = true;
  constructor() {
    super("The transaction has ended (committed, rolled back or timed out); the statement was not sent.");
    this.name = "TransactionEndedError";
  }
}

const ends = (q: SqlQuery) => /^\s*(COMMIT|ROLLBACK)\b/i.test(q.sql);

/** The transaction as the client gets it, and a queryable for our statements that refuses once it ended. */
function tracked(transaction: Transaction): { forClient: Transaction; ours: SqlQueryable } {
  let ended = false;
  const forClient = new Proxy(transaction, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== "function") return value;
      const fn = value as (...a: unknown[]) => unknown;
      if (key === "commit" || key === "rollback")
        return (...args: unknown[]) => {
          ended = true;
          return fn.apply(target, args);
        };
      if (key === "executeRaw")
        return (q: SqlQuery) => {
          if (ends(q)) ended = true;
          return fn.call(target, q);
        };
      return fn.bind(target);
    },
  });
  const ours: SqlQueryable = {
    provider: transaction.provider,
    adapterName: transaction.adapterName,
    queryRaw: (q) => (ended ? Promise.reject(new TransactionEndedError()) : transaction.queryRaw(q)),
    executeRaw: (q) => (ended ? Promise.reject(new TransactionEndedError()) : transaction.executeRaw(q)),
  };
  return { forClient, ours };
}

/** The pool adapter, handing each transaction it starts to the `pgTransaction` that opened it. */
export function handingOverTransactions(adapter: SqlDriverAdapter): SqlDriverAdapter {
  return new Proxy(adapter, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== "function") return value;
      const fn = value as (...a: unknown[]) => unknown;
      if (key !== "startTransaction") return fn.bind(target);
      return async (...args: unknown[]) => {
        const transaction = (await fn.apply(target, args)) as Transaction;
        const slot = opening.getStore();
        if (!slot || slot.transaction) return transaction;
        const { forClient, ours } = tracked(transaction);
        slot.transaction = ours;
        return forClient;
      };
    },
  });
}

/** `client.$transaction(fn, options)`, with the transaction's raw statements sent straight to the adapter. */
export function pgTransaction<T>(
  client: PrismaClient,
  fn: (tx: Tx) => Promise<T>,
  options: { timeout: number; maxWait: number; isolationLevel?: Prisma.TransactionIsolationLevel },
): Promise<T> {
  const slot: { transaction?: SqlQueryable } = {};
  return opening.run(slot, () =>
    client.$transaction(async (tx) => {
      if (slot.transaction) sendThroughAdapter(tx, slot.transaction, "postgres");
      return fn(tx);
    }, options),
  );
}
