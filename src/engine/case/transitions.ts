// Carrying out decide()'s effects: opening a step (task row, deadlines, audit, the message to whoever
// acts on it, the applicant's notice), closing a case (result, refusal), and deciding a step for an
// official (entries of the case's conversation, outcome on the earlier prompts, others told).
import { createHash } from "node:crypto";
import { resolveActor } from "../../domain/actor-resolution.ts";
import { decide, type CaseEffect, type CaseState, type StepAction } from "../../domain/case-machine.ts";
import type { Office } from "../../domain/office-schema.ts";
import type { Sop, SopStep } from "../../domain/sop-schema.ts";
import { stepStandardTime } from "../../domain/sop-summary.ts";
import { addOfficeMinutes, addWorkingDays, type WorkCalendar } from "../../domain/working-time.ts";
import { applicantTexts } from "../applicant-messages.ts";
import { capitalize, caseTexts, decisionPhrase, formatDateTime, refusals, stepPosition } from "../case-messages.ts";
import type { Candidate, CaseEntryRow, CaseRow, EngineTx, TaskRow } from "../case-ports.ts";
import type { Assignment } from "./assignment.ts";
import { applicantChat, applicantViewer, isApplicantCase, type Actor, type EngineContext, type Reply } from "./context.ts";
import type { Notices } from "./notices.ts";

type Opened = Extract<CaseEffect, { type: "step-opened" }>;
/** Who caused a transition, for the audit trail and the texts. */
export interface By {
  label: string;
  officialId?: string;
}

export type ActOutcome = { ok: true; replies: Reply[] } | { ok: false; reply: string };

/** A short fingerprint of a text, for audit notes that must not carry an applicant's words. */
export function fingerprint(text: string): string {
  return `sha256:${createHash("sha256").update(text).digest("hex").slice(0, 16)}`;
}

