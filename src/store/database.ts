// Opens the database: applies migrations, connects Prisma through its driver adapter (better-sqlite3
// for a SQLite file, pg for PostgreSQL), and routes every write through the write gate.
//
// SQLite: one connection for writes, serialized by the in-process gate, its transactions opened with
// plain BEGIN IMMEDIATE/COMMIT statements (sqlite-transactions.ts); a second connection reads
// what is committed (WAL: readers never wait for the writer) without queueing behind the writes.
// PostgreSQL: several instances may share the database, and write transactions run in parallel
// (up to `postgresWriters` at once per instance, each on a pooled connection). No lock spans more
// than what a transaction touches: each case has its own audit chain, and a transaction that moved
// from a stale view of a case fails its version check (ConcurrencyError) and is run again by the
// engine store, so the first press wins and the second is told.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient, type Prisma } from "./generated/client.ts";
import { migratePostgres, migrateSqlite, type MigrationOutcome } from "./migrator.ts";
import { isStalePlan, toStorageError } from "./storage-errors.ts";
import { createWriteGate, type WriteGate } from "./write-gate.ts";
import { sqliteTransaction } from "./sqlite-transactions.ts";
import { countStatements, type StatementCounter } from "./statement-counter.ts";
import { withStatementCache, type StatementCacheStats } from "./statement-cache.ts";
import { executeText, onEachConnection, sendThroughAdapter } from "./raw-statements.ts";
import { handingOverTransactions, pgTransaction } from "./pg-transactions.ts";
import { createStatementNames } from "./pg-statement-names.ts";

export type Tx = Prisma.TransactionClient;

/** Where the data lives: a SQLite file, or a PostgreSQL database (for several instances). */
export type DbTarget = { provider: "sqlite"; file: string } | { provider: "postgres"; url: string };

export interface WriteOptions {
  timeoutMs?: number;
}

