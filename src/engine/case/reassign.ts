// When the directory changes (a transfer, a retirement, a vacancy filled), the open steps follow it:
// each open step that involved the person who moved, or whose SOP actor is one of the positions that
// changed hands, is offered again to whoever the SOP names now — the new holder of the position, its
// nearest held superior while it is vacant, the office's admins when nobody is left — with Plt./Plh.
// applied. Steps already decided stay with who decided them: only open steps are touched.
import type { Candidate, EngineTx, TaskRow } from "../case-ports.ts";
import { resolveActor } from "../../domain/actor-resolution.ts";
import type { Assignment } from "./assignment.ts";
import type { EngineContext } from "./context.ts";
import type { Notices } from "./notices.ts";
import { directoryTexts } from "../directory-messages.ts";

export interface Affected {
  /** The official who moved or left: their open steps are offered again. */
  officialId: string | null;
  /** Positions that changed hands: open steps whose actor is one of them are offered again. */
  positions: string[];
  /** Why, for the audit trail and the messages ("mutasi", "pensiun" …). */
  reason: string;
  /** The official left the office: a step only they could take (their own KGB, say) goes to the admins. */
  leaving?: boolean;
}

const ids = (cs: Candidate[]) =>
  cs
    .map((c) => c.officialId)
    .sort()
    .join(",");

export function createReassignment(ctx: EngineContext, assign: Assignment, notices: Notices) {
  /** Offers the affected open steps again; returns how many moved. */
  async function reassignIn(tx: EngineTx, officeId: string, affected: Affected): Promise<number> {
    const at = ctx.clock.now();
    const office = ctx.officeOf(officeId);
    let moved = 0;
    for (const task of await tx.openTasks(officeId)) {
      const kase = await tx.caseById(task.caseId);
      if (!kase || kase.status !== "open") continue;
      const sop = await tx.pinnedSop(kase.flowHash);
      const step = ctx.stepOf(sop, task.stepId);
      const involved = affected.officialId !== null && assign.assignees(task).includes(affected.officialId);
      const resolved = resolveActor(office, step.actor, sop.number);
      const ofPosition = resolved.kind === "position" && affected.positions.includes(resolved.position.id);
      if (!involved && !ofPosition) continue;
      const fresh = await assign.resolveCandidates(tx, office, sop, step, kase, at, null);
      if (affected.leaving && fresh.candidates.every((c) => c.officialId === affected.officialId)) {
        const admins = (await tx.officialsOfOffice(officeId)).filter((o) => o.isAdmin && o.id !== affected.officialId);
        fresh.candidates = admins.map((a) => ({ officialId: a.id, positionKey: null }));
      }
      if (ids(fresh.candidates) === ids(task.candidates)) continue;
      // A step of a position that changed hands moves only when those it is with no longer qualify
      // (it had fallen to the superior while the position was vacant); a step returned to one of
      // several holders stays with that one.
      const freshIds = fresh.candidates.map((c) => c.officialId);
      if (!involved && assign.assignees(task).some((id) => freshIds.includes(id))) continue;
      await move(tx, task, fresh.candidates, affected.reason, at);
      moved++;
    }
    return moved;
  }

  async function move(tx: EngineTx, task: TaskRow, candidates: Candidate[], reason: string, at: Date): Promise<void> {
    const kase = await tx.caseById(task.caseId);
    if (!kase) return;
    const before = assign.assignees(task);
    const after = candidates.map((c) => c.officialId);
    const takenBy = task.takenByOfficialId && after.includes(task.takenByOfficialId) ? task.takenByOfficialId : null;
    const updated: TaskRow = { ...task, candidates, takenByOfficialId: takenBy };
    await tx.updateTask(task.id, { candidates, takenByOfficialId: takenBy });
    const names = async (list: string[]) => (await Promise.all(list.map((id) => tx.official(id)))).map((o, i) => o?.name ?? list[i]);
    const toNames = (await names(after)).join(", ") || "admin";
    // Those who had it and no longer do: their task messages say where it went.
    const gone = before.filter((id) => !after.includes(id));
    const goneChats = new Set<string>();
    for (const id of gone) for (const a of await tx.addressesOf(id)) goneChats.add(`${a.channel}:${a.chatId}`);
    if (goneChats.size > 0) await notices.closeTaskMessages(tx, task, directoryTexts.movedAway(toNames, reason), at, goneChats);
    await tx.appendAudit({
      at,
      caseId: task.caseId,
      stepId: task.stepId,
      actorLabel: "sistem",
      action: "step-reassigned",
      note: `${(await names(before)).join(", ")} → ${toNames} (${reason})`,
      flowHash: kase.flowHash,
    });
    const sop = await tx.pinnedSop(kase.flowHash);
    for (const id of after.filter((a) => !before.includes(a))) await notices.sendStepMessage(tx, kase, sop, updated, at, { only: id });
  }

  /**
   * Open steps still with someone who left or no longer holds the position they were offered for
   * (a change that raced a step being opened, or one made in the database directly): offered again.
   */
  async function refreshIn(tx: EngineTx, officeId: string): Promise<number> {
    const at = ctx.clock.now();
    const stale = new Map<string, Affected>();
    // Each different candidate list once: an office with 10,000 open steps has a few dozen of them.
    const checked = new Set<string>();
    for (const candidates of await tx.openCandidateSets(officeId)) {
      for (const c of candidates) {
        const key = `${c.officialId}|${c.positionKey ?? ""}|${c.delegationId ? "d" : ""}`;
        if (stale.has(c.officialId) || checked.has(key)) continue;
        checked.add(key);
        const official = await tx.official(c.officialId);
        if (!official?.active) stale.set(c.officialId, { officialId: c.officialId, positions: [], reason: "keluar", leaving: true });
        else if (c.positionKey && !c.delegationId && !(await tx.positionsOf(c.officialId, at)).includes(c.positionKey))
          stale.set(c.officialId, { officialId: c.officialId, positions: [c.positionKey], reason: "mutasi" });
      }
    }
    let moved = 0;
    for (const affected of stale.values()) moved += await reassignIn(tx, officeId, affected);
    return moved;
  }

  return { reassignIn, refreshIn };
}

export type Reassignment = ReturnType<typeof createReassignment>;