export function createTransitions(ctx: EngineContext, assign: Assignment, notices: Notices) {
  function dueTimes(
    step: SopStep,
    openedAt: Date,
    calendar: WorkCalendar,
    escalate: boolean,
  ): { dueAt: Date | null; escalateAt: Date | null } {
    const standard = stepStandardTime(step);
    if (!standard) return { dueAt: null, escalateAt: null };
    if ("minutes" in standard) {
      return {
        dueAt: addOfficeMinutes(openedAt, standard.minutes, calendar),
        escalateAt: escalate ? addOfficeMinutes(openedAt, standard.minutes * ctx.escalationFactor, calendar) : null,
      };
    }
    return {
      dueAt: addWorkingDays(openedAt, standard.workingDays, calendar),
      escalateAt: escalate ? addWorkingDays(openedAt, Math.ceil(standard.workingDays * ctx.escalationFactor), calendar) : null,
    };
  }

  /** The latest step before `step` that the applicant does: its standard time is the applicant's time for a request. */
  function applicantStepBefore(office: Office, sop: Sop, step: SopStep): SopStep | null {
    for (let i = sop.steps.indexOf(step) - 1; i >= 0; i--) {
      const s = sop.steps[i] as SopStep;
      const r = resolveActor(office, s.actor, sop.number);
      if (r.kind === "party" && r.party === "applicant") return s;
    }
    return null;
  }

  /** Who acts on a step that opens: a paused or resumed step stays with the official who asked. */
  async function candidatesFor(tx: EngineTx, kase: CaseRow, sop: Sop, step: SopStep, effect: Opened, at: Date, by: By) {
    const office = ctx.officeOf(kase.officeId);
    if (effect.awaiting || effect.resumed) {
      const previous = (await tx.tasksOfCase(kase.id)).find((t) => t.visit === effect.visit - 1);
      const keep: Candidate[] = effect.awaiting
        ? (previous?.candidates.filter((c) => c.officialId === by.officialId) ?? [])
        : (previous?.candidates ?? []);
      if (keep.length > 0) return { candidates: keep, waitingFor: effect.awaiting ? "request" : null };
    }
    const previous = effect.returnedFrom
      ? (await tx.tasksOfCase(kase.id)).filter((t) => t.stepId === step.id && t.decidedByOfficialId).at(-1)
      : undefined;
    const resolved = await assign.resolveCandidates(tx, office, sop, step, kase, at, previous?.decidedByOfficialId ?? null);
    return effect.awaiting ? { ...resolved, waitingFor: "request" } : resolved;
  }

  async function openStep(tx: EngineTx, kase: CaseRow, sop: Sop, effect: Opened, at: Date, by: By): Promise<TaskRow> {
    const office = ctx.officeOf(kase.officeId);
    const step = ctx.stepOf(sop, effect.stepId);
    const found = await candidatesFor(tx, kase, sop, step, effect, at, by);
    const { candidates, waitingFor } = found;
    const vacancy = "vacancy" in found ? found.vacancy : undefined;
    // Waiting for the applicant is the applicant's time: they are reminded once; no official is chased.
    const applicantTime = isApplicantCase(kase) && (waitingFor === "request" || waitingFor === "applicant");
    const timedStep = waitingFor === "request" ? (applicantStepBefore(office, sop, step) ?? step) : step;
    const { dueAt, escalateAt } = dueTimes(timedStep, at, ctx.deps.calendar(kase.officeId), !applicantTime);
    const task: TaskRow = {
      id: `${kase.id}:${effect.visit}`,
      caseId: kase.id,
      stepId: step.id,
      visit: effect.visit,
      status: "open",
      candidates,
      waitingFor,
      takenByOfficialId: candidates.length === 1 ? (candidates[0]?.officialId ?? null) : null,
      openedAt: at,
      dueAt,
      escalateAt,
      decidedByOfficialId: null,
      decision: null,
      note: null,
      closedAt: null,
    };
    await tx.createTask(task);
    if (dueAt)
      await tx.addDeadline({
        id: `${task.id}:reminder`,
        caseId: kase.id,
        taskId: task.id,
        kind: applicantTime ? "applicant-reminder" : "reminder",
        dueAt,
      });
    if (escalateAt)
      await tx.addDeadline({ id: `${task.id}:escalation`, caseId: kase.id, taskId: task.id, kind: "escalation", dueAt: escalateAt });
    const names = await Promise.all(candidates.map(async (c) => (await tx.official(c.officialId))?.name ?? c.officialId));
    const action = effect.returnedFrom
      ? "step-reopened"
      : effect.awaiting
        ? "step-awaiting-applicant"
        : effect.resumed
          ? "step-resumed"
          : "step-opened";
    await tx.appendAudit({
      at,
      caseId: kase.id,
      stepId: step.id,
      actorLabel: "sistem",
      action,
      note: [
        `ditawarkan kepada ${names.join(", ") || "(tidak ada)"}`,
        vacancy ? `jabatan ${vacancy} kosong` : null,
        effect.returnedFrom ? `alasan: ${effect.returnedFrom.reason}` : null,
      ]
        .filter(Boolean)
        .join("; "),
      flowHash: kase.flowHash,
    });
    const header = effect.returnedFrom ? "returned" : effect.awaiting ? "awaiting" : effect.resumed ? "resumed" : "new";
    await notices.sendStepMessage(tx, kase, sop, task, at, { header, ...(effect.awaiting ? { requested: effect.awaiting.reason } : {}) });
    if (effect.awaiting) await notices.notifyApplicant(tx, kase, applicantTexts.request(kase, effect.awaiting.reason), at);
    else if (effect.resumed && by.officialId) {
      await notices.notifyApplicant(
        tx,
        kase,
        effect.resumed === "withdraw" ? applicantTexts.requestWithdrawn(kase) : applicantTexts.receivedInPerson(kase),
        at,
      );
    } else if (waitingFor === "applicant" && applicantChat(kase)) await noticeApplicantStep(tx, kase, sop, step, at);
    if (vacancy)
      for (const c of candidates)
        await notices.notifyOfficial(tx, c.officialId, caseTexts.vacant(vacancy, names.join(", ")), at, { caseId: kase.id });
    return task;
  }

  /** Files the office attached to a case that the applicant has not received yet (at most five). */
  async function officeFilesForApplicant(tx: EngineTx, kase: CaseRow): Promise<string[]> {
    const sent = (await tx.caseView(applicantViewer, kase.id))?.sentFileIds ?? [];
    return (await tx.filesOfCase(kase.id))
      .filter((f) => !f.byApplicant && !sent.includes(f.id))
      .map((f) => f.id)
      .slice(-5);
  }

  /** Tells the applicant a step of theirs is open, in the plain words of the SOP file. */
  async function noticeApplicantStep(tx: EngineTx, kase: CaseRow, sop: Sop, step: SopStep, at: Date): Promise<void> {
    const last = sop.steps.at(-1)?.id === step.id;
    const result = last && typeof kase.data["result"] === "string" ? kase.data["result"] : null;
    const files = last ? await officeFilesForApplicant(tx, kase) : [];
    await notices.notifyApplicant(tx, kase, applicantTexts.yourStep(kase, step.chat?.applicant ?? step.action, result), at, {
      fileIds: files,
    });
  }

  async function closeCase(
    tx: EngineTx,
    kase: CaseRow,
    effect: Extract<CaseEffect, { type: "case-closed" }>,
    at: Date,
    by: By,
  ): Promise<void> {
    await tx.appendAudit({
      at,
      caseId: kase.id,
      ...(by.officialId ? { actorOfficialId: by.officialId } : {}),
      actorLabel: by.label,
      action: `case-${effect.status}`,
      ...(effect.reason ? { note: effect.reason } : {}),
      flowHash: kase.flowHash,
    });
    if (!applicantChat(kase)) {
      await notices.notifyOpener(tx, kase, caseTexts.closed(kase, effect.status, effect.reason), at, by.officialId ? [by.officialId] : []);
      return;
    }
    if (effect.status === "completed") {
      // The result: how to collect it, and the documents the office attached that the applicant does not have yet.
      const files = await officeFilesForApplicant(tx, kase);
      const result = typeof kase.data["result"] === "string" ? kase.data["result"] : null;
      await notices.notifyApplicant(tx, kase, applicantTexts.result(kase, result, files.length), at, { fileIds: files });
    } else if (effect.status === "rejected")
      await notices.notifyApplicant(tx, kase, applicantTexts.rejected(kase, effect.reason ?? ""), at);
    else await notices.notifyApplicant(tx, kase, applicantTexts.cancelled(kase, effect.reason ?? ""), at);
  }

  /** Carries out the effects decide() returned. */
  async function applyEffects(tx: EngineTx, kase: CaseRow, sop: Sop, effects: CaseEffect[], at: Date, by: By): Promise<void> {
    for (const effect of effects) {
      if (effect.type === "step-opened") {
        const task = await openStep(tx, kase, sop, effect, at, by);
        if (effect.returnedFrom) {
          // A return between officials is theirs: the official who opened the case hears of it, an applicant does not.
          await notices.notifyOpener(
            tx,
            kase,
            caseTexts.returnedToOpener(kase, effect.returnedFrom.reason, stepPosition(sop, ctx.stepOf(sop, effect.stepId))),
            at,
            task.candidates.map((c) => c.officialId),
          );
        }
      } else if (effect.type === "case-closed") await closeCase(tx, kase, effect, at, by);
    }
  }

  /** The state decide() works on: a paused step is one whose open task waits for the applicant's documents. */
  function stateOf(kase: CaseRow, task: TaskRow | null): CaseState {
    return {
      status: kase.status,
      stepId: kase.currentStepId,
      visit: kase.visit,
      ...(task?.waitingFor === "request" ? { awaiting: true } : {}),
    };
  }

  /** The conversation entry a decision leaves, if any. */
  function entryFor(
    action: StepAction,
    note: string | undefined,
    forApplicant: boolean,
  ): Pick<CaseEntryRow, "kind" | "audience" | "text"> | null {
    switch (action) {
      case "return":
        return { kind: "return", audience: "internal", text: note ?? "" };
      case "request":
        return { kind: "request", audience: "applicant", text: note ?? "" };
      case "reject":
        return { kind: "reject", audience: "applicant", text: note ?? "" };
      case "supplied":
        return { kind: "received-in-person", audience: "applicant", text: null };
      case "withdraw":
        return { kind: "request-withdrawn", audience: "applicant", text: null };
      default:
        return note
          ? { kind: forApplicant ? "to-applicant" : "note", audience: forApplicant ? "applicant" : "internal", text: note }
          : null;
    }
  }

  /** Carries out a decision on a step (after all checks), inside the transaction. */
  async function decideStep(
    tx: EngineTx,
    actor: Actor,
    task: TaskRow,
    action: StepAction,
    note: string | undefined,
    opts: { forApplicant?: boolean; fileId?: string } = {},
  ): Promise<ActOutcome> {
    const at = ctx.clock.now();
    const kase = await tx.caseById(task.caseId);
    if (!kase) return { ok: false, reply: refusals.stale };
    if (kase.status !== "open") return { ok: false, reply: refusals.caseClosed };
    const sop = await tx.pinnedSop(kase.flowHash);
    if (kase.visit !== task.visit || task.status !== "open") return { ok: false, reply: refusals.stale };
    const transition = decide(sop, stateOf(kase, task), {
      type: "act",
      visit: task.visit,
      action,
      ...(note !== undefined ? { reason: note } : {}),
    });
    if (!transition.ok) return { ok: false, reply: transition.error === "reason-required" ? refusals.reasonRequired : refusals.stale };
    const office = ctx.officeOf(kase.officeId);
    const role = await assign.actingAs(tx, office, actor.official, task);
    const by = `${actor.official.name} (${role})`;
    await tx.updateCase(kase.id, kase.version, {
      status: transition.state.status,
      currentStepId: transition.state.stepId,
      visit: transition.state.visit,
      ...(transition.state.status !== "open" ? { closedAt: at } : {}),
    });
    await tx.updateTask(task.id, {
      status: "done",
      decision: action,
      decidedByOfficialId: actor.official.id,
      takenByOfficialId: task.takenByOfficialId ?? actor.official.id,
      note: note ?? null,
      closedAt: at,
    });
    if (opts.fileId) await tx.attachFile(opts.fileId, kase.id, task.id);
    const entry = entryFor(action, note, opts.forApplicant ?? false);
    if (entry)
      await tx.addEntry({
        caseId: kase.id,
        at,
        ...entry,
        authorOfficialId: actor.official.id,
        authorLabel: by,
        fileId: opts.fileId ?? null,
        taskId: task.id,
      });
    if (entry?.kind === "to-applicant")
      await notices.notifyApplicant(tx, kase, applicantTexts.fromOfficial(kase, role, note ?? ""), at, {
        fileIds: opts.fileId ? [opts.fileId] : [],
      });
    const step = ctx.stepOf(sop, task.stepId);
    const stepText = stepPosition(sop, step);
    const noteLine = note ? `\n${noteLabel(action, opts.forApplicant)}: ${note}` : "";
    // The outcome is shown on every prompt of the step; where the channel edits (Telegram), that
    // edit is all its reader gets — no second message saying the same.
    const shown = await notices.closeTaskMessages(
      tx,
      task,
      `✔ ${capitalize(decisionPhrase(action, by))}, ${formatDateTime(at, office.timeZone)}${noteLine}`,
      at,
    );
    await tx.appendAudit({
      at,
      caseId: kase.id,
      stepId: task.stepId,
      actorOfficialId: actor.official.id,
      actorLabel: actor.official.name,
      actingAs: role,
      action: `step-${action}`,
      ...(note ? { note } : {}),
      flowHash: kase.flowHash,
    });
    // Everyone else who was offered the step learns it is done (unless their prompt shows it already).
    for (const c of task.candidates) {
      if (c.officialId === actor.official.id) continue;
      const chat = await notices.chatOf(tx, c.officialId);
      if (chat && shown.has(chat)) continue;
      await notices.notifyOfficial(tx, c.officialId, caseTexts.decided(kase, stepText, action, by), at, { caseId: kase.id });
    }
    const updated = (await tx.caseById(kase.id)) as CaseRow;
    await applyEffects(tx, updated, sop, transition.effects, at, { label: by, officialId: actor.official.id });
    // A paused step's own message (Menunggu pemohon) says what happened; where the decider's prompt
    // was edited to show the outcome, that is the answer; elsewhere a short confirmation.
    if (action === "request" || shown.has(`${actor.channel}:${actor.chatId}`)) return { ok: true, replies: [] };
    return { ok: true, replies: [{ text: `${caseTexts.decided(kase, stepText, action, "Anda")}${noteLine}` }] };
  }

  return { openStep, applyEffects, decideStep, stateOf, dueTimes };
}

export type Transitions = ReturnType<typeof createTransitions>;

/** How a step's note is introduced: a note, a message to the applicant, a request or a reason. */
function noteLabel(action: string, forApplicant: boolean | undefined): string {
  if (action === "done" || action === "approve") return forApplicant ? "Pesan kepada pemohon" : "Catatan";
  return action === "request" ? "Diminta" : "Alasan";
}
