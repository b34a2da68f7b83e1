import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { createMigrationFile } from "../../src/cli/db-new-migration.ts";
import { defaultMigrationsDir } from "../../src/store/database.ts";
import { MigrationError, migrateSqlite } from "../../src/store/migrator.ts";
import { tempDir } from "../helpers/temp-db.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function scratch(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}

function tables(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
}

describe("migrateSqlite", () => {
  it("applies the migrations folder once; the second run applies nothing", async () => {
    const file = path.join(scratch(), "a.db");
    const first = await migrateSqlite(file, defaultMigrationsDir);
    expect(first.applied.length).toBeGreaterThan(0);
    expect(tables(file)).toEqual(expect.arrayContaining(["Office", "Official", "ChatIdentity", "PositionHolding", "_prisma_migrations"]));
    const second = await migrateSqlite(file, defaultMigrationsDir);
    expect(second.applied).toEqual([]);
  });

  it("stops on a failing migration with its name and leaves the database as it was", async () => {
    const dir = scratch();
    const migrations = path.join(dir, "migrations");
    cpSync(defaultMigrationsDir, migrations, { recursive: true });
    const file = path.join(dir, "b.db");
    await migrateSqlite(file, migrations);
    const db = new Database(file);
    db.prepare(
      "INSERT INTO Office (id, name, shortName, timeZone, flowHash, updatedAt) VALUES ('x', 'X', 'X', 'Asia/Jakarta', 'h', 0)",
    ).run();
    db.close();
    const before = tables(file);

    mkdirSync(path.join(migrations, "99990101000000_broken"));
    writeFileSync(
      path.join(migrations, "99990101000000_broken", "migration.sql"),
      'CREATE TABLE "Half" ("id" TEXT NOT NULL PRIMARY KEY);\nALTER TABLE "Nope" ADD COLUMN "x" TEXT;\n',
    );
    const failure = await migrateSqlite(file, migrations).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as Error).message).toContain("99990101000000_broken");
    expect((failure as Error).message).toContain("nothing was changed");

    expect(tables(file)).toEqual(before);
    const check = new Database(file, { readonly: true });
    expect(check.prepare("SELECT id FROM Office").all()).toEqual([{ id: "x" }]);
    const rows = check.prepare("SELECT migration_name FROM _prisma_migrations").all() as { migration_name: string }[];
    expect(rows.map((r) => r.migration_name)).not.toContain("99990101000000_broken");
    check.close();

    // Once the migration is fixed, it applies.
    writeFileSync(
      path.join(migrations, "99990101000000_broken", "migration.sql"),
      'CREATE TABLE "Half" ("id" TEXT NOT NULL PRIMARY KEY);\n',
    );
    const fixed = await migrateSqlite(file, migrations);
    expect(fixed.applied).toEqual(["99990101000000_broken"]);
  });

  it("refuses a database written by a newer version", async () => {
    const dir = scratch();
    const migrations = path.join(dir, "migrations");
    cpSync(defaultMigrationsDir, migrations, { recursive: true });
    mkdirSync(path.join(migrations, "99990101000000_extra"));
    writeFileSync(
      path.join(migrations, "99990101000000_extra", "migration.sql"),
      'CREATE TABLE "Extra" ("id" TEXT NOT NULL PRIMARY KEY);\n',
    );
    const file = path.join(dir, "c.db");
    await migrateSqlite(file, migrations);
    await expect(migrateSqlite(file, defaultMigrationsDir)).rejects.toThrow(/newer version/);
  });
});

describe("createMigrationFile", () => {
  it("writes nothing when the schema matches the migrations", async () => {
    const dir = scratch();
    const migrations = path.join(dir, "migrations");
    cpSync(defaultMigrationsDir, migrations, { recursive: true });
    const created = await createMigrationFile({
      schemaPath: path.resolve("prisma/schema.prisma"),
      migrationsDir: migrations,
      name: "noop",
      now: new Date("2026-11-22T00:00:00Z"),
    });
    expect(created).toBeNull();
  });

  it("authors the SQL for a schema change, which then applies", async () => {
    const dir = scratch();
    const migrations = path.join(dir, "migrations");
    cpSync(defaultMigrationsDir, migrations, { recursive: true });
    const schemaPath = path.join(dir, "schema.prisma");
    const schema = readFileSync("prisma/schema.prisma", "utf8").replace(
      "  nip       String?\n",
      "  nip       String?\n  email     String?\n",
    );
    writeFileSync(schemaPath, schema);
    const created = await createMigrationFile({
      schemaPath,
      migrationsDir: migrations,
      name: "official_email",
      now: new Date("2099-01-02T03:04:05Z"),
    });
    expect(created?.folder).toMatch(/20990102030405_official_email$/);
    expect(created?.sql).toMatch(/ALTER TABLE "Official" ADD COLUMN "email" TEXT/);
    const file = path.join(dir, "d.db");
    const outcome = await migrateSqlite(file, migrations);
    expect(outcome.applied).toContain("20990102030405_official_email");
  });
});
