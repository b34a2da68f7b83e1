// The hot path's raw statements go straight to Prisma's driver adapter instead of through the
// client's $queryRaw (src/store/raw-statements.ts, pg-transactions.ts). Both paths must give the
// same rows: every table of a database a real case journey filled, read both ways, compared value by
// value and type by type (dates as Date, 64-bit integers as bigint, booleans as boolean, nulls); the
// same for computed columns; arguments of every kind written one way read back the other; a unique
// key taken is still recognised as a write conflict; a statement sent in a transaction is undone with
// it; and on PostgreSQL none is sent once the transaction has ended.
import { afterEach, describe, expect, it } from "vitest";
import { Prisma } from "../../src/store/generated/client.ts";
import { TransactionEndedError } from "../../src/store/pg-transactions.ts";
import { executeStatement, queryRows } from "../../src/store/raw-statements.ts";
import { sql } from "../../src/store/sql.ts";
import { isUniqueViolation, isWriteConflict } from "../../src/store/storage-errors.ts";
import { caseCode, startHarness, wita, type Harness } from "../helpers/harness.ts";
import { onPostgres } from "../helpers/test-database.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

/** Each value with its kind, so that 1 and 1n, or a Date and its string, never compare equal; rows in one order. */
const typed = (rows: Record<string, unknown>[]) =>
  rows
    .map((row) =>
      JSON.stringify(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? `Date ${v.toISOString()}` : `${typeof v} ${String(v)}`])),
    )
    .sort();

const tablesQuery = onPostgres
  ? `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE '\\_%' ORDER BY 1`
  : `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name`;

describe("raw statements through the driver adapter", () => {
  it("return what the client's $queryRaw returns, for every table and for computed columns", async () => {
    h = await startHarness({ now: wita("2026-03-16 08:00") });
    const opened = await h.say("/buka 18 KGB Yohanes Seran");
    caseCode(opened);
    await h.as("Sekretaris");
    await h.say("1");
    await h.as("Kasubag Kepegawaian");
    await h.say("1");
    const { prisma } = h.app.db;
    const tables = await prisma.$queryRawUnsafe<{ name: string }[]>(tablesQuery);
    let compared = 0;
    for (const { name } of tables) {
      const statement = Prisma.sql([`SELECT * FROM "${name}" ORDER BY 1`]);
      const direct = await queryRows<Record<string, unknown>>(prisma, statement);
      const client = await prisma.$queryRaw<Record<string, unknown>[]>(statement);
      expect(typed(direct), name).toEqual(typed(client));
      compared += direct.length;
    }
    // The journey wrote cases, steps, tokens, outbox rows and audit events: real rows were compared.
    expect(compared).toBeGreaterThan(50);

    const computed = sql`SELECT COUNT(*) AS "n", MAX("createdAt") AS "latest", 1.5 AS "f", NULL AS "none", ${true} AS "yes"
      FROM "Case" WHERE "createdAt" < ${new Date("2030-01-01T00:00:00Z")}`;
    const direct = await queryRows<Record<string, unknown>>(prisma, computed);
    expect(typed(direct)).toEqual(typed(await prisma.$queryRaw<Record<string, unknown>[]>(computed)));
    expect(direct[0]!["n"]).toBe(1n);
  });

  it("writes every kind of argument as the client would, and a taken key is a write conflict", async () => {
    h = await startHarness({ now: wita("2026-03-16 08:00") });
    const { prisma } = h.app.db;
    const at = new Date("2026-03-16T01:02:03.456Z");
    await h.app.db.write(async (tx) => {
      const written = await executeStatement(
        tx,
        sql`INSERT INTO "InboundReceipt" ("channel", "messageId", "receivedAt") VALUES (${"console"}, ${"m-1"}, ${at})`,
      );
      expect(written).toBe(1);
    });
    // Read back through the client's model query: the date is stored as the client stores it.
    expect((await prisma.inboundReceipt.findFirstOrThrow({ where: { messageId: "m-1" } })).receivedAt).toEqual(at);
    // Booleans, bigints and undefined (as null) as arguments.
    const values = sql`SELECT ${false} AS "b", ${5n} AS "big", ${"teks"} AS "s", ${2.5} AS "f", ${null} AS "u"`;
    const row = await queryRows<Record<string, unknown>>(prisma, values);
    expect(typed(row)).toEqual(typed(await prisma.$queryRaw<Record<string, unknown>[]>(values)));
    expect(row[0]).toMatchObject({ s: "teks", u: null });

    const again = h.app.db.write((tx) =>
      executeStatement(tx, sql`INSERT INTO "InboundReceipt" ("channel", "messageId", "receivedAt") VALUES (${"console"}, ${"m-1"}, ${at})`),
    );
    const error = await again.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).not.toBeNull();
    expect(isUniqueViolation(error)).toBe(true);
    expect(isWriteConflict(error)).toBe(true);
  });

  it("sends a transaction's statements in it: undone with it, and on PostgreSQL refused once it has ended", async () => {
    h = await startHarness({ now: wita("2026-03-16 08:00") });
    const { db } = h.app;
    const insert = (tx: Parameters<Parameters<typeof db.write>[0]>[0], id: string) =>
      executeStatement(
        tx,
        sql`INSERT INTO "InboundReceipt" ("channel", "messageId", "receivedAt") VALUES (${"console"}, ${id}, ${new Date()})`,
      );
    await expect(
      db.write(async (tx) => {
        await insert(tx, "undone");
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await db.prisma.inboundReceipt.count({ where: { messageId: "undone" } })).toBe(0);
    if (!onPostgres) return;

    // A transaction whose time ran out while its work went on: the client rolled it back and gave its
    // connection back to the pool; the next statement is refused rather than run outside it.
    let late: unknown = null;
    await db
      .write(
        async (tx) => {
          await new Promise((r) => setTimeout(r, 300));
          late = await insert(tx, "late").catch((e: unknown) => e);
        },
        { timeoutMs: 100 },
      )
      .catch(() => undefined);
    expect(late).toBeInstanceOf(TransactionEndedError);
    expect(await db.prisma.inboundReceipt.count({ where: { messageId: "late" } })).toBe(0);
  });
});
