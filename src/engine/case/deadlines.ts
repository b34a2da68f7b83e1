// Due deadlines, fired from stored rows: the reminder to whoever holds a step at its due time, the
// escalation to their superiors later, and the one reminder to an applicant the case waits for.
// Nothing is sent outside the office's working time; each row fires once.
import { isOfficeTime } from "../../domain/working-time.ts";
import { applicantTexts } from "../applicant-messages.ts";
import { caseTexts, formatDateTime, stepPosition } from "../case-messages.ts";
import type { EngineStore, EngineTx } from "../case-ports.ts";
import type { Assignment } from "./assignment.ts";
import type { EngineContext } from "./context.ts";
import type { Notices } from "./notices.ts";

export function createDeadlines(ctx: EngineContext, store: EngineStore, assign: Assignment, notices: Notices) {
  async function fireDeadline(tx: EngineTx, deadlineId: string): Promise<boolean> {
    const at = ctx.clock.now();
    const deadline = await tx.dueDeadline(deadlineId, at);
    if (!deadline) return false;
    const task = await tx.taskById(deadline.taskId);
    const kase = task ? await tx.caseById(task.caseId) : null;
    if (!task || !kase || task.status !== "open" || kase.status !== "open") {
      await tx.markDeadlineFired(deadline.id, at);
      return false;
    }
    const office = ctx.officeOf(kase.officeId);
    // Nothing is sent outside the office's working time; the deadline waits for the next opening.
    if (!isOfficeTime(at, ctx.deps.calendar(kase.officeId))) return false;
    const sop = await tx.pinnedSop(kase.flowHash);
    const step = ctx.stepOf(sop, task.stepId);
    const stepText = stepPosition(sop, step);
    const assignees = assign.assignees(task);
    if (deadline.kind === "applicant-reminder") {
      const asked =
        task.waitingFor === "request"
          ? [...(await tx.entriesOfCase(kase.id))].reverse().find((e) => e.kind === "request")?.text
          : step.chat?.applicant;
      await notices.notifyApplicant(tx, kase, applicantTexts.reminder(kase, asked ?? step.action), at, {
        dedupeKey: `applicant-reminder:${task.id}`,
      });
      await tx.appendAudit({
        at,
        caseId: kase.id,
        stepId: task.stepId,
        actorLabel: "sistem",
        action: "applicant-reminded",
        flowHash: kase.flowHash,
      });
    } else if (deadline.kind === "reminder") {
      const due = formatDateTime(task.dueAt ?? deadline.dueAt, office.timeZone);
      for (const id of assignees) {
        await notices.notifyOfficial(tx, id, caseTexts.reminder(kase, stepText, due), at, {
          caseId: kase.id,
          dedupeKey: `reminder:${task.id}:${id}`,
        });
      }
      await tx.appendAudit({
        at,
        caseId: kase.id,
        stepId: task.stepId,
        actorLabel: "sistem",
        action: "reminder-sent",
        flowHash: kase.flowHash,
      });
    } else {
      const names = (await Promise.all(assignees.map((id) => tx.official(id)))).map((o) => o?.name ?? "?").join(", ");
      const superiors = new Set<string>();
      for (const c of task.candidates) {
        if (task.takenByOfficialId && c.officialId !== task.takenByOfficialId) continue;
        const key = c.positionKey ?? (await tx.positionsOf(c.onBehalfOfOfficialId ?? c.officialId, at))[0];
        if (!key) continue;
        const up = await assign.superiorHolders(tx, office, key, at);
        for (const h of up?.holders ?? []) superiors.add(h.id);
      }
      const since = formatDateTime(task.dueAt ?? deadline.dueAt, office.timeZone);
      for (const id of superiors) {
        await notices.notifyOfficial(tx, id, caseTexts.escalation(kase, stepText, names, since), at, {
          caseId: kase.id,
          dedupeKey: `escalation:${task.id}:${id}`,
        });
      }
      await tx.appendAudit({
        at,
        caseId: kase.id,
        stepId: task.stepId,
        actorLabel: "sistem",
        action: "escalated",
        note: `kepada ${superiors.size} atasan`,
        flowHash: kase.flowHash,
      });
    }
    await tx.markDeadlineFired(deadline.id, at);
    return true;
  }

  /** Fires every due deadline, one transaction each. Returns how many were sent. */
  async function fireDueDeadlines(): Promise<number> {
    const due = await store.transaction((tx) => tx.dueDeadlines(ctx.clock.now(), 500));
    let fired = 0;
    for (const d of due) if (await store.transaction((tx) => fireDeadline(tx, d.id))) fired += 1;
    return fired;
  }

  return { fireDueDeadlines };
}
