// Verifies the audit trail (see audit-chain.ts): the old single chain, every per-case chain against
// its head, and every seal against the chains it sealed.
import { auditHash, genesisHash, legacyAuditHash, sealHash, sealMac, type SealedHead } from "./audit-chain.ts";
import { digestCode } from "../engine/seal-digest.ts";
import type { Database } from "./database.ts";

export interface AuditProblem {
  id: number | null;
  message: string;
}

type EventRow = Awaited<ReturnType<Database["prisma"]["auditEvent"]["findMany"]>>[number];

async function verifyLegacy(db: Database, problems: AuditProblem[]): Promise<number> {
  const events = await db.reader.auditEvent.findMany({ where: { chain: null }, orderBy: { id: "asc" } });
  let prev = genesisHash;
  let lastId = 0;
  for (const e of events) {
    if (e.prevHash !== prev)
      problems.push({
        id: e.id,
        message: `event ${e.id} does not follow the event before it (an event was removed or reordered before it)`,
      });
    if (legacyAuditHash(e.prevHash, e) !== e.hash)
      problems.push({ id: e.id, message: `event ${e.id} was edited: its content no longer matches its hash` });
    prev = e.hash;
    lastId = e.id;
  }
  const head = await db.reader.auditHead.findUnique({ where: { id: 1 } });
  if (head && (head.lastId !== lastId || head.lastHash !== prev)) {
    problems.push({
      id: head.lastId,
      message: `the old chain should end at event ${head.lastId}, but ends at ${lastId || "nothing"}: events were removed from the end`,
    });
  }
  if (!head && events.length > 0) problems.push({ id: null, message: "the old chain's head record is missing" });
  return events.length;
}

function verifyChain(chain: string, events: EventRow[], head: { seq: number; hash: string } | undefined, problems: AuditProblem[]) {
  let prev = genesisHash;
  events.forEach((e, i) => {
    const seq = e.seq ?? 0;
    if (seq !== i + 1)
      problems.push({
        id: e.id,
        message: `chain ${chain}: event ${e.id} is number ${seq}, expected ${i + 1} (an event was removed, inserted or reordered)`,
      });
    if (e.prevHash !== prev)
      problems.push({
        id: e.id,
        message: `chain ${chain}: event ${e.id} does not follow the event before it (an event was removed or reordered before it)`,
      });
    if (auditHash(e.prevHash, chain, seq, e) !== e.hash)
      problems.push({ id: e.id, message: `event ${e.id} was edited: its content no longer matches its hash` });
    prev = e.hash;
  });
  const last = events.at(-1);
  if (!head) {
    problems.push({
      id: last?.id ?? null,
      message: `chain ${chain}: ${events.length} events remain, but the case they belong to was removed`,
    });
    return;
  }
  if (head.seq === (last?.seq ?? 0) && (head.seq === 0 || head.hash === last?.hash)) return;
  if (head.seq > (last?.seq ?? 0))
    problems.push({
      id: last?.id ?? null,
      message: `chain ${chain} should end at event number ${head.seq}, but ends at ${last?.seq ?? 0}: events were removed from the end`,
    });
  else
    problems.push({
      id: last?.id ?? null,
      message: `chain ${chain} does not end at its recorded head (number ${head.seq}): events were inserted, edited or removed`,
    });
}

export interface VerifyOptions {
  /** The seals' secrets by key id (audit:verify with the server key); without them MACs are not checked. */
  sealSecrets?: ReadonlyMap<string, Buffer>;
  /** Codes from the daily seal digests (seal id and the code the message showed), checked against the seals. */
  digests?: { sealId: number; code: string }[];
}

export interface VerifyOutcome {
  events: number;
  chains: number;
  seals: number;
  /** Seals whose MAC was checked and holds. */
  keyedSeals: number;
  /** Seals made before seals were keyed (no MAC). */
  unkeyedSeals: number;
  problems: AuditProblem[];
}

