// SQLite statements are prepared once and reused (the adapter would prepare every query anew), with
// the same results: different arguments to one cached statement, reads and writes, inside and
// outside transactions.
import { rmSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/store/database.ts";
import type { StatementCacheStats } from "../../src/store/statement-cache.ts";
import { tempDir } from "../helpers/temp-db.ts";

let db: Database | undefined;
let dir = "";
afterEach(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const office = (id: string) => ({ id, name: `Office ${id}`, shortName: id, timeZone: "Asia/Makassar", flowHash: "x" });

describe("the statement cache (SQLite)", () => {
  it("reuses a prepared statement with other arguments and gives the same results", async () => {
    dir = tempDir();
    const stats: StatementCacheStats = { prepared: 0, reused: 0 };
    db = await openDatabase({ file: path.join(dir, "cache.db"), statementCache: stats });
    for (const id of ["a", "b", "c"]) await db.write((tx) => tx.office.create({ data: office(id) }));
    const before = { ...stats };
    const names: string[] = [];
    for (const id of ["a", "b", "c", "zz"]) names.push((await db.prisma.office.findUnique({ where: { id } }))?.name ?? "-");
    expect(names).toEqual(["Office a", "Office b", "Office c", "-"]);
    // The same lookup four times: prepared at most once, then reused.
    expect(stats.prepared - before.prepared).toBeLessThanOrEqual(1);
    expect(stats.reused - before.reused).toBeGreaterThanOrEqual(3);
    // Writes through a cached statement, and a rolled-back transaction keeps nothing.
    await db.write((tx) => tx.office.update({ where: { id: "a" }, data: { name: "A" } }));
    await expect(
      db.write(async (tx) => {
        await tx.office.update({ where: { id: "b" }, data: { name: "B" } });
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    expect((await db.prisma.office.findMany({ orderBy: { id: "asc" } })).map((o) => o.name)).toEqual(["A", "Office b", "Office c"]);
  });
});
