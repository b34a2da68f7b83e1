// A per-chat flood limit for chats that are not officials: at most `limit` messages a minute; the
// first message over it is answered once, the rest are dropped until the minute has passed. In
// memory (a limit against floods, not a record), and it forgets chats that have gone quiet, so it
// does not grow with the number of chats ever seen.

const WINDOW_MS = 60_000;

export type Verdict = "ok" | "warn" | "drop";

export function createRateLimiter(limit: number, now: () => number) {
  const recent = new Map<string, { times: number[]; warned: boolean }>();
  let lastSweep = 0;

  function sweep(at: number): void {
    if (at - lastSweep < WINDOW_MS) return;
    lastSweep = at;
    for (const [key, entry] of recent) if (entry.times.every((t) => at - t >= WINDOW_MS)) recent.delete(key);
  }

  return {
    check(chatKey: string): Verdict {
      const at = now();
      sweep(at);
      const entry = recent.get(chatKey) ?? { times: [], warned: false };
      entry.times = entry.times.filter((t) => at - t < WINDOW_MS);
      entry.times.push(at);
      recent.set(chatKey, entry);
      if (entry.times.length <= limit) {
        entry.warned = false;
        return "ok";
      }
      if (entry.warned) return "drop";
      entry.warned = true;
      return "warn";
    },
    /** Chats currently remembered (for tests of the bound). */
    size: () => recent.size,
  };
}