/** Each seal's MAC under the secret of its key, and each digest code someone received against its seal. */
function verifySealKeys(
  seals: { id: number; hash: string; mac: string | null; macKeyId: string | null }[],
  options: VerifyOptions,
  problems: AuditProblem[],
): { keyed: number; unkeyed: number } {
  let keyed = 0;
  let unkeyed = 0;
  let seenKeyed = false;
  for (const s of seals) {
    if (!s.mac) {
      unkeyed++;
      // The bot keys every seal, old ones included, once it runs with a key: with the key, a seal
      // without its MAC had it removed; without the key, one after a keyed seal still shows it.
      if (options.sealSecrets)
        problems.push({ id: null, message: `seal ${s.id} has no MAC (it was removed, or the bot never ran with this key)` });
      else if (seenKeyed) problems.push({ id: null, message: `seal ${s.id} has no MAC although an earlier seal has one (it was removed)` });
      continue;
    }
    seenKeyed = true;
    if (!options.sealSecrets) continue;
    const secret = options.sealSecrets.get(s.macKeyId ?? "");
    if (!secret) {
      problems.push({
        id: null,
        message: `seal ${s.id} is keyed with key ${s.macKeyId}, which is not configured: set it in FILE_ENCRYPTION_OLD_KEYS to check it`,
      });
    } else if (sealMac(secret, s.hash) !== s.mac) {
      problems.push({ id: null, message: `seal ${s.id} fails its keyed check: it was rewritten by someone without the key` });
    } else keyed++;
  }
  for (const d of options.digests ?? []) {
    const seal = seals.find((s) => s.id === d.sealId);
    const code = d.code.replace(/\s+/g, "").toLowerCase();
    if (!seal) problems.push({ id: null, message: `seal ${d.sealId}, reported in a daily digest, is missing` });
    else if (code.length < 8 || !seal.hash.startsWith(code))
      problems.push({
        id: null,
        message: `seal ${d.sealId} no longer matches the digest code ${d.code} (now ${digestCode(seal.hash)}): the trail was rewritten`,
      });
  }
  return { keyed, unkeyed };
}

/** Walks every chain and every seal; returns every break found (empty when intact). */
export async function verifyAuditChain(db: Database, options: VerifyOptions = {}): Promise<VerifyOutcome> {
  const problems: AuditProblem[] = [];
  const r = db.reader;
  let count = await verifyLegacy(db, problems);
  const heads = new Map<string, { seq: number; hash: string }>();
  for (const c of await r.case.findMany({ select: { id: true, auditSeq: true, auditHash: true } }))
    heads.set(c.id, { seq: c.auditSeq, hash: c.auditHash });
  for (const c of await r.auditChain.findMany()) heads.set(c.key, { seq: c.seq, hash: c.hash });
  const byChain = new Map<string, EventRow[]>();
  for (const e of await r.auditEvent.findMany({ where: { chain: { not: null } }, orderBy: [{ chain: "asc" }, { seq: "asc" }] })) {
    const list = byChain.get(e.chain ?? "") ?? [];
    list.push(e);
    byChain.set(e.chain ?? "", list);
    count++;
  }
  for (const [chain, events] of byChain) verifyChain(chain, events, heads.get(chain), problems);
  for (const [chain, head] of heads) {
    if (head.seq > 0 && !byChain.has(chain))
      problems.push({ id: null, message: `chain ${chain} should have ${head.seq} events, but has none: they were removed` });
  }
  // Seals: each follows the one before it, and every head it sealed is still in its chain.
  const seals = await r.auditSeal.findMany({ orderBy: { id: "asc" } });
  let prev = genesisHash;
  for (const s of seals) {
    if (s.prevHash !== prev)
      problems.push({ id: null, message: `seal ${s.id} does not follow the seal before it (a seal was removed or reordered)` });
    const sealed = JSON.parse(s.heads) as SealedHead[];
    if (sealHash(s.prevHash, s.at, sealed) !== s.hash)
      problems.push({ id: null, message: `seal ${s.id} was edited: its content no longer matches its hash` });
    prev = s.hash;
    for (const [chain, seq, hash] of sealed) {
      const events = byChain.get(chain);
      if (!heads.has(chain) && !events) {
        problems.push({ id: null, message: `chain ${chain}, sealed by seal ${s.id} with ${seq} events, was removed with all its events` });
        continue;
      }
      const event = events?.[seq - 1];
      if (!event || event.seq !== seq || event.hash !== hash)
        problems.push({
          id: event?.id ?? null,
          message: `chain ${chain}: event number ${seq} no longer matches seal ${s.id} (the chain was rewritten)`,
        });
    }
  }
  const { keyed, unkeyed } = verifySealKeys(seals, options, problems);
  return { events: count, chains: byChain.size, seals: seals.length, keyedSeals: keyed, unkeyedSeals: unkeyed, problems };
}
