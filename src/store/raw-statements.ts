// Sends the hot path's raw statements straight to Prisma's driver adapter, on the connection or the
// transaction the Prisma client itself holds, instead of through the client's $queryRaw: the client
// plans and serializes every raw request anew, about 35–50 µs a statement, where the SQLite adapter
// answers a prepared statement in about 6 µs (bench/press-cost.ts shows the statements per press and
// their cost). On SQLite the client's connection is registered (its transactions are plain
// BEGIN/COMMIT statements on it, sqlite-transactions.ts); on PostgreSQL each transaction the client
// opens is (pg-transactions.ts). Results are converted as the client converts them (dates as Date,
// 64-bit integers as bigint, booleans as boolean); test/store/raw-statements.test.ts compares the two
// paths row by row on both dialects. A client or transaction not registered here: its $queryRaw.
import type {
  ArgType,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  SqlQueryable,
  SqlResultSet,
} from "@prisma/driver-adapter-utils";
import type { Tx } from "./database.ts";
import { Prisma } from "./generated/client.ts";
import type { Sql } from "./sql.ts";

/** The adapter connection or transaction behind each registered client, and its placeholders. */
const adapters = new WeakMap<object, { queryable: SqlQueryable; numbered: boolean }>();

/**
 * From now on, raw statements given `client` (a client, or a transaction's client) go to `queryable`,
 * the connection or transaction it uses. `provider`: PostgreSQL numbers its placeholders ($1, $2 …).
 */
export function sendThroughAdapter(client: object, queryable: SqlQueryable, provider: "sqlite" | "postgres" = "sqlite"): void {
  adapters.set(client, { queryable, numbered: provider === "postgres" });
}

// Column types of @prisma/driver-adapter-utils (ColumnTypeEnum), the ones converted here.
const INT64 = 1;
const NUMERIC = 4;
const BOOLEAN = 5;
const DATETIME = 10;
const BYTES = 13;

const datetimeArg: ArgType = { scalarType: "datetime", arity: "scalar" };
const otherArg: ArgType = { scalarType: "unknown", arity: "scalar" };

/** A value as the client would hand it to the adapter. */
function argument(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (value !== null && typeof value === "object" && !(value instanceof Date) && !Buffer.isBuffer(value)) return JSON.stringify(value);
  return value;
}

function toQuery(statement: Sql, numbered: boolean): SqlQuery {
  const values = statement.values;
  const args = new Array<unknown>(values.length);
  const argTypes = new Array<ArgType>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    args[i] = argument(value);
    argTypes[i] = value instanceof Date ? datetimeArg : otherArg;
  }
  return { sql: numbered ? statement.text : statement.sql, args, argTypes };
}

function convert(type: number | undefined, value: unknown): unknown {
  if (value === null) return null;
  switch (type) {
    case INT64:
      return typeof value === "bigint" ? value : BigInt(value as number | string);
    case NUMERIC:
      return new Prisma.Decimal(value as string | number);
    case BOOLEAN:
      return typeof value === "boolean" ? value : Boolean(Number(value));
    case DATETIME:
      return new Date(value as string | number);
    case BYTES:
      return value instanceof Uint8Array ? new Uint8Array(value) : value;
    default:
      return value;
  }
}

function toObjects<T>(result: SqlResultSet): T[] {
  const { columnNames, columnTypes, rows } = result;
  const out = new Array<T>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const object: Record<string, unknown> = {};
    for (let c = 0; c < columnNames.length; c++) object[columnNames[c]!] = convert(columnTypes[c], row[c]);
    out[r] = object as T;
  }
  return out;
}

/** The rows a statement returns (a SELECT, or a write with RETURNING). */
export async function queryRows<T>(tx: Tx, statement: Sql): Promise<T[]> {
  const adapter = adapters.get(tx);
  if (!adapter) return tx.$queryRaw<T[]>(statement);
  return toObjects<T>(await adapter.queryable.queryRaw(toQuery(statement, adapter.numbered)));
}

/** Runs a write and returns the number of rows it touched. */
export async function executeStatement(tx: Tx, statement: Sql): Promise<number> {
  const adapter = adapters.get(tx);
  if (!adapter) return tx.$executeRaw(statement);
  return adapter.queryable.executeRaw(toQuery(statement, adapter.numbered));
}

/** A statement without parameters (BEGIN, COMMIT, a PRAGMA), by either path. */
export async function executeText(tx: Tx, text: string): Promise<number> {
  const adapter = adapters.get(tx);
  if (!adapter) return tx.$executeRawUnsafe(text);
  return adapter.queryable.executeRaw({ sql: text, args: [], argTypes: [] });
}

/** The factory, handing each connection it makes to `onConnect`, which returns the one the client gets. */
export function onEachConnection(
  factory: SqlDriverAdapterFactory,
  onConnect: (adapter: SqlDriverAdapter) => SqlDriverAdapter,
): SqlDriverAdapterFactory {
  return new Proxy(factory, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (key === "connect")
        return async () => {
          return onConnect(await (value as () => Promise<SqlDriverAdapter>).call(target));
        };
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
