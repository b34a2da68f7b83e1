// Opening a case (pinned to the SOP content it starts with; an applicant's form submission does the
// applicant's own first step) and cancelling one (by those entitled, with a reason).
import { randomBytes } from "node:crypto";
import { resolveActor } from "../../domain/actor-resolution.ts";
import { decide } from "../../domain/case-machine.ts";
import type { SopStep } from "../../domain/sop-schema.ts";
import { caseTexts, formatDateTime, refusals } from "../case-messages.ts";
import { applicantActor, serviceOf, type CaseRow, type EngineTx, type OfficialRow } from "../case-ports.ts";
import type { ChannelName } from "../types.ts";
import type { Assignment } from "./assignment.ts";
import { newCaseCode } from "./codes.ts";
import { isApplicantCase, type Actor, type EngineContext, type Reply } from "./context.ts";
import type { Notices } from "./notices.ts";
import type { Transitions } from "./transitions.ts";

export interface OpenCaseInput {
  officeId: string;
  sopNumber: number;
  title: string;
  openedBy?: OfficialRow;
  opener?: { channel: ChannelName; chatId: string };
  subjectOfficialId?: string;
  data?: Record<string, unknown>;
  /** A chat form sent by the applicant: completes the SOP's first step when it is the applicant's. */
  applicantSubmission?: { label: string; note: string; fileIds: string[] };
}