export interface Database {
  /** For reads. Writes must use `write`. */
  readonly prisma: PrismaClient;
  /**
   * For reads that must not queue behind writes (lists, statuses, reports): on SQLite a connection
   * of its own that sees only committed data; on PostgreSQL the same pool as `prisma`.
   */
  readonly reader: PrismaClient;
  /**
   * Runs `fn` in one transaction, after every write queued before it. When the storage is locked,
   * full or unreachable it rejects with StorageUnavailableError (nothing of `fn` is kept).
   */
  write<T>(fn: (tx: Tx) => Promise<T>, options?: WriteOptions): Promise<T>;
  /**
   * A small transaction that must not queue behind the case transactions (an incoming update held
   * before it is confirmed, the WhatsApp session's signal keys): on SQLite it goes first in the
   * write gate, right after the transaction that is running; on PostgreSQL it runs at once on a
   * pooled connection.
   */
  writeAside<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * One statement that needs no transaction around it (an outbox row marked sent, a held update
   * released), run on the writer in the write gate's order but without BEGIN/COMMIT: a statement on
   * its own is atomic. `first`: the urgent lane (see writeAside). On PostgreSQL it runs at once.
   */
  execute<T>(fn: (db: Tx) => Promise<T>, options?: { first?: boolean }): Promise<T>;
  /**
   * Runs `fn` on a read-only view of committed data, outside the write gate: on SQLite the reader
   * connection (query_only); on PostgreSQL a READ ONLY transaction (one consistent snapshot).
   */
  read<T>(fn: (view: Tx) => Promise<T>, options?: { snapshot?: boolean }): Promise<T>;
  readonly gate: WriteGate;
  readonly provider: DbTarget["provider"];
  /** The SQLite file, or the PostgreSQL URL without its password. */
  readonly location: string;
  readonly migration: MigrationOutcome;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A SQLite file (shorthand for `target: { provider: "sqlite", file }`). */
  file?: string;
  target?: DbTarget;
  migrationsDir?: string;
  /** Longest a transaction may stay open; keep transactions short and free of network I/O. */
  transactionTimeoutMs?: number;
  /**
   * PostgreSQL: longest a read-only view (`read`) may stay open. A report or an export of 10,000 cases
   * reads page by page, letting presses run in between, for longer than any write may take.
   */
  readTimeoutMs?: number;
  /** PostgreSQL: write transactions one instance runs at once (the pool keeps two connections more for reads). */
  postgresWriters?: number;
  /** Benchmarks: counts the statements sent (writes and reads). */
  statementCounter?: StatementCounter;
  /** SQLite: counts prepared and reused statements (tests of the statement cache). */
  statementCache?: StatementCacheStats;
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const defaultMigrationsDir = path.resolve(here, "../../prisma/migrations");
export const defaultPostgresMigrationsDir = path.resolve(here, "../../prisma/postgres/migrations");

/** The PostgreSQL URL with its password replaced, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres://…";
  }
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const target: DbTarget = options.target ?? { provider: "sqlite", file: options.file ?? "" };
  let prisma: PrismaClient;
  let reader: PrismaClient;
  let migration: MigrationOutcome;
  let location: string;
  /** Sees every error of the database before it leaves (PostgreSQL: renews prepared statements gone stale). */
  let noticeError: (error: unknown) => void = () => undefined;
  if (target.provider === "sqlite") {
    const file = path.resolve(target.file);
    mkdirSync(path.dirname(file), { recursive: true });
    migration = await migrateSqlite(file, options.migrationsDir ?? defaultMigrationsDir);
    // Each client's connection also takes the hot path's raw statements directly (raw-statements.ts).
    const connection = (client: () => PrismaClient) => {
      const cached = withStatementCache(new PrismaBetterSqlite3({ url: file }), options.statementCache);
      const counted = options.statementCounter ? countStatements(cached, options.statementCounter) : cached;
      return onEachConnection(counted, (adapter) => {
        sendThroughAdapter(client(), adapter);
        return adapter;
      });
    };
    prisma = new PrismaClient({ adapter: connection(() => prisma) });
    await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await prisma.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
    await prisma.$executeRawUnsafe("PRAGMA foreign_keys = ON");
    await prisma.$queryRawUnsafe("PRAGMA busy_timeout = 5000");
    reader = new PrismaClient({ adapter: connection(() => reader) });
    // A WAL reader waits for no lock but a checkpoint's brief one; better-sqlite3 waits synchronously,
    // so keep that short.
    await reader.$queryRawUnsafe("PRAGMA busy_timeout = 200");
    await reader.$executeRawUnsafe("PRAGMA query_only = ON");
    location = file;
  } else {
    migration = await migratePostgres(target.url, options.migrationsDir ?? defaultPostgresMigrationsDir);
    // The two generated clients have the same models (test/store/schema-parity.test.ts); the
    // PostgreSQL one is used through the SQLite one's type so that every store module serves both.
    // Loaded only for PostgreSQL (each generated client costs resident memory).
    const { PrismaPg } = await import("@prisma/adapter-pg");
    const { PrismaClient: PgPrismaClient } = await import("./generated-pg/client.ts");
    const writers = options.postgresWriters ?? 8;
    // Recurring statements are prepared once per connection (pg-statement-names.ts). The adapter's type
    // says string, but it passes the name to node-postgres as is, where undefined means unnamed.
    const names = createStatementNames();
    noticeError = (error) => {
      if (isStalePlan(error)) names.renew();
    };
    const pool = new PrismaPg(
      { connectionString: target.url, max: writers + 2 },
      { statementNameGenerator: (query) => names.nameOf(query) as string },
    );
    const counted = options.statementCounter ? countStatements(pool, options.statementCounter) : pool;
    // Raw statements outside a transaction go to the pool; in one, to its connection (pg-transactions.ts).
    const adapter = onEachConnection(counted, (connected) => {
      sendThroughAdapter(prisma, connected, "postgres");
      return handingOverTransactions(connected);
    });
    prisma = new PgPrismaClient({ adapter }) as unknown as PrismaClient;
    reader = prisma;
    location = redactUrl(target.url);
  }
  const pooled = target.provider === "postgres";
  const gate = createWriteGate(pooled ? (options.postgresWriters ?? 8) : 1);
  const timeout = options.transactionTimeoutMs ?? 10_000;
  const readTimeout = options.readTimeoutMs ?? 5 * 60_000;
  let closed = false;
  const fail = (error: unknown): never => {
    noticeError(error);
    throw toStorageError(error);
  };
  return {
    prisma,
    reader,
    gate,
    provider: target.provider,
    location,
    migration,
    write: (fn, writeOptions) => {
      if (closed) return Promise.reject(new Error("The database is closed."));
      const limit = writeOptions?.timeoutMs ?? timeout;
      return gate
        .run(() => (pooled ? pgTransaction(prisma, fn, { timeout: limit, maxWait: limit }) : sqliteTransaction(prisma, fn, limit)))
        .catch(fail);
    },
    read: (fn, readOptions) => {
      if (closed) return Promise.reject(new Error("The database is closed."));
      const view =
        pooled && readOptions?.snapshot !== false
          ? pgTransaction(
              reader,
              async (tx) => {
                await executeText(tx, "SET TRANSACTION READ ONLY");
                return fn(tx);
              },
              { timeout: readTimeout, maxWait: timeout },
            )
          : fn(reader);
      return view.catch(fail);
    },
    execute: (fn, executeOptions) => {
      if (closed) return Promise.reject(new Error("The database is closed."));
      const run = () => fn(prisma as unknown as Tx);
      return (pooled ? run() : gate.run(run, executeOptions)).catch(fail);
    },
    writeAside: (fn) => {
      if (closed) return Promise.reject(new Error("The database is closed."));
      const transaction = () =>
        pooled ? pgTransaction(prisma, fn, { timeout, maxWait: timeout }) : sqliteTransaction(prisma, fn, timeout);
      return (pooled ? transaction() : gate.run(transaction, { first: true })).catch(fail);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await gate.drain();
      if (reader !== prisma) await reader.$disconnect();
      await prisma.$disconnect();
    },
  };
}
