// SQLite write transactions opened with BEGIN IMMEDIATE/COMMIT through the client (not Prisma's
// interactive transactions): all or nothing, Prisma's own nested transactions become savepoints, and
// a transaction past its limit is rolled back. On PostgreSQL the write path keeps Prisma's interactive
// transactions; these checks run there too and must hold the same.
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/store/database.ts";
import { TransactionTimeoutError } from "../../src/store/sqlite-transactions.ts";
import { openTempDb, type TempDb } from "../helpers/temp-db.ts";
import { onPostgres } from "../helpers/test-database.ts";

let t: TempDb | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const office = (id: string) => ({ id, name: `Office ${id}`, shortName: id, timeZone: "Asia/Makassar", flowHash: "x" });
const position = (officeId: string, key: string) => ({
  id: `${officeId}/${key}`,
  key,
  title: key,
  unitKey: "u",
  superiorKey: null,
  kind: "structural",
  sortOrder: 1,
});

describe("write transactions", () => {
  it("keep everything a write did, or nothing of it when it throws", async () => {
    t = await openTempDb();
    const { db } = t;
    await db.write(async (tx) => {
      await tx.office.create({ data: office("a") });
      await tx.$executeRaw`UPDATE "Office" SET "name" = ${"Dinas A"} WHERE "id" = ${"a"}`;
    });
    await expect(
      db.write(async (tx) => {
        await tx.office.create({ data: office("b") });
        await tx.$executeRaw`UPDATE "Office" SET "name" = ${"changed"} WHERE "id" = ${"a"}`;
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const rows = await db.prisma.office.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((o) => [o.id, o.name])).toEqual([["a", "Dinas A"]]);
  });

  it("run a nested write of Prisma's (its own transaction) inside one, and undo it with the rest", async () => {
    t = await openTempDb();
    const { db } = t;
    // A create with nested rows is a transaction of Prisma's own: inside ours it becomes a savepoint.
    await db.write((tx) => tx.office.create({ data: { ...office("a"), positions: { create: [position("a", "kadis")] } } }));
    await expect(
      db.write(async (tx) => {
        await tx.office.create({ data: { ...office("b"), positions: { create: [position("b", "kadis"), position("b", "sek")] } } });
        expect(await tx.position.count({ where: { officeId: "b" } })).toBe(2);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect((await db.prisma.position.findMany()).map((p) => p.id)).toEqual(["a/kadis"]);
  });

  // (On PostgreSQL a failed statement aborts the whole transaction: nothing of it can go on.)
  it.skipIf(onPostgres)("undo a nested write that fails alone, while the transaction around it goes on", async () => {
    t = await openTempDb();
    const { db } = t;
    await db.write((tx) => tx.office.create({ data: office("a") }));
    await db.write(async (tx) => {
      await tx.office.create({ data: office("c") });
      await expect(
        tx.office.create({ data: { ...office("d"), positions: { create: [position("d", "x"), position("d", "x")] } } }),
      ).rejects.toThrow();
    });
    expect((await db.prisma.office.findMany({ orderBy: { id: "asc" } })).map((o) => o.id)).toEqual(["a", "c"]);
  });

  it.skipIf(onPostgres)("roll back a transaction that ran past its limit, and leave the connection usable", async () => {
    t = await openTempDb();
    const db = await openDatabase({ target: t.target, transactionTimeoutMs: 50 });
    try {
      await expect(
        db.write(async (tx) => {
          await tx.office.create({ data: office("slow") });
          await new Promise((resolve) => setTimeout(resolve, 80));
        }),
      ).rejects.toBeInstanceOf(TransactionTimeoutError);
      await db.write((tx) => tx.office.create({ data: office("quick") }));
      expect((await db.prisma.office.findMany()).map((o) => o.id)).toEqual(["quick"]);
    } finally {
      await db.close();
    }
  });
});
