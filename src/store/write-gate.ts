// The in-process serialization point for writes. The better-sqlite3 adapter has one connection;
// an interactive transaction owns it while open, so a write issued elsewhere during that time would
// silently join the transaction and be rolled back with it. Every write therefore waits its turn here.
//
// Two lanes: small writes that must not wait behind a queue of case transactions (an incoming
// update held before it is confirmed, the WhatsApp session's keys) go first, after the transaction
// that is running. (A second SQLite connection would not do: better-sqlite3 waits for a lock
// synchronously, so two connections in one process stall each other's event loop.)
import { AsyncLocalStorage } from "node:async_hooks";

/** A write queued from inside a running write: it would wait for itself forever. */
export class NestedWriteError extends Error {
  readonly retryable = false;
  constructor() {
    super("A write was started inside another write; pass the open transaction on instead (it would deadlock on the write gate).");
    this.name = "NestedWriteError";
  }
}

export interface WriteGate {
  /** Runs `task` after the running task and every task queued before it in its lane (`first`: the urgent lane). */
  run<T>(task: () => Promise<T>, options?: { first?: boolean }): Promise<T>;
  /** Resolves when everything queued so far has settled (used at shutdown). */
  drain(): Promise<void>;
  /** Number of tasks queued or running. */
  readonly pending: number;
}

/**
 * `concurrency`: how many tasks may run at once: 1 for SQLite's one connection; more on PostgreSQL,
 * where each transaction has a pooled connection of its own and row locks settle conflicts.
 */
export function createWriteGate(concurrency = 1): WriteGate {
  const urgent: (() => Promise<void>)[] = [];
  const normal: (() => Promise<void>)[] = [];
  let running = 0;
  const idle: (() => void)[] = [];
  const inside = new AsyncLocalStorage<true>();

  async function lane(): Promise<void> {
    running++;
    for (let next = urgent.shift() ?? normal.shift(); next; next = urgent.shift() ?? normal.shift()) await next();
    running--;
    if (running === 0) for (const resolve of idle.splice(0)) resolve();
  }
  function pump(): void {
    if (running < concurrency) void lane();
  }

  return {
    run<T>(task: () => Promise<T>, options?: { first?: boolean }): Promise<T> {
      if (inside.getStore()) return Promise.reject(new NestedWriteError());
      return new Promise<T>((resolve, reject) => {
        const job = () => inside.run(true, task).then(resolve, reject);
        (options?.first ? urgent : normal).push(job);
        pump();
      });
    },
    drain: () =>
      running > 0 || urgent.length + normal.length > 0 ? new Promise<void>((resolve) => idle.push(resolve)) : Promise.resolve(),
    get pending() {
      return urgent.length + normal.length + running;
    },
  };
}
