// The hot path's hand-built SQL (src/store/sql.ts): INSERTs of several rows in the text both dialects
// read, with every value a parameter, in parts of at most 500 rows, and none for no rows.
import { describe, expect, it } from "vitest";
import { insertStatements, onConflictUpdate, sql } from "../../src/store/sql.ts";

interface Row {
  id: string;
  n: number | null;
  at?: Date;
}
const columns = ["id", "n", "at"] as const;

describe("insertStatements", () => {
  it("writes the rows' values as parameters, a missing one as null, with the suffix after them", () => {
    const at = new Date("2026-03-16T00:00:00Z");
    const [statement, ...more] = insertStatements<Row>(
      "T",
      columns,
      [
        { id: "a", n: 1, at },
        { id: "b", n: null },
      ],
      onConflictUpdate(["id"], ["n"]),
    );
    expect(more).toEqual([]);
    expect(statement?.sql).toBe(
      'INSERT INTO "T" ("id", "n", "at") VALUES (?, ?, ?), (?, ?, ?) ON CONFLICT ("id") DO UPDATE SET "n" = excluded."n"',
    );
    expect(statement?.text).toBe(
      'INSERT INTO "T" ("id", "n", "at") VALUES ($1, $2, $3), ($4, $5, $6) ON CONFLICT ("id") DO UPDATE SET "n" = excluded."n"',
    );
    expect(statement?.values).toEqual(["a", 1, at, "b", null, null]);
  });

  it("takes a suffix with parameters of its own", () => {
    const [statement] = insertStatements<Row>("T", ["id"], [{ id: "a", n: 0 }], sql`WHERE "x" = ${7}`);
    expect(statement?.sql).toBe('INSERT INTO "T" ("id") VALUES (?) WHERE "x" = ?');
    expect(statement?.values).toEqual(["a", 7]);
  });

  it("goes in parts of 500 rows, and writes nothing for no rows", () => {
    const rows = Array.from({ length: 1001 }, (_, i) => ({ id: `r${i}`, n: i }));
    const statements = insertStatements<Row>("T", ["id", "n"], rows);
    expect(statements.map((s) => s.values.length)).toEqual([1000, 1000, 2]);
    expect(statements[2]?.sql).toBe('INSERT INTO "T" ("id", "n") VALUES (?, ?) ');
    expect(statements.flatMap((s) => s.values).filter((v, i) => i % 2 === 0)).toEqual(rows.map((r) => r.id));
    expect(insertStatements<Row>("T", columns, [])).toEqual([]);
  });
});
