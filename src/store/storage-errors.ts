// The one place that knows which driver errors mean "the storage is unavailable": SQLite locked
// (SQLITE_BUSY, "database is locked") or full (SQLITE_FULL, "database or disk is full"), the disk
// full for our own files (ENOSPC), and on PostgreSQL the server unreachable or out of resources
// (connection errors, class 08, 57P0x, 53100 disk_full, 53300 too many connections). Such errors
// leave the store as StorageUnavailableError (an engine type), so the channels can tell the sender
// clearly that their message was not recorded; everything else passes through unchanged.
//
// Apply it only to errors of the database or the file store: a network error of a chat platform
// carries the same codes (ECONNREFUSED …) and is no storage failure.
import { StorageUnavailableError, type StorageFault } from "../engine/storage-unavailable.ts";

export interface StorageFailure {
  fault: StorageFault;
  /** The code that decided it (driver, SQLSTATE, errno or Prisma code). */
  code: string;
}

const sqliteCodes: [RegExp, StorageFault][] = [
  [/^SQLITE_(BUSY|LOCKED)/, "busy"],
  [/^SQLITE_FULL$/, "full"],
];

/** Node errno codes: our own files, or the socket to the database server. */
const errnoCodes: Record<string, StorageFault> = {
  ENOSPC: "full",
  EDQUOT: "full",
  ECONNREFUSED: "unreachable",
  ECONNRESET: "unreachable",
  ENOTFOUND: "unreachable",
  ETIMEDOUT: "unreachable",
  EPIPE: "unreachable",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
};

/** PostgreSQL SQLSTATE codes. */
function sqlState(code: string): StorageFault | null {
  if (code === "53100") return "full"; // disk_full
  // out of memory / connections, lock not available
  if (code === "53200" || code === "53300" || code === "53400" || code === "55P03") return "busy";
  if (/^08[0-9A-Z]{3}$/.test(code)) return "unreachable"; // connection exception
  if (code === "57P01" || code === "57P02" || code === "57P03") return "unreachable"; // shut down, cannot connect now
  return null;
}

/** Prisma's own codes for the same conditions (the driver adapter's error kinds mapped). */
const prismaCodes: Record<string, StorageFault> = {
  P1001: "unreachable", // DatabaseNotReachable
  P1002: "unreachable", // reached but timed out
  P1017: "unreachable", // ConnectionClosed
  P2024: "busy", // timed out fetching a connection from the pool
  P2037: "busy", // TooManyConnections
};

const messagePatterns: [RegExp, StorageFault, string][] = [
  [/database (table )?is locked/i, "busy", "SQLITE_BUSY"],
  [/database or disk is full/i, "full", "SQLITE_FULL"],
  [/no space left on device|could not extend file/i, "full", "ENOSPC"],
  [/Connection terminated unexpectedly|Can't reach database server/i, "unreachable", "connection"],
  [/Unable to start a transaction in the given time/i, "busy", "transaction-wait"],
];

function own(error: object): StorageFailure | null {
  const e = error as {
    code?: unknown;
    originalCode?: unknown;
    kind?: unknown;
    message?: unknown;
    originalMessage?: unknown;
    meta?: { driverAdapterError?: { cause?: unknown } };
  };
  for (const code of [e.originalCode, e.code]) {
    if (typeof code !== "string") continue;
    for (const [pattern, fault] of sqliteCodes) if (pattern.test(code)) return { fault, code };
    const errno = errnoCodes[code];
    if (errno) return { fault: errno, code };
    const state = sqlState(code);
    if (state) return { fault: state, code };
  }
  // A SQLite busy error reaches Prisma as kind SocketTimeout (P1008); on PostgreSQL the same kind
  // is a socket timeout to the server. Decided by the driver cause below when there is one.
  if (e.kind === "DatabaseNotReachable" || e.kind === "ConnectionClosed") return { fault: "unreachable", code: e.kind };
  if (e.kind === "TooManyConnections") return { fault: "busy", code: e.kind };
  if (e.kind === "SocketTimeout") return { fault: "unreachable", code: e.kind };
  for (const text of [e.originalMessage, e.message]) {
    if (typeof text !== "string") continue;
    for (const [pattern, fault, code] of messagePatterns) if (pattern.test(text)) return { fault, code };
  }
  return null;
}

/** Classifies an error of the database or the file store; null when it is not a storage failure. */
export function classifyStorageError(error: unknown): StorageFailure | null {
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): StorageFailure | null => {
    if (!value || typeof value !== "object" || depth > 6 || seen.has(value)) return null;
    seen.add(value);
    if (value instanceof StorageUnavailableError) return { fault: value.fault, code: value.code };
    const e = value as { meta?: { driverAdapterError?: { cause?: unknown } }; cause?: unknown; errors?: unknown; code?: unknown };
    // The driver's own cause first: it is more precise than Prisma's summary code.
    const fromDriver = visit(e.meta?.driverAdapterError?.cause, depth + 1) ?? visit(e.meta?.driverAdapterError, depth + 1);
    if (fromDriver) return fromDriver;
    const direct = own(value);
    if (direct) return direct;
    if (typeof e.code === "string" && prismaCodes[e.code]) return { fault: prismaCodes[e.code]!, code: e.code };
    const nested = visit(e.cause, depth + 1);
    if (nested) return nested;
    for (const inner of Array.isArray(e.errors) ? (e.errors as unknown[]) : []) {
      const found = visit(inner, depth + 1);
      if (found) return found;
    }
    return null;
  };
  return visit(error, 0);
}

