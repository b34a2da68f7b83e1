// Hand-written SQL for the hot path (a press, a form sent, the outbox), built with Prisma's `sql`
// templates and sent straight to its driver adapter (raw-statements.ts): one model query costs about
// 200 µs of the client's own work, the same statement through $queryRaw 35–60 µs, through the adapter
// about 6 µs on SQLite (bench/press-cost.ts). The SQL is the subset both dialects read the same way:
// quoted identifiers, `?`/`$n` placeholders, ON CONFLICT, RETURNING. Dates come back as Date on both;
// counts as bigint. Table and column names come only from this code, never from input.
import { Prisma } from "./generated/client.ts";
import type { Tx } from "./database.ts";
import { executeStatement, queryRows } from "./raw-statements.ts";

export type Sql = Prisma.Sql;
export const sql = Prisma.sql;
export const join = Prisma.join;
export const empty = Prisma.empty;

// The names are few and fixed: each quoted once, not on every statement.
const quoted = new Map<string, Sql>();
/** A quoted table or column name (names come only from this code). */
export function ident(name: string): Sql {
  let found = quoted.get(name);
  if (!found) quoted.set(name, (found = Prisma.raw(`"${name}"`)));
  return found;
}
const columnLists = new WeakMap<readonly string[], string>();
/** `"a", "b", …` for a fixed list of columns (kept per list). */
function columnList(columns: readonly string[]): string {
  let list = columnLists.get(columns);
  if (list === undefined) columnLists.set(columns, (list = columns.map((c) => `"${c}"`).join(", ")));
  return list;
}

/** `ON CONFLICT (key) DO UPDATE SET "a" = excluded."a", …`: an upsert's update of the given columns. */
export function onConflictUpdate(key: readonly string[], columns: readonly string[]): Sql {
  const set = columns.map((c) => Prisma.raw(`"${c}" = excluded."${c}"`));
  return sql`ON CONFLICT (${join(key.map(ident), ", ")}) DO UPDATE SET ${join(set, ", ")}`;
}

/** `"a" = ?, "b" = ?` for the defined values of `patch` (undefined keys are left out). */
export function assignments(patch: Record<string, unknown>): Sql[] {
  return Object.entries(patch)
    .filter(([, value]) => value !== undefined)
    .map(([column, value]) => sql`${ident(column)} = ${value}`);
}

/**
 * INSERTs of several rows with the given columns (a row's missing value is written as null), at most
 * 500 rows a statement, so that none reaches a dialect's limit of parameters. None for no rows.
 */
export function insertStatements<R extends object>(
  table: string,
  columns: readonly (keyof R & string)[],
  rows: readonly R[],
  suffix: Sql = Prisma.empty,
): Sql[] {
  if (rows.length === 0) return [];
  const head = `INSERT INTO "${table}" (${columnList(columns)}) VALUES (`;
  const statements: Sql[] = [];
  // Built flat (strings between the values), not as nested templates: a press inserts into eight
  // tables, and each level of nesting copies every value again.
  for (let i = 0; i < rows.length; i += 500) {
    const part = rows.slice(i, i + 500);
    const strings: string[] = [head];
    const values: unknown[] = [];
    part.forEach((row, r) =>
      columns.forEach((column, c) => {
        values.push(row[column] ?? null);
        strings.push(c < columns.length - 1 ? ", " : r < part.length - 1 ? "), (" : ") ");
      }),
    );
    values.push(suffix);
    strings.push("");
    statements.push(new Prisma.Sql(strings, values));
  }
  return statements;
}

/** Runs insertStatements at once. */
export async function insertRows<R extends object>(
  tx: Tx,
  table: string,
  columns: readonly (keyof R & string)[],
  rows: readonly R[],
  suffix: Sql = Prisma.empty,
): Promise<void> {
  for (const statement of insertStatements(table, columns, rows, suffix)) await executeStatement(tx, statement);
}

/** Inserts one row and returns the id the database gave it (an autoincrement column "id"). */
export async function insertReturningId<R extends object>(
  tx: Tx,
  table: string,
  columns: readonly (keyof R & string)[],
  row: R,
): Promise<number> {
  const names = join(columns.map(ident), ", ");
  const values = join(columns.map((c) => row[c] ?? null));
  const created = await queryRows<{ id: number | bigint }>(
    tx,
    sql`
    INSERT INTO ${ident(table)} (${names}) VALUES (${values}) RETURNING "id"`,
  );
  return Number(created[0]!.id);
}

/** The first row of a raw query, or null. */
export async function one<T>(tx: Tx, query: Sql): Promise<T | null> {
  const rows = await queryRows<T>(tx, query);
  return rows[0] ?? null;
}
