// Named (server-side prepared) statements on PostgreSQL. Without a name, node-postgres sends every
// statement as an unnamed one, which the server parses and plans on every execution; a name makes
// each pooled connection parse it once and lets the server reuse its plan. That was a fifth of the
// whole system's CPU per Telegram update (bench/load.ts, open loop).
//
// A named statement stays prepared on every connection that ran it until the connection closes, so
// only statements that recur get a name: a text is named on its second use, at most `limit` texts
// are named, and very long texts (bulk inserts, whose text varies with their row count) never are.
// The hot path is a few dozen texts.
//
// A migration run while the bot runs (another instance starting a new version, `npm run db:migrate`)
// can change the columns a prepared `SELECT *` returns; the server then refuses the statement on
// every connection that prepared it. The database layer (database.ts) renews the names when it sees
// that refusal, and a case transaction that met it runs again (storage-errors.ts, isStalePlan).
import type { SqlQuery } from "@prisma/driver-adapter-utils";

export interface StatementNames {
  /** The name to prepare `query` under, or undefined to send it unnamed. */
  nameOf(query: Pick<SqlQuery, "sql">): string | undefined;
  /**
   * The server refused a prepared statement as stale (a migration changed the columns it returns):
   * every text gets a new name, so each connection prepares it again on its next use. After a few
   * such renewals, statements are sent unnamed (a schema that keeps changing under a running bot).
   * The refusals of statements already in flight under the old names (several transactions at once
   * meet the same migration) come within moments of the first: they renew nothing more.
   */
  renew(): void;
  /** How many texts have a name. */
  readonly named: number;
}

export function createStatementNames(
  options: { limit?: number; maxLength?: number; watched?: number; renewals?: number; quietMs?: number } = {},
): StatementNames {
  const limit = options.limit ?? 300;
  const maxLength = options.maxLength ?? 4_000;
  const watched = options.watched ?? 5_000;
  const renewals = options.renewals ?? 5;
  const names = new Map<string, string>();
  /** Texts seen once and not named yet (forgotten wholesale when too many accumulate). */
  let seenOnce = new Set<string>();
  const quietMs = options.quietMs ?? 5_000;
  let generation = 0;
  let renewedAt = -Infinity;
  return {
    get named() {
      return names.size;
    },
    renew() {
      const now = performance.now();
      if (now - renewedAt < quietMs) return;
      renewedAt = now;
      generation += 1;
      names.clear();
      seenOnce = new Set();
    },
    nameOf({ sql }) {
      const name = names.get(sql);
      if (name !== undefined) return name;
      if (generation > renewals || names.size >= limit || sql.length > maxLength) return undefined;
      if (!seenOnce.has(sql)) {
        if (seenOnce.size >= watched) seenOnce = new Set();
        seenOnce.add(sql);
        return undefined;
      }
      seenOnce.delete(sql);
      const fresh = `sopbot_${generation}_${names.size}`;
      names.set(sql, fresh);
      return fresh;
    },
  };
}
