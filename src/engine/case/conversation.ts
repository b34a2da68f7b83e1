// The applicant and the officials talking through a case. What the applicant sends after submitting
// always lands in their case: while the case waits for them it is collected until KIRIM (files) or
// passed on at once (words); otherwise it goes to whoever holds the case now and to the official
// who last wrote to them. Officials write to the applicant from a task; every message both ways is
// an entry of the case's conversation and an audit event.
import { decide } from "../../domain/case-machine.ts";
import { applicantTexts } from "../applicant-messages.ts";
import { caseTexts, entryLine, formatDateTime, refusals } from "../case-messages.ts";
import { applicantActor, type CaseRow, type EngineTx, type OfficialRow, type TaskRow } from "../case-ports.ts";
import type { Assignment } from "./assignment.ts";
import { applicantChat, applicantName, isApplicantCase, type EngineContext, type Reply } from "./context.ts";
import type { Notices } from "./notices.ts";
import { fingerprint, type Transitions } from "./transitions.ts";

/** What the applicant sent: words, or a file (with its caption). */
export type ApplicantInput = { kind: "text"; text: string } | { kind: "file"; file: { id: string; name: string }; caption?: string };

/** Words that end the applicant's turn: what was asked has been sent, or their step is done. */
export const doneWords = /^(kirim|sudah|selesai|sudah selesai|sudah diterima|sudah saya terima)$/i;

