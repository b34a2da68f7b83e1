// Opens the SQLite database: applies migrations, connects Prisma through the better-sqlite3
// adapter, sets the connection's pragmas, and routes every write through the write gate.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient, type Prisma } from "./generated/client.ts";
import { migrateSqlite, type MigrationOutcome } from "./migrator.ts";
import { createWriteGate, type WriteGate } from "./write-gate.ts";

export type Tx = Prisma.TransactionClient;

export interface Database {
  /** For reads. Writes must use `write`. */
  readonly prisma: PrismaClient;
  /** Runs `fn` in one transaction, after every write queued before it. */
  write<T>(fn: (tx: Tx) => Promise<T>, options?: { timeoutMs?: number }): Promise<T>;
  readonly gate: WriteGate;
  readonly file: string;
  readonly migration: MigrationOutcome;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  file: string;
  migrationsDir?: string;
  /** Longest a transaction may stay open; keep transactions short and free of network I/O. */
  transactionTimeoutMs?: number;
}

export const defaultMigrationsDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../prisma/migrations");

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const file = path.resolve(options.file);
  mkdirSync(path.dirname(file), { recursive: true });
  const migration = await migrateSqlite(file, options.migrationsDir ?? defaultMigrationsDir);
  const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: file }) });
  await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await prisma.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  await prisma.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  await prisma.$queryRawUnsafe("PRAGMA busy_timeout = 5000");
  const gate = createWriteGate();
  const timeout = options.transactionTimeoutMs ?? 10_000;
  let closed = false;
  return {
    prisma,
    gate,
    file,
    migration,
    write: (fn, writeOptions) => {
      if (closed) return Promise.reject(new Error("The database is closed."));
      const limit = writeOptions?.timeoutMs ?? timeout;
      return gate.run(() => prisma.$transaction((tx) => fn(tx), { timeout: limit, maxWait: limit }));
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await gate.drain();
      await prisma.$disconnect();
    },
  };
}
