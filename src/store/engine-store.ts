// The case engine's ports on Prisma (EngineStore). A transaction's ports are assembled from the
// modules by concern: cases and steps (engine-tx-cases.ts), people (engine-tx-people.ts) and
// messages (engine-tx-messages.ts). Reads that change nothing run outside the write path.
import type { EngineStore, EngineTx } from "../engine/case-ports.ts";
import { createAuditAppender } from "./audit-chain.ts";
import type { Database, Tx } from "./database.ts";
import { casePorts } from "./engine-tx-cases.ts";
import { historyPorts } from "./engine-tx-history.ts";
import { messagePorts } from "./engine-tx-messages.ts";
import { createDirectoryCache, type DirectoryCache } from "./directory-cache.ts";
import { directoryPorts } from "./engine-tx-directory.ts";
import { directoryView, peoplePorts } from "./engine-tx-people.ts";
import { isWriteConflict } from "./storage-errors.ts";
import { writeHeld } from "./write-batch.ts";

/** A transaction's ports, and `flush`, which writes what they buffered (called before commit). */
function createTx(tx: Tx, cache: DirectoryCache, postgres: boolean): { ports: EngineTx; flush(): Promise<void> } {
  const audit = createAuditAppender(tx);
  const directory = directoryView(tx, cache);
  const cases = casePorts(tx, audit, directory);
  const messages = messagePorts(tx, directory);
  /** Writes everything held back: at the end of the transaction, and before a read of many rows. */
  // On PostgreSQL all of it in one statement (write-batch.ts). Each case's changes go with its audit
  // chain's new head, conditional on both as this transaction read them: the transaction's check
  // against a concurrent one. Then the changes of cases that had no audit event.
  const settle = () =>
    writeHeld(tx, postgres, [...cases.heldWrites(), ...messages.heldWrites(), ...audit.heldWrites(cases.caseWrite), ...cases.caseWrites()]);
  // Object.assign, not one spread of all five: V8 builds a spread of objects this large property by
  // property through new hidden classes, about 85 KB of garbage per transaction (14× this).
  const ports: EngineTx = Object.assign(
    {},
    cases.ports,
    historyPorts(tx, settle),
    peoplePorts(tx, directory),
    directoryPorts(tx, directory),
    messages.ports,
  );
  return { ports, flush: settle };
}

/** Runs of a transaction that lost to a concurrent one on the same rows (PostgreSQL) before giving up. */
const conflictAttempts = 5;

export function createEngineStore(db: Database): EngineStore {
  // One per store: the directory as of its last version, shared by the store's transactions.
  const cache = createDirectoryCache();
  return {
    // A transaction that worked from a view another one changed meanwhile runs again on fresh data:
    // the second of two presses on one case then finds the step decided and says so.
    async transaction(fn) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.write(async (tx) => {
            const { ports, flush } = createTx(tx, cache, db.provider === "postgres");
            const result = await fn(ports);
            await flush();
            return result;
          });
        } catch (error) {
          if (attempt >= conflictAttempts || !isWriteConflict(error)) throw error;
        }
      }
    },
    read: (fn, options) => db.read((view) => fn(createTx(view, cache, db.provider === "postgres").ports), options),
  };
}
