// Recurring statements are prepared once per PostgreSQL connection: which texts get a name (on their
// second use, a bounded number, never very long ones), and on a real server that a named statement
// stays prepared on its connection and gives the same results with other arguments.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createEngineStore } from "../../src/store/engine-store.ts";
import { createStatementNames } from "../../src/store/pg-statement-names.ts";
import { executeStatement, queryRows } from "../../src/store/raw-statements.ts";
import { sql } from "../../src/store/sql.ts";
import { onPostgres } from "../helpers/test-database.ts";
import { openTempDb } from "../helpers/temp-db.ts";

describe("statement names", () => {
  it("names a text on its second use, always the same name, at most `limit` texts, never a very long one", () => {
    const names = createStatementNames({ limit: 2, maxLength: 50 });
    const a = { sql: "SELECT 1" };
    expect(names.nameOf(a)).toBeUndefined();
    const first = names.nameOf(a);
    expect(first).toMatch(/^sopbot_\d+_\d+$/);
    expect(names.nameOf(a)).toBe(first);
    const long = { sql: `SELECT ${"1, ".repeat(30)}1` };
    for (let i = 0; i < 3; i++) expect(names.nameOf(long)).toBeUndefined();
    const b = { sql: "SELECT 2" };
    names.nameOf(b);
    const second = names.nameOf(b);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    // The limit is reached: other texts stay unnamed, the named ones keep their names.
    const c = { sql: "SELECT 3" };
    for (let i = 0; i < 3; i++) expect(names.nameOf(c)).toBeUndefined();
    expect([names.nameOf(a), names.nameOf(b), names.named]).toEqual([first, second, 2]);
  });

  it("gives every text a new name when renewed, and stops naming after too many renewals", () => {
    const names = createStatementNames({ renewals: 1, quietMs: 0 });
    const a = { sql: "SELECT 1" };
    names.nameOf(a);
    const before = names.nameOf(a);
    names.renew();
    expect(names.nameOf(a)).toBeUndefined();
    const after = names.nameOf(a);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    names.renew();
    for (let i = 0; i < 3; i++) expect(names.nameOf(a)).toBeUndefined();
  });

  it("renews once for the refusals that come together (statements in flight under the old names)", () => {
    const names = createStatementNames({ renewals: 1 });
    const a = { sql: "SELECT 1" };
    names.nameOf(a);
    names.nameOf(a);
    for (let i = 0; i < 8; i++) names.renew();
    names.nameOf(a);
    expect(names.nameOf(a)).toMatch(/^sopbot_1_\d+$/);
  });

  it("forgets texts seen once when too many are watched, so one-off texts cannot grow it", () => {
    const names = createStatementNames({ watched: 3 });
    for (let i = 0; i < 10; i++) names.nameOf({ sql: `SELECT ${i}` });
    expect(names.named).toBe(0);
    // "SELECT 9" is still watched (the set was last cleared at "SELECT 9"); its second use names it.
    expect(names.nameOf({ sql: "SELECT 9" })).toBeDefined();
    expect(names.nameOf({ sql: "SELECT 0" })).toBeUndefined();
  });
});

describe.skipIf(!onPostgres)("named statements on a PostgreSQL server", () => {
  it("prepares a recurring statement once on its connection and reuses it with other arguments", async () => {
    const t = await openTempDb();
    try {
      const found = await t.db.write(async (tx) => {
        await executeStatement(tx, sql`CREATE TEMP TABLE probe (n integer)`);
        const rows: number[] = [];
        for (const n of [1, 2, 3, 4]) {
          await executeStatement(tx, sql`INSERT INTO probe (n) VALUES (${n})`);
          rows.push(Number((await queryRows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM probe WHERE n <= ${n}`))[0]?.n));
        }
        const prepared = await queryRows<{ statement: string }>(
          tx,
          sql`SELECT statement FROM pg_prepared_statements WHERE name LIKE 'sopbot\\_%' AND statement LIKE '%probe%'`,
        );
        return { rows, prepared: prepared.map((p) => p.statement.replace(/\s+/g, " ")) };
      });
      expect(found.rows).toEqual([1, 2, 3, 4]);
      // The INSERT and the count are prepared (from their second use on), once each.
      expect(found.prepared.sort()).toEqual(["INSERT INTO probe (n) VALUES ($1)", "SELECT count(*)::int AS n FROM probe WHERE n <= $1"]);
    } finally {
      await t.cleanup();
    }
  });

  it("prepares statements anew when a migration changed the columns under them: the work runs again", async () => {
    const t = await openTempDb();
    try {
      const store = createEngineStore(t.db);
      // `SELECT * FROM "CaseView"` (the view port) and a raw `SELECT *`, prepared on the pool's connections.
      const views = () => store.transaction((tx) => tx.caseView("someone", "no-case"));
      const offices = () => t.db.write((tx) => queryRows(tx, sql`SELECT * FROM "Office" WHERE "id" <> ${"x"}`));
      for (let i = 0; i < 12; i++) await Promise.all([views(), offices()]);
      // Another process migrates: both tables gain a column, so the prepared statements' results change.
      const other = new pg.Client({ connectionString: t.target.provider === "postgres" ? t.target.url : "" });
      await other.connect();
      await other.query('ALTER TABLE "CaseView" ADD COLUMN "extra" integer; ALTER TABLE "Office" ADD COLUMN "extra" integer');
      await other.end();
      // A case transaction meeting a stale statement runs again and succeeds; a plain write fails at
      // most once (nothing retries it), and everything after that works.
      const outcomes: string[] = [];
      for (let i = 0; i < 12; i++) {
        await expect(views()).resolves.toBeNull();
        outcomes.push(
          await offices().then(
            () => "ok",
            (e: unknown) => String(e),
          ),
        );
      }
      expect(outcomes.filter((o) => o !== "ok").length).toBeLessThanOrEqual(1);
      expect(outcomes.slice(1).every((o) => o === "ok")).toBe(true);
    } finally {
      await t.cleanup();
    }
  });
});
