// Checks that the schemas have not drifted: the SQLite and PostgreSQL schema files describe the
// same models, and each dialect's migrations produce exactly its schema file.
// PostgreSQL's migrations are checked when TEST_DATABASE_URL names a server (its shadow database
// is made there): `node scripts/postgres-server.mjs npm run db:check` starts a throw-away one.
// Usage: npm run db:check
import path from "node:path";
import { schemaDrift } from "../store/schema-parity.ts";
import { pendingSchemaChange } from "./db-new-migration.ts";

async function main(): Promise<number> {
  const sqliteSchema = path.resolve("prisma/schema.prisma");
  const postgresSchema = path.resolve("prisma/postgres/schema.prisma");
  const problems = schemaDrift(sqliteSchema, postgresSchema);
  const sqliteChange = await pendingSchemaChange({
    schemaPath: sqliteSchema,
    migrationsDir: path.resolve("prisma/migrations"),
    engine: { provider: "sqlite", file: ":memory:" },
  });
  if (sqliteChange)
    problems.push(
      `prisma/migrations do not produce prisma/schema.prisma; missing:\n${sqliteChange}\n(run npm run db:new-migration -- <name>)`,
    );
  const server = process.env.TEST_DATABASE_URL;
  if (server) {
    const pgChange = await pendingSchemaChange({
      schemaPath: postgresSchema,
      migrationsDir: path.resolve("prisma/postgres/migrations"),
      engine: { provider: "postgres", url: server },
    });
    if (pgChange) problems.push(`prisma/postgres/migrations do not produce prisma/postgres/schema.prisma; missing:\n${pgChange}`);
  }
  if (problems.length > 0) {
    console.error(`Schema drift:\n- ${problems.join("\n- ")}`);
    return 1;
  }
  console.log(
    `Schemas agree: same models in both; migrations match ` +
      `(SQLite${server ? ", PostgreSQL" : "; PostgreSQL not checked: no TEST_DATABASE_URL"}).`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
