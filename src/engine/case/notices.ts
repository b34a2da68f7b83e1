// Messages about cases to the people in them: the task message an official acts on (brief: what
// the step is, what changed since they last looked, the files they have not received yet), the
// outcome shown on earlier prompts, and notices to the applicant's chat. Everything is written to
// the outbox inside the caller's transaction.
import { randomBytes } from "node:crypto";
import { allowedActions } from "../../domain/case-machine.ts";
import type { Sop, SopStep } from "../../domain/sop-schema.ts";
import { stepStandardTime } from "../../domain/sop-summary.ts";
import { formatStandardTime } from "../../domain/standard-time.ts";
import { actionLabels, applicantDoneLabel, capitalize, entryLine, formatDateTime, stepAction, stepPosition } from "../case-messages.ts";
import type { ActionRef, CaseEntryRow, CaseRow, EngineTx, TaskRow, TokenAction } from "../case-ports.ts";
import { editableChannels } from "../types.ts";
import type { Assignment } from "./assignment.ts";
import { applicantChat, applicantName, applicantViewer, isApplicantCase, type EngineContext } from "./context.ts";

/** An action offered on a task, with its own label where the usual one would mislead. */
export type Offered = TokenAction | { action: TokenAction; label: string };

/** Most files attached to one message; the rest are listed for /dokumen. */
const FILES_PER_MESSAGE = 10;
/** Most conversation lines in a task message; the rest are behind /kasus. */
const CHANGE_LINES = 6;

export type StepHeader = "new" | "returned" | "awaiting" | "resumed" | "open";

function newToken(): string {
  return randomBytes(9).toString("base64url");
}

