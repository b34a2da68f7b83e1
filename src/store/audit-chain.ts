// The audit trail's hash chains. Each case keeps its own chain: an event's hash covers its fields,
// its place (chain, seq) and the previous event's hash, and the case row holds the chain's head.
// Events of no case form the chain "umum", whose head is an AuditChain row. No lock spans more than
// one case, so transitions of different cases commit in parallel; appending to one chain is a
// conditional update of its head, so two transactions on one case cannot both extend it.
//
// Periodically (each scheduler tick) a seal records the heads that moved since the seal before it,
// chained seal to seal. audit:verify checks every chain against its head and every sealed head
// against its chain, so an edited, removed, reordered or inserted event is found, and so is a case
// removed with all its events once a seal has covered it.
//
// Each seal is also keyed: an HMAC of its hash under a secret derived from the server key, which the
// database does not hold. Whoever can write the database can recompute every hash, but not the MAC,
// so a rewrite shows in audit:verify when it runs with the key. The latest seal's hash goes to the
// Kepala Dinas and the admins each working day (seal-digest.ts), so a rewrite also contradicts what
// they already hold, key or no key.
//
// Events written before chains were kept per case (chain null) form the old single chain, headed
// by AuditHead, and are verified as before.
import { createHash, createHmac } from "node:crypto";
import { ConcurrencyError } from "../engine/case-ports.ts";
import type { Database, Tx } from "./database.ts";
import { executeStatement, queryRows } from "./raw-statements.ts";
import { ident, insertStatements, join, one, sql } from "./sql.ts";
import { unchecked, writeHeld, type HeldWrite } from "./write-batch.ts";

export const genesisHash = "0".repeat(64);
/** The chain of the events that belong to no case. */
export const generalChain = "umum";

export interface AuditFields {
  at: Date;
  caseId: string | null;
  stepId: string | null;
  actorOfficialId: string | null;
  actorLabel: string;
  actingAs: string | null;
  action: string;
  note: string | null;
  flowHash: string | null;
}

const sha256 = (...parts: string[]) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\n");
  return h.digest("hex");
};

const content = (e: AuditFields) => [
  e.at.toISOString(),
  e.caseId,
  e.stepId,
  e.actorOfficialId,
  e.actorLabel,
  e.actingAs,
  e.action,
  e.note,
  e.flowHash,
];

/** The hash of an event of the old single chain (its database id was part of it). */
export function legacyAuditHash(prevHash: string, e: AuditFields & { id: number }): string {
  return createHash("sha256")
    .update(prevHash)
    .update("\n")
    .update(JSON.stringify([e.id, ...content(e)]))
    .digest("hex");
}

/** The hash of an event at place `seq` of `chain`. */
export function auditHash(prevHash: string, chain: string, seq: number, e: AuditFields): string {
  return sha256(prevHash, JSON.stringify([chain, seq, ...content(e)]));
}

const eventColumns = [
  "at",
  "caseId",
  "stepId",
  "actorOfficialId",
  "actorLabel",
  "actingAs",
  "action",
  "note",
  "flowHash",
  "chain",
  "seq",
  "prevHash",
  "hash",
] as const;

export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * Appends audit events inside one transaction. `known` may be told a case's head when the case row
 * was read anyway (it saves a statement); it is kept current as events are appended. The events are
 * written by `flush` at the end of the transaction: all of them in one statement, and each chain's
 * head moved once, from where this transaction first saw it.
 */
export function createAuditAppender(tx: Tx) {
  const heads = new Map<string, ChainHead>();
  /** Each chain's head as this transaction first saw it (the condition of its final update). */
  const base = new Map<string, ChainHead>();
  const pending: (AuditFields & { chain: string; seq: number; prevHash: string; hash: string })[] = [];
  async function headOf(chain: string, isCase: boolean): Promise<ChainHead> {
    const cached = heads.get(chain);
    if (cached) return cached;
    const row = isCase
      ? await one<ChainHead>(tx, sql`SELECT "auditSeq" AS "seq", "auditHash" AS "hash" FROM "Case" WHERE "id" = ${chain}`)
      : await one<ChainHead>(tx, sql`SELECT "seq", "hash" FROM "AuditChain" WHERE "key" = ${chain}`);
    return row ?? { seq: 0, hash: "" };
  }
  return {
    known(caseId: string, head: ChainHead) {
      if (!heads.has(caseId)) heads.set(caseId, head);
    },
    async append(e: AuditFields): Promise<void> {
      const chain = e.caseId ?? generalChain;
      const head = await headOf(chain, e.caseId !== null);
      if (!base.has(chain)) base.set(chain, head);
      const seq = head.seq + 1;
      const prevHash = head.hash || genesisHash;
      const hash = auditHash(prevHash, chain, seq, e);
      pending.push({ ...e, chain, seq, prevHash, hash });
      heads.set(chain, { seq, hash });
    },
    /**
     * The appended events and their chains' head moves, as writes (handed over: no longer pending).
     * A head moves only from where this transaction saw it: another transaction that extended the
     * chain meanwhile makes this one fail and run again (a ConcurrencyError). `withCase` may give a
     * case chain's move together with the case's own held changes (null when it holds none).
     */
    heldWrites(withCase?: (caseId: string, head: { from: ChainHead; to: ChainHead }) => HeldWrite | null): HeldWrite[] {
      if (pending.length === 0) return [];
      const events = pending.splice(0);
      const writes = unchecked(insertStatements("AuditEvent", eventColumns, events));
      for (const chain of new Set(events.map((e) => e.chain))) {
        const from = base.get(chain) ?? { seq: 0, hash: "" };
        const to = heads.get(chain) ?? from;
        base.set(chain, to);
        if (chain !== generalChain) {
          const merged = withCase?.(chain, { from, to });
          writes.push(
            merged ?? {
              sql: sql`UPDATE "Case" SET "auditSeq" = ${to.seq}, "auditHash" = ${to.hash}
                WHERE "id" = ${chain} AND "auditSeq" = ${from.seq}`,
              expect: { rows: 1, error: () => new ConcurrencyError(`audit chain of case ${chain}`) },
            },
          );
        } else if (from.seq === 0) {
          writes.push({
            sql: sql`INSERT INTO "AuditChain" ("key", "seq", "hash", "sealedSeq") VALUES (${chain}, ${to.seq}, ${to.hash}, 0)`,
          });
        } else {
          writes.push({
            sql: sql`UPDATE "AuditChain" SET "seq" = ${to.seq}, "hash" = ${to.hash} WHERE "key" = ${chain} AND "seq" = ${from.seq}`,
            expect: { rows: 1, error: () => new ConcurrencyError(`audit chain ${chain}`) },
          });
        }
      }
      return writes;
    },
    /** Writes the appended events and moves their chains' heads, at once. */
    async flush(): Promise<void> {
      await writeHeld(tx, false, this.heldWrites());
    },
  };
}