export function createLifecycle(ctx: EngineContext, assign: Assignment, notices: Notices, transitions: Transitions) {
  async function openCaseIn(tx: EngineTx, input: OpenCaseInput): Promise<CaseRow> {
    const at = ctx.clock.now();
    const source = ctx.deps.sop(input.sopNumber);
    if (!source) throw new Error(`Unknown SOP ${input.sopNumber}`);
    const office = ctx.officeOf(input.officeId);
    await tx.pinFlow(source.hash, input.sopNumber, source.text);
    let code = newCaseCode(input.sopNumber);
    for (let i = 0; i < 5 && (await tx.caseByCode(code)); i++) code = newCaseCode(input.sopNumber);
    const kase: CaseRow = {
      id: `c_${randomBytes(8).toString("hex")}`,
      code,
      officeId: input.officeId,
      sopNumber: input.sopNumber,
      flowHash: source.hash,
      title: input.title,
      status: "open",
      currentStepId: null,
      visit: 0,
      version: 0,
      openedByOfficialId: input.openedBy?.id ?? null,
      openerChannel: input.opener?.channel ?? null,
      openerChatId: input.opener?.chatId ?? null,
      subjectOfficialId: input.subjectOfficialId ?? null,
      data: input.data ?? {},
      createdAt: at,
      closedAt: null,
    };
    await tx.createCase(kase);
    await tx.appendAudit({
      at,
      caseId: kase.id,
      ...(input.openedBy ? { actorOfficialId: input.openedBy.id } : {}),
      actorLabel: input.openedBy?.name ?? "sistem",
      action: "case-opened",
      note: `SOP ${input.sopNumber}: ${serviceOf(input.title)}`,
      flowHash: source.hash,
    });
    const transition = decide(source.sop, { status: "open", stepId: null, visit: 0 }, { type: "start" });
    if (!transition.ok) throw new Error(`Cannot start case: ${transition.error}`);
    await tx.updateCase(kase.id, kase.version, { currentStepId: transition.state.stepId, visit: transition.state.visit });
    let saved = (await tx.caseById(kase.id)) as CaseRow;
    const first = source.sop.steps[0] as SopStep;
    const firstActor = resolveActor(office, first.actor, input.sopNumber);
    const submission = input.applicantSubmission;
    if (submission && firstActor.kind === "party" && firstActor.party === "applicant") {
      // The applicant's own first step (filling the registration form) is the submission itself.
      await tx.createTask({
        id: `${kase.id}:${saved.visit}`,
        caseId: kase.id,
        stepId: first.id,
        visit: saved.visit,
        status: "done",
        candidates: [],
        waitingFor: "applicant",
        takenByOfficialId: null,
        openedAt: at,
        dueAt: null,
        escalateAt: null,
        decidedByOfficialId: null,
        decision: "done",
        note: submission.note,
        closedAt: at,
      });
      for (const id of submission.fileIds) await tx.attachFile(id, kase.id, `${kase.id}:${saved.visit}`);
      await tx.appendAudit({
        at,
        caseId: kase.id,
        stepId: first.id,
        actorLabel: applicantActor,
        actingAs: "pemohon",
        action: "step-done",
        note: submission.note,
        flowHash: source.hash,
      });
      const next = decide(
        source.sop,
        { status: "open", stepId: first.id, visit: saved.visit },
        { type: "act", visit: saved.visit, action: "done" },
      );
      if (!next.ok) throw new Error(`Cannot complete the applicant's step: ${next.error}`);
      await tx.updateCase(kase.id, saved.version, { status: next.state.status, currentStepId: next.state.stepId, visit: next.state.visit });
      saved = (await tx.caseById(kase.id)) as CaseRow;
      await transitions.applyEffects(
        tx,
        saved,
        source.sop,
        next.effects.filter((e) => e.type !== "step-closed"),
        at,
        { label: `pemohon (${submission.label})` },
      );
      return saved;
    }
    for (const id of submission?.fileIds ?? []) await tx.attachFile(id, kase.id, null);
    await transitions.applyEffects(tx, saved, source.sop, transition.effects, at, {
      label: input.openedBy?.name ?? "sistem",
      ...(input.openedBy ? { officialId: input.openedBy.id } : {}),
    });
    // The opener hears that the case is open — unless its first step is theirs: that task says it.
    const firstTask = await tx.taskById(`${kase.id}:${saved.visit}`);
    const opensWithThem = input.openedBy !== undefined && firstTask?.candidates.some((c) => c.officialId === input.openedBy?.id);
    if (!submission && !opensWithThem) await notices.notifyOpener(tx, kase, caseTexts.opened(kase, source.sop), at);
    return saved;
  }

  /** Who may cancel: an admin, the official who opened the case, or the office's head and secretary. */
  async function mayCancel(tx: EngineTx, official: OfficialRow, kase: CaseRow): Promise<boolean> {
    if (official.id === kase.openedByOfficialId) return true;
    if (official.officeId !== kase.officeId) return false;
    if (official.isAdmin) return true;
    const keys = await tx.positionsOf(official.id, ctx.clock.now());
    return keys.includes("kepala-dinas") || keys.includes("sekretaris");
  }

  async function cancelIn(tx: EngineTx, actor: Actor, caseId: string, reason: string): Promise<Reply[]> {
    const at = ctx.clock.now();
    const kase = await tx.caseById(caseId);
    if (!kase) return [{ text: refusals.stale }];
    if (kase.status !== "open") return [{ text: refusals.caseClosed }];
    const sop = await tx.pinnedSop(kase.flowHash);
    const transition = decide(sop, { status: kase.status, stepId: kase.currentStepId, visit: kase.visit }, { type: "cancel", reason });
    if (!transition.ok) return [{ text: refusals.reasonRequired }];
    const office = ctx.officeOf(kase.officeId);
    const open = (await tx.tasksOfCase(kase.id)).find((t) => t.status === "open");
    await tx.updateCase(kase.id, kase.version, { status: "cancelled", currentStepId: null, closedAt: at });
    if (open) {
      await tx.updateTask(open.id, { status: "superseded", decision: "cancel", closedAt: at });
      await notices.closeTaskMessages(
        tx,
        open,
        `✖ Kasus dibatalkan oleh ${actor.official.name}, ${formatDateTime(at, office.timeZone)}`,
        at,
      );
      for (const c of open.candidates) {
        if (c.officialId !== actor.official.id)
          await notices.notifyOfficial(tx, c.officialId, caseTexts.closed(kase, "cancelled", reason), at, { caseId: kase.id });
      }
    }
    const role = await assign.actingAs(tx, office, actor.official, null);
    const by = `${actor.official.name} (${role})`;
    if (isApplicantCase(kase))
      await tx.addEntry({
        caseId: kase.id,
        at,
        kind: "cancel",
        audience: "applicant",
        authorOfficialId: actor.official.id,
        authorLabel: by,
        text: reason,
        fileId: null,
        taskId: open?.id ?? null,
      });
    await transitions.applyEffects(
      tx,
      kase,
      sop,
      transition.effects.filter((e) => e.type === "case-closed"),
      at,
      { label: by, officialId: actor.official.id },
    );
    return [{ text: caseTexts.closed(kase, "cancelled", reason) }];
  }

  return { openCaseIn, mayCancel, cancelIn };
}

export type Lifecycle = ReturnType<typeof createLifecycle>;