/** The error as it should leave the store: a StorageUnavailableError when it is one, else unchanged. */
export function toStorageError(error: unknown): unknown {
  if (error instanceof StorageUnavailableError) return error;
  const failure = classifyStorageError(error);
  return failure ? new StorageUnavailableError(failure.fault, failure.code, { cause: error }) : error;
}

/**
 * A unique key taken by another transaction: Prisma's P2002, the driver adapter's own error (a
 * statement sent to it directly, raw-statements.ts), or SQLite's or PostgreSQL's wording.
 */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string; cause?: { kind?: unknown } };
  if (e?.code === "P2002" || e?.cause?.kind === "UniqueConstraintViolation") return true;
  return /Unique constraint|UNIQUE constraint|duplicate key/i.test(e?.message ?? "");
}

type ChainLink = {
  name?: unknown;
  code?: unknown;
  originalCode?: unknown;
  message?: unknown;
  originalMessage?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: unknown } };
};

/** Whether `test` holds for the error or anything in its chain of causes (Prisma's, the driver adapter's). */
function inChain(error: unknown, test: (link: ChainLink) => boolean): boolean {
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): boolean => {
    if (!value || typeof value !== "object" || depth > 6 || seen.has(value)) return false;
    seen.add(value);
    const e = value as ChainLink;
    if (test(e)) return true;
    return visit(e.meta?.driverAdapterError?.cause, depth + 1) || visit(e.meta?.driverAdapterError, depth + 1) || visit(e.cause, depth + 1);
  };
  return visit(error, 0);
}

/**
 * PostgreSQL refused a prepared statement whose result columns changed under it: a migration (by
 * another instance, or `npm run db:migrate`) added or dropped a column of a table it reads with `*`.
 * The statement has to be prepared anew (pg-statement-names.ts), and the work can simply run again.
 */
export function isStalePlan(error: unknown): boolean {
  return inChain(
    error,
    (e) =>
      (e.code === "0A000" || e.originalCode === "0A000") &&
      [e.message, e.originalMessage].some((m) => typeof m === "string" && /cached plan must not change result type/i.test(m)),
  );
}

/**
 * A transaction that lost to a concurrent one and may simply run again on fresh data: a stale
 * version (ConcurrencyError), a unique key inserted meanwhile, a serialization failure or a deadlock;
 * or one that met a prepared statement gone stale (its next run prepares it anew).
 */
export function isWriteConflict(error: unknown): boolean {
  return (
    inChain(
      error,
      (e) =>
        e.name === "ConcurrencyError" ||
        isUniqueViolation(e) ||
        [e.code, e.originalCode].some((code) => code === "P2034" || code === "40001" || code === "40P01"),
    ) || isStalePlan(error)
  );
}
