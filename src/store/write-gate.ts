// The in-process serialization point for writes. The better-sqlite3 adapter has one connection;
// an interactive transaction owns it while open, so a write issued elsewhere during that time would
// silently join the transaction and be rolled back with it. Every write therefore waits its turn here.

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
  /** Runs `task` after every task queued before it has settled; returns its result. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Resolves when everything queued so far has settled (used at shutdown). */
  drain(): Promise<void>;
  /** Number of tasks queued or running. */
  readonly pending: number;
}

export function createWriteGate(): WriteGate {
  let tail: Promise<unknown> = Promise.resolve();
  let pending = 0;
  const inside = new AsyncLocalStorage<true>();
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      if (inside.getStore()) return Promise.reject(new NestedWriteError());
      pending += 1;
      const result = tail.then(() => inside.run(true, task));
      tail = result.then(
        () => {
          pending -= 1;
        },
        () => {
          pending -= 1;
        },
      );
      return result;
    },
    drain: () => tail.then(() => undefined),
    get pending() {
      return pending;
    },
  };
}
