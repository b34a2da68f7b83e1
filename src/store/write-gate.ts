// The in-process serialization point for writes. The better-sqlite3 adapter has one connection;
// an interactive transaction owns it while open, so a write issued elsewhere during that time would
// silently join the transaction and be rolled back with it. Every write therefore waits its turn here.

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
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      pending += 1;
      const result = tail.then(task);
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
