// The writes a transaction holds back until its end (steps' candidates, buttons, deadlines, outbox
// rows, audit events, the case rows with their audit heads), written together. On PostgreSQL every
// statement of a transaction is a round trip through Prisma's interactive transaction: there they
// go as one statement of data-modifying CTEs (`WITH w0 AS (INSERT … RETURNING 1), w1 AS (UPDATE …
// RETURNING 1) SELECT count(*) …`), each still checked for the rows it must touch. On SQLite, where a
// statement costs no round trip, one after another.
import { Prisma } from "./generated/client.ts";
import type { Tx } from "./database.ts";
import { join, sql, type Sql } from "./sql.ts";
import { executeStatement, queryRows } from "./raw-statements.ts";

/** One write (an INSERT or an UPDATE, without RETURNING); `expect`: the rows it must touch, or else the error. */
export interface HeldWrite {
  sql: Sql;
  expect?: { rows: number; error: () => Error };
}

/** PostgreSQL takes at most 65,535 parameters a statement; a batch stays well under it or goes in parts. */
const MAX_PARAMETERS = 30_000;

/** Writes with no row count to check (inserts). */
export const unchecked = (statements: Sql[]): HeldWrite[] => statements.map((statement) => ({ sql: statement }));

function check(write: HeldWrite, rows: number): void {
  if (write.expect && rows !== write.expect.rows) throw write.expect.error();
}

/** Writes `writes`, in one statement on PostgreSQL (`postgres`), one after another on SQLite. */
export async function writeHeld(tx: Tx, postgres: boolean, writes: HeldWrite[]): Promise<void> {
  if (!postgres || writes.length <= 1) {
    for (const write of writes) check(write, await executeStatement(tx, write.sql));
    return;
  }
  for (let start = 0; start < writes.length;) {
    const part: HeldWrite[] = [];
    let parameters = 0;
    for (; start < writes.length; start++) {
      const next = writes[start]!.sql.values.length;
      if (part.length > 0 && parameters + next > MAX_PARAMETERS) break;
      part.push(writes[start]!);
      parameters += next;
    }
    const ctes = part.map((w, i) => sql`${Prisma.raw(`w${i}`)} AS (${w.sql} RETURNING 1)`);
    const counts = part.map((_, i) => Prisma.raw(`(SELECT count(*) FROM w${i}) AS "c${i}"`));
    const [row] = await queryRows<Record<string, bigint | number>>(tx, sql`WITH ${join(ctes, ", ")} SELECT ${join(counts, ", ")}`);
    part.forEach((w, i) => check(w, Number(row?.[`c${i}`] ?? 0)));
  }
}
