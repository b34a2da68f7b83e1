// The audit trail's hash chain: each event's hash covers its fields and the previous event's hash,
// and AuditHead remembers the last one, so an edited, removed or reordered event is detected.
import { createHash } from "node:crypto";
import type { Database } from "./database.ts";

export const genesisHash = "0".repeat(64);

export interface AuditFields {
  id: number;
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

export function auditHash(prevHash: string, e: AuditFields): string {
  const canonical = JSON.stringify([
    e.id,
    e.at.toISOString(),
    e.caseId,
    e.stepId,
    e.actorOfficialId,
    e.actorLabel,
    e.actingAs,
    e.action,
    e.note,
    e.flowHash,
  ]);
  return createHash("sha256").update(prevHash).update("\n").update(canonical).digest("hex");
}

export interface AuditProblem {
  id: number | null;
  message: string;
}

/** Walks the whole chain; returns every break found (empty when intact). */
export async function verifyAuditChain(db: Database): Promise<{ events: number; problems: AuditProblem[] }> {
  const problems: AuditProblem[] = [];
  const events = await db.prisma.auditEvent.findMany({ orderBy: { id: "asc" } });
  let prev = genesisHash;
  let lastId = 0;
  for (const e of events) {
    if (e.prevHash !== prev) problems.push({ id: e.id, message: `event ${e.id} does not follow the event before it (an event was removed or reordered before it)` });
    const expected = auditHash(e.prevHash, e);
    if (expected !== e.hash) problems.push({ id: e.id, message: `event ${e.id} was edited: its content no longer matches its hash` });
    prev = e.hash;
    lastId = e.id;
  }
  const head = await db.prisma.auditHead.findUnique({ where: { id: 1 } });
  if (head && (head.lastId !== lastId || head.lastHash !== prev)) {
    problems.push({ id: head.lastId, message: `the chain should end at event ${head.lastId}, but ends at ${lastId || "nothing"}: events were removed from the end` });
  }
  if (!head && events.length > 0) problems.push({ id: null, message: "the chain head record is missing" });
  return { events: events.length, problems };
}
