// The writes a transaction holds until its end go together: on PostgreSQL as one statement of
// data-modifying CTEs (one round trip), on SQLite one after another. Each keeps its row-count check:
// a write that touched the wrong number of rows fails the transaction, and nothing of it is kept.
import { afterEach, describe, expect, it } from "vitest";
import { ConcurrencyError } from "../../src/engine/case-ports.ts";
import { openDatabase, type Database } from "../../src/store/database.ts";
import { sql } from "../../src/store/sql.ts";
import { createStatementCounter } from "../../src/store/statement-counter.ts";
import { writeHeld, type HeldWrite } from "../../src/store/write-batch.ts";
import { openTempDb, type TempDb } from "../helpers/temp-db.ts";
import { onPostgres } from "../helpers/test-database.ts";

let t: TempDb | undefined;
let db: Database | undefined;
afterEach(async () => {
  await db?.close();
  await t?.cleanup();
  db = undefined;
  t = undefined;
});

const at = new Date("2026-03-16T00:00:00Z");
const receipt = (id: string): HeldWrite => ({
  sql: sql`INSERT INTO "InboundReceipt" ("channel", "messageId", "receivedAt") VALUES (${"console"}, ${id}, ${at})`,
});
const renameOffice = (id: string): HeldWrite => ({
  sql: sql`UPDATE "Office" SET "name" = ${"Dinas"} WHERE "id" = ${id}`,
  expect: { rows: 1, error: () => new ConcurrencyError(`office ${id}`) },
});

describe("held writes", () => {
  it("go as one statement on PostgreSQL and one by one on SQLite, each checked", async () => {
    t = await openTempDb();
    const counter = createStatementCounter();
    db = await openDatabase({ target: t.target, statementCounter: counter });
    await db.write((tx) => tx.office.create({ data: { id: "o", name: "x", shortName: "o", timeZone: "Asia/Makassar", flowHash: "f" } }));
    const before = counter.statements;
    await db.write((tx) => writeHeld(tx, onPostgres, [receipt("a"), receipt("b"), renameOffice("o")]));
    // Three writes; on SQLite also its BEGIN and COMMIT (PostgreSQL's BEGIN is the adapter's own).
    expect(counter.statements - before).toBe(onPostgres ? 1 + 1 : 3 + 2);
    expect(await db.prisma.inboundReceipt.count()).toBe(2);
    expect((await db.prisma.office.findUniqueOrThrow({ where: { id: "o" } })).name).toBe("Dinas");

    // A write that touches no row where it must touch one: its error, and nothing of the batch kept.
    await expect(db.write((tx) => writeHeld(tx, onPostgres, [receipt("c"), renameOffice("missing")]))).rejects.toThrow("office missing");
    expect(await db.prisma.inboundReceipt.count()).toBe(2);
  });
});