export function createNotices(ctx: EngineContext, assign: Assignment) {
  async function notifyOfficial(
    tx: EngineTx,
    officialId: string,
    text: string,
    at: Date,
    extra: { actions?: ActionRef[]; caseId?: string; taskId?: string; fileIds?: string[]; dedupeKey?: string } = {},
  ): Promise<boolean> {
    const address = (await tx.addressesOf(officialId))[0];
    if (!address) return false;
    await tx.enqueue({ channel: address.channel, chatId: address.chatId, text, ...extra }, at);
    return true;
  }

  /** Writes to the applicant's chat; files sent are remembered so the result does not repeat them. */
  async function notifyApplicant(
    tx: EngineTx,
    kase: CaseRow,
    text: string,
    at: Date,
    extra: { fileIds?: string[]; dedupeKey?: string } = {},
  ): Promise<void> {
    const chat = applicantChat(kase);
    if (!chat) return;
    const fileIds = extra.fileIds ?? [];
    await tx.enqueue(
      {
        ...chat,
        text,
        caseId: kase.id,
        ...(fileIds.length > 0 ? { fileIds } : {}),
        ...(extra.dedupeKey ? { dedupeKey: extra.dedupeKey } : {}),
      },
      at,
    );
    if (fileIds.length > 0) {
      const view = await viewOf(tx, applicantViewer, kase.id);
      await tx.saveCaseView({ ...view, sentFileIds: [...new Set([...view.sentFileIds, ...fileIds])] });
    }
  }

  /** Tells the official who opened a case (internal cases only: an applicant hears the applicant's side). */
  async function notifyOpener(tx: EngineTx, kase: CaseRow, text: string, at: Date, skipOfficialIds: string[] = []): Promise<void> {
    if (isApplicantCase(kase)) return;
    if (kase.openedByOfficialId && skipOfficialIds.includes(kase.openedByOfficialId)) return;
    if (kase.openerChannel && kase.openerChatId)
      await tx.enqueue({ channel: kase.openerChannel, chatId: kase.openerChatId, text, caseId: kase.id }, at);
    else if (kase.openedByOfficialId) await notifyOfficial(tx, kase.openedByOfficialId, text, at, { caseId: kase.id });
  }

  /** Creates tokens for the actions a person is offered on a task. */
  async function offer(tx: EngineTx, task: TaskRow, actions: Offered[], at: Date): Promise<ActionRef[]> {
    const refs: ActionRef[] = [];
    for (const a of actions) {
      const action = typeof a === "string" ? a : a.action;
      const token = newToken();
      await tx.createToken(token, task.id, task.visit, action, at);
      refs.push({ label: typeof a === "string" ? actionLabels[a] : a.label, token });
    }
    return refs;
  }

  /**
   * Shows the outcome on every message that still offers choices for a task, and removes them — or,
   * where `change` says so, replaces them (the taker's own prompt gets the step's actions). Returns
   * the chats where an edit will show it (channels that edit), so no separate message is needed there.
   */
  async function closeTaskMessages(
    tx: EngineTx,
    task: TaskRow,
    outcome: string | ((m: { channel: string; chatId: string; text: string }) => { text: string; actions?: ActionRef[] }),
    at: Date,
    onlyChats?: Set<string>,
  ): Promise<Set<string>> {
    const shown = new Set<string>();
    for (const m of await tx.actionMessagesOfTask(task.id)) {
      const key = `${m.channel}:${m.chatId}`;
      if (onlyChats && !onlyChats.has(key)) continue;
      const next = typeof outcome === "string" ? { text: `${m.text}\n\n${outcome}` } : outcome(m);
      await tx.enqueue(
        {
          channel: m.channel,
          chatId: m.chatId,
          text: next.text,
          editOfId: m.id,
          caseId: task.caseId,
          ...(next.actions ? { actions: next.actions } : {}),
        },
        at,
      );
      if (editableChannels.has(m.channel)) shown.add(key);
    }
    return shown;
  }

  /** Where an official's messages go (their first chat), as "channel:chatId". */
  async function chatOf(tx: EngineTx, officialId: string): Promise<string | null> {
    const address = (await tx.addressesOf(officialId))[0];
    return address ? `${address.channel}:${address.chatId}` : null;
  }

  /** What an official may do on a task of this case. */
  function stepActions(kase: CaseRow, step: SopStep, task: TaskRow): Offered[] {
    const applicant = isApplicantCase(kase);
    if (task.waitingFor === "request") return ["supplied", "withdraw", "message-applicant"];
    if (task.waitingFor === "applicant")
      return applicant ? [{ action: "done", label: applicantDoneLabel }, "message-applicant"] : ["done", "done-note"];
    const base = allowedActions(step).flatMap((a): Offered[] =>
      a === "done" ? ["done", "done-note"] : a === "approve" || a === "return" || a === "reject" ? [a] : [],
    );
    if (task.waitingFor !== null || !applicant) return base;
    return [...base, ...(step.kind === "task" ? (["done-applicant"] as Offered[]) : []), "ask-applicant", "message-applicant"];
  }

  async function viewOf(tx: EngineTx, viewer: string, caseId: string) {
    return (await tx.caseView(viewer, caseId)) ?? { viewer, caseId, lastEntryId: 0, sentFileIds: [], answersShown: false };
  }

  /**
   * What `viewer` has not seen of a case: conversation lines (not their own), files not yet sent to
   * them, and whether the answers are new to them. Records that they have now seen it.
   */
  async function catchUp(tx: EngineTx, kase: CaseRow, viewer: string, entries: CaseEntryRow[], opts: { files: boolean; answers: boolean }) {
    const existing = await tx.caseView(viewer, kase.id);
    const view = existing ?? { viewer, caseId: kase.id, lastEntryId: 0, sentFileIds: [], answersShown: false };
    const news = entries.filter((e) => e.id > view.lastEntryId && e.authorOfficialId !== viewer);
    const all = opts.files ? await tx.filesOfCase(kase.id) : [];
    const unsent = all.filter((f) => !view.sentFileIds.includes(f.id));
    const attach = unsent.slice(0, FILES_PER_MESSAGE);
    const answers =
      opts.answers && !view.answersShown ? ((kase.data["answers"] as { label: string; value: string }[] | undefined) ?? []) : [];
    await tx.saveCaseView({
      ...view,
      lastEntryId: Math.max(view.lastEntryId, ...entries.map((e) => e.id)),
      sentFileIds: [...view.sentFileIds, ...attach.map((f) => f.id)],
      answersShown: view.answersShown || answers.length > 0,
    });
    return { news, attach, earlier: all.length - attach.length, answers, firstLook: existing === null };
  }

  function changesText(news: CaseEntryRow[], firstLook: boolean, code: string): string[] {
    if (news.length === 0) return [];
    const shown = news.slice(-CHANGE_LINES);
    return [
      firstLook ? "Riwayat singkat:" : "Yang baru sejak Anda terakhir melihat kasus ini:",
      ...shown.map((e) => `• ${entryLine(e)}`),
      ...(news.length > shown.length ? [`• … dan ${news.length - shown.length} lainnya: /kasus ${code}`] : []),
    ];
  }

  function headerText(header: StepHeader, code: string): string {
    return (
      {
        new: "Tugas baru",
        returned: "Dikembalikan untuk diperbaiki",
        awaiting: "Menunggu pemohon",
        resumed: "Dilanjutkan",
        open: "Tugas terbuka",
      }[header] + ` — kasus ${code}`
    );
  }

  /** The case in a line or two: what it is, for whom. */
  function caseLines(kase: CaseRow, sop: Sop): string[] {
    if (!isApplicantCase(kase)) return [`SOP ${sop.number}: ${sop.title}`, `Perihal: ${kase.title}`];
    const name = applicantName(kase);
    return [`${kase.title}${name && !kase.title.includes(name) ? ` (pemohon: ${name})` : ""}`, `SOP ${sop.number}: ${sop.title}`];
  }

  /** Sends a task's message (with its choices) to each person who may act on it, or only to `only`. */
  async function sendStepMessage(
    tx: EngineTx,
    kase: CaseRow,
    sop: Sop,
    task: TaskRow,
    at: Date,
    opts: { only?: string; header?: StepHeader; requested?: string } = {},
  ): Promise<void> {
    const office = ctx.officeOf(kase.officeId);
    const step = ctx.stepOf(sop, task.stepId);
    const many = task.candidates.length > 1 && !task.takenByOfficialId;
    const entries = await tx.entriesOfCase(kase.id);
    const standard = stepStandardTime(step);
    for (const c of task.candidates) {
      if (opts.only && c.officialId !== opts.only) continue;
      if (task.takenByOfficialId && c.officialId !== task.takenByOfficialId) continue;
      const absent = c.onBehalfOfOfficialId ? await tx.official(c.onBehalfOfOfficialId) : null;
      const awaiting = task.waitingFor === "request";
      const seen = await catchUp(tx, kase, c.officialId, entries, { files: true, answers: !awaiting });
      // Resumed after a request: everything the applicant sent for it, whether or not passed on already.
      const waited = opts.header === "resumed" ? `${kase.id}:${task.visit - 1}` : null;
      const supplied = waited
        ? entries.filter((e) => e.taskId === waited && (e.kind === "applicant-file" || e.kind === "from-applicant"))
        : [];
      const lines = [
        headerText(opts.header ?? (awaiting ? "awaiting" : "new"), kase.code),
        ...caseLines(kase, sop),
        `${capitalize(stepPosition(sop, step))}: ${stepAction(step)}`,
      ];
      if (awaiting) {
        const asked = opts.requested ?? [...entries].reverse().find((e) => e.kind === "request" && e.taskId !== null)?.text ?? "";
        lines.push(
          `Diminta kepada pemohon: ${asked}`,
          "Kiriman pemohon diteruskan kepada Anda bila pemohon mengetik KIRIM. Pilih Diterima langsung bila berkasnya diserahkan langsung.",
        );
        if (task.dueAt) lines.push(`Pemohon diingatkan sekali pada ${formatDateTime(task.dueAt, office.timeZone)} bila belum mengirim.`);
      } else {
        if (step.inputs.trim() && task.waitingFor === null) lines.push(`Kelengkapan: ${step.inputs}`);
        if (task.waitingFor === "applicant" && isApplicantCase(kase))
          lines.push(
            "Langkah ini dilakukan pemohon; kabar kepada pemohon sudah dikirim. Pilih Sudah dilakukan pemohon " +
              "bila pemohon melakukannya langsung di kantor.",
          );
        else if (task.waitingFor === "applicant") lines.push("Langkah ini dilakukan oleh pemohon; catat di sini setelah diterima.");
        else if (task.waitingFor === "external") lines.push("Langkah ini dilakukan pihak luar; catat di sini setelah jawabannya diterima.");
        if (task.waitingFor === "applicant" && isApplicantCase(kase)) {
          if (task.dueAt) lines.push(`Pemohon diingatkan sekali pada ${formatDateTime(task.dueAt, office.timeZone)}.`);
        } else
          lines.push(
            standard
              ? `Waktu baku: ${formatStandardTime(standard)}` +
                  (task.dueAt ? ` — batas ${formatDateTime(task.dueAt, office.timeZone)}` : "")
              : "Waktu baku: tidak ditentukan dalam SOP",
          );
      }
      if (absent) lines.push(`Anda menerima tugas ini sebagai pelaksana tugas untuk ${absent.name}.`);
      if (many) lines.push("Tugas ini ditawarkan kepada beberapa orang; yang pertama menekan Ambil akan mengerjakannya.");
      if (supplied.length > 0) lines.push("Kiriman pemohon untuk permintaan Anda:", ...supplied.map((e) => `• ${entryLine(e)}`));
      lines.push(
        ...changesText(
          seen.news.filter((e) => !supplied.includes(e)),
          seen.firstLook,
          kase.code,
        ),
      );
      if (seen.answers.length > 0) lines.push("Data permohonan:", ...seen.answers.map((a) => `• ${a.label}: ${a.value}`));
      else if (isApplicantCase(kase)) lines.push(`Data permohonan dan riwayat lengkap: /kasus ${kase.code}`);
      if (seen.attach.length > 0) lines.push(`Berkas terlampir (${seen.attach.length}): ${seen.attach.map((f) => f.name).join(", ")}`);
      if (seen.earlier > 0)
        lines.push(`Berkas yang sudah Anda terima sebelumnya (${seen.earlier}): ketik /dokumen ${kase.code} untuk menerimanya lagi.`);
      const actions = await offer(tx, task, many ? ["take"] : stepActions(kase, step, task), at);
      await notifyOfficial(tx, c.officialId, lines.join("\n"), at, {
        actions,
        caseId: kase.id,
        taskId: task.id,
        ...(seen.attach.length > 0 ? { fileIds: seen.attach.map((f) => f.id) } : {}),
      });
    }
  }

  /** Marks a case as seen by an official (after /kasus shows them everything). */
  async function markSeen(tx: EngineTx, kase: CaseRow, officialId: string): Promise<void> {
    const entries = await tx.entriesOfCase(kase.id);
    await catchUp(tx, kase, officialId, entries, { files: false, answers: true });
  }

  /** Sends files of a case to an official on request (/dokumen), and remembers they have them. */
  async function filesFor(
    tx: EngineTx,
    kase: CaseRow,
    officialId: string,
    pick?: number,
  ): Promise<{ names: string[]; fileIds: string[]; total: number }> {
    const all = await tx.filesOfCase(kase.id);
    const chosen = pick !== undefined ? all.slice(pick - 1, pick) : all.slice(-FILES_PER_MESSAGE);
    const view = await viewOf(tx, officialId, kase.id);
    await tx.saveCaseView({ ...view, sentFileIds: [...new Set([...view.sentFileIds, ...chosen.map((f) => f.id)])] });
    return { names: chosen.map((f) => f.name), fileIds: chosen.map((f) => f.id), total: all.length };
  }

  return {
    notifyOfficial,
    notifyApplicant,
    notifyOpener,
    offer,
    closeTaskMessages,
    chatOf,
    stepActions,
    sendStepMessage,
    catchUp,
    markSeen,
    filesFor,
    viewOf,
    assignees: assign.assignees,
  };
}

export type Notices = ReturnType<typeof createNotices>;
