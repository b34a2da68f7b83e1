// The two schemas (SQLite, PostgreSQL) stay identical in models, and each dialect's migrations
// produce exactly its schema file. A drift in either fails here.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pendingSchemaChange } from "../../src/cli/db-new-migration.ts";
import { modelsOf, schemaDrift } from "../../src/store/schema-parity.ts";
import { onPostgres, serverUrl } from "../helpers/test-database.ts";

const sqliteSchema = path.resolve("prisma/schema.prisma");
const postgresSchema = path.resolve("prisma/postgres/schema.prisma");

describe("schema parity", () => {
  it("has the same models in the SQLite and the PostgreSQL schema", () => {
    expect(schemaDrift(sqliteSchema, postgresSchema)).toEqual([]);
    expect(modelsOf(readFileSync(sqliteSchema, "utf8")).size).toBeGreaterThan(20);
  });

  it("names the model and the field when one schema drifts", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sopbot-drift-"));
    try {
      const drifted = path.join(dir, "schema.prisma");
      const text = readFileSync(postgresSchema, "utf8")
        .replace(/(model Lease \{[^}]*?holder\s+)String/, "$1Int")
        .replace(/\n(model StoredFile \{)/, "\nmodel Extra {\n  id Int @id\n}\n\n$1");
      writeFileSync(drifted, text);
      const problems = schemaDrift(sqliteSchema, drifted);
      expect(problems).toContainEqual(
        expect.stringMatching(/^model Lease differs: SQLite has "holder String"; PostgreSQL has "holder Int"/),
      );
      expect(problems).toContainEqual(expect.stringMatching(/^model Extra is in .* but not in /));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("builds the SQLite schema exactly from prisma/migrations", async () => {
    expect(
      await pendingSchemaChange({
        schemaPath: sqliteSchema,
        migrationsDir: path.resolve("prisma/migrations"),
        engine: { provider: "sqlite", file: ":memory:" },
      }),
    ).toBe("");
  });

  it("notices a migration that is missing", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sopbot-drift-"));
    try {
      cpSync(path.resolve("prisma/migrations"), dir, { recursive: true });
      // The newest migration is removed: the schema file is then ahead, and the change names its table.
      const newest =
        readdirSync(dir)
          .filter((n) => /^\d{14}_/.test(n))
          .sort()
          .at(-1) ?? "";
      const table =
        /(?:(?:CREATE|ALTER) TABLE|CREATE (?:UNIQUE )?INDEX "\w+" ON) "(?:new_)?(\w+)"/.exec(
          readFileSync(path.join(dir, newest, "migration.sql"), "utf8"),
        )?.[1] ?? "?";
      rmSync(path.join(dir, newest), { recursive: true });
      const change = await pendingSchemaChange({
        schemaPath: sqliteSchema,
        migrationsDir: dir,
        engine: { provider: "sqlite", file: ":memory:" },
      });
      expect(change).toContain(`"${table}"`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!onPostgres)("builds the PostgreSQL schema exactly from prisma/postgres/migrations", async () => {
    expect(
      await pendingSchemaChange({
        schemaPath: postgresSchema,
        migrationsDir: path.resolve("prisma/postgres/migrations"),
        engine: { provider: "postgres", url: serverUrl! },
      }),
    ).toBe("");
  });
});