export type SealedHead = [chain: string, seq: number, hash: string];

export function sealHash(prevHash: string, at: Date, heads: SealedHead[]): string {
  return sha256(prevHash, at.toISOString(), JSON.stringify(heads));
}

const safeId = /^[A-Za-z0-9:_.-]+$/;

/** Moves each chain's sealed mark to the sealed seq (one statement per 500 chains). */
async function markSealed(tx: Tx, table: "Case" | "AuditChain", keyColumn: "id" | "key", column: string, heads: SealedHead[]) {
  const [name, key, mark] = [ident(table), ident(keyColumn), ident(column)];
  for (let i = 0; i < heads.length; i += 500) {
    const part = heads.slice(i, i + 500);
    const cases = join(
      part.map(([id, seq]) => sql`WHEN ${id} THEN CAST(${seq} AS INTEGER)`),
      " ",
    );
    const keys = join(part.map(([id]) => id));
    await executeStatement(tx, sql`UPDATE ${name} SET ${mark} = CASE ${key} ${cases} END WHERE ${key} IN (${keys})`);
  }
}

/** The secret seals are keyed with, and the id of the key it was derived from. */
export interface SealKey {
  keyId: string;
  secret: Buffer;
}

export function sealMac(secret: Buffer, hash: string): string {
  return createHmac("sha256", secret).update(hash).digest("hex");
}

/** The newest seal (what the daily digest reports), or null before the first. */
export async function latestSeal(db: Database): Promise<{ id: number; at: Date; hash: string } | null> {
  return db.reader.auditSeal.findFirst({ orderBy: { id: "desc" }, select: { id: true, at: true, hash: true } });
}

/**
 * Case chains one seal covers at most. A seal is made every scheduler tick (a minute) and covers the
 * chains that moved since the one before; after a burst (10,000 cases opened at once, an upgrade)
 * the next ticks seal the rest, so that no seal (and no statement writing it) grows without bound.
 */
export const SEAL_MAX_CASES = 2000;

/** Seals the chain heads that moved since the last seal; returns how many (0: nothing to seal). */
export async function sealAuditChains(db: Database, at: Date, key: SealKey | null): Promise<number> {
  return db.write(async (tx) => {
    // Seals made before seals were keyed get their MAC the first time the bot runs with a key (as
    // they stand then); from there on a seal without a MAC is a finding when verified with the key.
    if (key) {
      for (const s of await tx.auditSeal.findMany({ where: { mac: null }, select: { id: true, hash: true }, take: 1000 }))
        await tx.auditSeal.update({ where: { id: s.id }, data: { mac: sealMac(key.secret, s.hash), macKeyId: key.keyId } });
    }
    const cases = await queryRows<{ id: string; auditSeq: number; auditHash: string }>(
      tx,
      sql`SELECT "id", "auditSeq", "auditHash" FROM "Case" WHERE "auditSeq" > "auditSealedSeq" ORDER BY "id" LIMIT ${SEAL_MAX_CASES}`,
    );
    const chains = await queryRows<{ key: string; seq: number; hash: string }>(
      tx,
      sql`SELECT "key", "seq", "hash" FROM "AuditChain" WHERE "seq" > "sealedSeq" ORDER BY "key"`,
    );
    const caseHeads: SealedHead[] = cases.filter((c) => safeId.test(c.id)).map((c) => [c.id, Number(c.auditSeq), c.auditHash]);
    const otherHeads: SealedHead[] = chains.filter((c) => safeId.test(c.key)).map((c) => [c.key, Number(c.seq), c.hash]);
    const heads = [...otherHeads, ...caseHeads];
    if (heads.length === 0) return 0;
    const last = await one<{ hash: string }>(tx, sql`SELECT "hash" FROM "AuditSeal" ORDER BY "id" DESC LIMIT 1`);
    const prevHash = last?.hash ?? genesisHash;
    const hash = sealHash(prevHash, at, heads);
    const mac = key ? sealMac(key.secret, hash) : null;
    await executeStatement(
      tx,
      sql`INSERT INTO "AuditSeal" ("at", "heads", "prevHash", "hash", "mac", "macKeyId")
        VALUES (${at}, ${JSON.stringify(heads)}, ${prevHash}, ${hash}, ${mac}, ${key?.keyId ?? null})`,
    );
    if (caseHeads.length > 0) await markSealed(tx, "Case", "id", "auditSealedSeq", caseHeads);
    if (otherHeads.length > 0) await markSealed(tx, "AuditChain", "key", "sealedSeq", otherHeads);
    return heads.length;
  });
}