export function createConversation(ctx: EngineContext, assign: Assignment, notices: Notices, transitions: Transitions) {
  const openTask = async (tx: EngineTx, kase: CaseRow): Promise<TaskRow | null> =>
    (await tx.tasksOfCase(kase.id)).find((t) => t.status === "open") ?? null;

  /** Whether the case waits for the applicant now (a request, or a step of the SOP they do). */
  const waitsForApplicant = (task: TaskRow | null) => task !== null && (task.waitingFor === "request" || task.waitingFor === "applicant");

  /** The official who last wrote to the applicant in this case, if any. */
  async function lastWriter(tx: EngineTx, kase: CaseRow): Promise<string | null> {
    const entries = await tx.entriesOfCase(kase.id);
    return (
      [...entries].reverse().find((e) => (e.kind === "to-applicant" || e.kind === "request") && e.authorOfficialId)?.authorOfficialId ??
      null
    );
  }

  /** The applicant completes their part: what was asked has been sent (KIRIM), or their SOP step is done. */
  async function completeApplicantTurn(tx: EngineTx, kase: CaseRow, task: TaskRow): Promise<Reply[]> {
    const at = ctx.clock.now();
    const name = applicantName(kase) || "pemohon";
    if (task.waitingFor === "request") {
      const sent = (await tx.entriesOfCase(kase.id)).filter(
        (e) => e.taskId === task.id && (e.kind === "applicant-file" || e.kind === "from-applicant"),
      );
      if (sent.length === 0) return [{ text: applicantTexts.nothingSent }];
    }
    const sop = await tx.pinnedSop(kase.flowHash);
    const action = task.waitingFor === "request" ? "supplied" : "done";
    const transition = decide(sop, transitions.stateOf(kase, task), { type: "act", visit: task.visit, action });
    if (!transition.ok) return [{ text: applicantTexts.notWaiting(kase) }];
    await tx.updateCase(kase.id, kase.version, {
      status: transition.state.status,
      currentStepId: transition.state.stepId,
      visit: transition.state.visit,
      ...(transition.state.status !== "open" ? { closedAt: at } : {}),
    });
    await tx.updateTask(task.id, {
      status: "done",
      decision: action,
      note: action === "supplied" ? "dikirim pemohon melalui chat" : "dikonfirmasi pemohon melalui chat",
      closedAt: at,
    });
    const office = ctx.officeOf(kase.officeId);
    await notices.closeTaskMessages(
      tx,
      task,
      `✔ ${action === "supplied" ? "Kelengkapan dikirim" : "Dilakukan"} oleh pemohon (${name}), ${formatDateTime(at, office.timeZone)}`,
      at,
    );
    await tx.appendAudit({
      at,
      caseId: kase.id,
      stepId: task.stepId,
      actorLabel: applicantActor,
      actingAs: "pemohon",
      action: `step-${action}`,
      flowHash: kase.flowHash,
    });
    const updated = (await tx.caseById(kase.id)) as CaseRow;
    await transitions.applyEffects(tx, updated, sop, transition.effects, at, { label: applicantActor });
    return transition.state.status === "open" ? [{ text: applicantTexts.forwarded(kase) }] : [];
  }

  /** Passes words or a file from the applicant to the officials on the case now. */
  async function passOn(tx: EngineTx, kase: CaseRow, task: TaskRow | null, lines: string[], fileIds: string[], at: Date): Promise<void> {
    const recipients = new Set(task ? assign.assignees(task) : []);
    const writer = await lastWriter(tx, kase);
    if (writer) recipients.add(writer);
    const entries = await tx.entriesOfCase(kase.id);
    for (const officialId of recipients) {
      // The notice is what they see of this message; it counts as seen, and its file as received.
      const view = await notices.viewOf(tx, officialId, kase.id);
      await tx.saveCaseView({
        ...view,
        lastEntryId: Math.max(view.lastEntryId, ...entries.map((e) => e.id)),
        sentFileIds: [...new Set([...view.sentFileIds, ...fileIds])],
      });
      const actions = task ? await notices.offer(tx, task, ["message-applicant"], at) : [];
      await notices.notifyOfficial(
        tx,
        officialId,
        caseTexts.fromApplicant(
          kase,
          applicantName(kase),
          lines,
          task?.waitingFor === "request" ? "request" : task?.waitingFor === "applicant" ? "step" : null,
        ),
        at,
        {
          caseId: kase.id,
          ...(actions.length > 0 ? { actions } : {}),
          ...(fileIds.length > 0 ? { fileIds } : {}),
        },
      );
    }
  }

  /** Handles a message from the applicant's chat that belongs to `kase` (an open applicant case). */
  async function fromApplicant(tx: EngineTx, kase: CaseRow, input: ApplicantInput): Promise<Reply[]> {
    const at = ctx.clock.now();
    const task = await openTask(tx, kase);
    const waiting = waitsForApplicant(task);
    const label = `Pemohon: ${applicantName(kase) || "pemohon"}`;
    if (input.kind === "text" && doneWords.test(input.text.trim())) {
      if (task && waiting) return completeApplicantTurn(tx, kase, task);
      return [{ text: applicantTexts.notWaiting(kase) }];
    }
    if (input.kind === "file") {
      await tx.attachFile(input.file.id, kase.id, task?.id ?? null);
      const text = input.caption ? `${input.file.name} — ${input.caption}` : input.file.name;
      const id = await tx.addEntry({
        caseId: kase.id,
        at,
        kind: "applicant-file",
        audience: "applicant",
        authorOfficialId: null,
        authorLabel: label,
        text,
        fileId: input.file.id,
        taskId: task?.id ?? null,
      });
      await tx.appendAudit({
        at,
        caseId: kase.id,
        ...(task ? { stepId: task.stepId } : {}),
        actorLabel: applicantActor,
        actingAs: "pemohon",
        action: "applicant-file",
        note: `berkas ${input.file.id} (entri ${id})`,
        flowHash: kase.flowHash,
      });
      if (task && waiting) {
        const count = (await tx.entriesOfCase(kase.id)).filter((e) => e.taskId === task.id && e.kind === "applicant-file").length;
        return [{ text: applicantTexts.fileKept(kase, input.file.name, count) }];
      }
      const entry = (await tx.entriesOfCase(kase.id, id - 1)).find((e) => e.id === id);
      await passOn(tx, kase, task, entry ? [entryLine(entry)] : [], [input.file.id], at);
      return [{ text: applicantTexts.filePassedOn(kase, input.file.name) }];
    }
    const text = input.text.trim().slice(0, 2000);
    const id = await tx.addEntry({
      caseId: kase.id,
      at,
      kind: "from-applicant",
      audience: "applicant",
      authorOfficialId: null,
      authorLabel: label,
      text,
      fileId: null,
      taskId: task?.id ?? null,
    });
    await tx.appendAudit({
      at,
      caseId: kase.id,
      ...(task ? { stepId: task.stepId } : {}),
      actorLabel: applicantActor,
      actingAs: "pemohon",
      action: "applicant-message",
      note: `${fingerprint(text)} (entri ${id})`,
      flowHash: kase.flowHash,
    });
    await passOn(tx, kase, task, [`"${text}"`], [], at);
    return [{ text: task?.waitingFor === "request" ? applicantTexts.noteKept(kase) : applicantTexts.passedOn(kase) }];
  }

  /**
   * Who may write to the applicant: those acting on the case now or before, the last writer, and the
   * office's admins, head and secretary.
   */
  async function mayWriteToApplicant(tx: EngineTx, official: OfficialRow, kase: CaseRow): Promise<boolean> {
    const tasks = await tx.tasksOfCase(kase.id);
    if (tasks.some((t) => t.candidates.some((c) => c.officialId === official.id) || t.decidedByOfficialId === official.id)) return true;
    if (official.officeId !== kase.officeId) return false;
    if (official.isAdmin) return true;
    const keys = await tx.positionsOf(official.id, ctx.clock.now());
    return keys.includes("kepala-dinas") || keys.includes("sekretaris");
  }

  /** An official writes to the applicant (a message, optionally with a file); recorded in the case. */
  async function toApplicant(tx: EngineTx, official: OfficialRow, kase: CaseRow, text: string, fileId?: string): Promise<Reply[]> {
    if (!applicantChat(kase) || !isApplicantCase(kase)) return [{ text: refusals.notApplicantCase }];
    if (kase.status !== "open") return [{ text: refusals.caseClosed }];
    if (!(await mayWriteToApplicant(tx, official, kase))) return [{ text: refusals.notYours }];
    const at = ctx.clock.now();
    const task = await openTask(tx, kase);
    const office = ctx.officeOf(kase.officeId);
    const role = await assign.actingAs(tx, office, official, task);
    if (fileId) await tx.attachFile(fileId, kase.id, task?.id ?? null);
    await tx.addEntry({
      caseId: kase.id,
      at,
      kind: "to-applicant",
      audience: "applicant",
      authorOfficialId: official.id,
      authorLabel: `${official.name} (${role})`,
      text,
      fileId: fileId ?? null,
      taskId: task?.id ?? null,
    });
    await tx.appendAudit({
      at,
      caseId: kase.id,
      ...(task ? { stepId: task.stepId } : {}),
      actorOfficialId: official.id,
      actorLabel: official.name,
      actingAs: role,
      action: "message-to-applicant",
      note: text,
      flowHash: kase.flowHash,
    });
    await notices.notifyApplicant(tx, kase, applicantTexts.fromOfficial(kase, role, text), at, { fileIds: fileId ? [fileId] : [] });
    return [{ text: caseTexts.messageSent(kase) }];
  }

  return { fromApplicant, toApplicant, mayWriteToApplicant, openTask, waitsForApplicant };
}

export type Conversation = ReturnType<typeof createConversation>;
