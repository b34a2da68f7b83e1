// Acting on many tasks of one step together: an official with a dozen letters waiting at the same
// step of SOP 13 confirms once ("Selesaikan 12 tugas SOP 13 langkah 1?") instead of pressing twelve
// times. Each case still gets its own decision, audit event and next step; a task that changed in the
// meantime (taken by someone else, already decided) is left alone and counted.
import { randomBytes } from "node:crypto";
import { allowedActions } from "../../domain/case-machine.ts";
import { caseTexts, refusals, stepAction, stepPosition } from "../case-messages.ts";
import type { ActionRef, EngineTx, OfficialRow, TaskRow } from "../case-ports.ts";
import type { Assignment } from "./assignment.ts";
import type { Actor, EngineContext, Reply } from "./context.ts";
import type { Notices } from "./notices.ts";
import type { Transitions } from "./transitions.ts";

/** Most tasks one confirmation acts on (one transaction). */
export const BULK_MAX = 25;

const newToken = () => randomBytes(9).toString("base64url");

export function createBulk(ctx: EngineContext, assign: Assignment, notices: Notices, transitions: Transitions) {
  async function token(
    tx: EngineTx,
    bulkId: string,
    action: "bulk" | "bulk-confirm" | "bulk-cancel",
    label: string,
    at: Date,
  ): Promise<ActionRef> {
    const value = newToken();
    await tx.createToken(value, `bulk:${bulkId}`, 0, action, at);
    return { label, token: value };
  }

  /**
   * The bulk choices for an official's open tasks: one per step that has two or more of them with
   * a plain "done" or "approve" (steps waiting for the applicant or an outside party are not offered).
   */
  async function offers(tx: EngineTx, official: OfficialRow, tasks: TaskRow[], at: Date): Promise<ActionRef[]> {
    const groups = new Map<string, { action: "done" | "approve"; label: string; tasks: TaskRow[] }>();
    for (const task of tasks) {
      if (task.waitingFor !== null || !assign.mayAct(task, official.id) || !task.takenByOfficialId) continue;
      const kase = await tx.caseById(task.caseId);
      if (!kase) continue;
      const sop = await tx.pinnedSop(kase.flowHash);
      const step = ctx.stepOf(sop, task.stepId);
      const action = allowedActions(step)[0];
      if (action !== "done" && action !== "approve") continue;
      const key = `${kase.flowHash}|${task.stepId}|${action}`;
      const label =
        `SOP ${sop.number} ${stepPosition(sop, step)} ` + `(${stepAction(step).slice(0, 50)}${stepAction(step).length > 50 ? "…" : ""})`;
      const group = groups.get(key) ?? { action, label, tasks: [] };
      group.tasks.push(task);
      groups.set(key, group);
    }
    const refs: ActionRef[] = [];
    for (const group of groups.values()) {
      if (group.tasks.length < 2) continue;
      const chosen = group.tasks.slice(0, BULK_MAX);
      const id = randomBytes(8).toString("hex");
      await tx.createBulk({
        id,
        officialId: official.id,
        action: group.action,
        tasks: chosen.map((t) => ({ taskId: t.id, visit: t.visit })),
        label: group.label,
        createdAt: at,
      });
      refs.push(await token(tx, id, "bulk", caseTexts.bulkLabel(group.action, chosen.length, group.label), at));
    }
    return refs;
  }

  /** A press of a bulk choice: the offer asks for confirmation; the confirmation acts. */
  async function press(tx: EngineTx, actor: Actor, action: "bulk" | "bulk-confirm" | "bulk-cancel", bulkId: string): Promise<Reply[]> {
    const bulk = await tx.bulk(bulkId);
    if (!bulk || bulk.officialId !== actor.official.id) return [{ text: refusals.notYours }];
    const at = ctx.clock.now();
    if (action === "bulk-cancel") return [{ text: caseTexts.bulkCancelled }];
    if (action === "bulk") {
      const codes: string[] = [];
      for (const t of bulk.tasks) {
        const task = await tx.taskById(t.taskId);
        const kase = task ? await tx.caseById(task.caseId) : null;
        if (kase) codes.push(kase.code);
      }
      const actions = [
        await token(tx, bulkId, "bulk-confirm", `${caseTexts.bulkLabel(bulk.action, bulk.tasks.length, "")}`.trim(), at),
        await token(tx, bulkId, "bulk-cancel", "Batal", at),
      ];
      return [{ text: caseTexts.bulkConfirm(bulk.action, bulk.tasks.length, bulk.label, codes), actions }];
    }
    let done = 0;
    for (const t of bulk.tasks) {
      const task = await tx.taskById(t.taskId);
      if (!task || task.status !== "open" || task.visit !== t.visit || !assign.mayAct(task, actor.official.id)) continue;
      const outcome = await transitions.decideStep(tx, actor, task, bulk.action, undefined);
      if (outcome.ok) done += 1;
    }
    return [{ text: caseTexts.bulkDone(bulk.action, done, bulk.tasks.length - done) }];
  }

  return { offers, press, notifyOffer: notices.notifyOfficial };
}

export type Bulk = ReturnType<typeof createBulk>;
