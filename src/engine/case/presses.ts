// A press of a choice on a task (a button on Telegram, a number elsewhere), and the text that
// answers the question a press asked (a reason, a note, a message to the applicant).
import { messageProblem, reasonProblem } from "../../domain/reason-check.ts";
import type { StepAction } from "../../domain/case-machine.ts";
import { caseTexts, formatDateTime, reasonRefusal, refusals, stepPosition } from "../case-messages.ts";
import type { CaseRow, EngineTx, PromptRow, TaskRow } from "../case-ports.ts";
import type { Assignment } from "./assignment.ts";
import { isApplicantCase, type Actor, type EngineContext, type Reply } from "./context.ts";
import type { Conversation } from "./conversation.ts";
import type { Notices } from "./notices.ts";
import type { Transitions } from "./transitions.ts";
import type { Bulk } from "./bulk.ts";
import { editableChannels } from "../types.ts";

/** Prompts whose answer is a reason someone else must act on: it must say something. */
const reasonPrompts = new Set<PromptRow["kind"]>(["return-reason", "reject-reason", "request-reason", "cancel-reason"]);

export function createPresses(
  ctx: EngineContext,
  assign: Assignment,
  notices: Notices,
  transitions: Transitions,
  conversation: Conversation,
  bulk: Bulk,
  cancelIn: (tx: EngineTx, actor: Actor, caseId: string, reason: string) => Promise<Reply[]>,
) {
  async function ask(tx: EngineTx, actor: Actor, kind: PromptRow["kind"], token: string, kase: CaseRow, text: string): Promise<Reply[]> {
    await tx.setPrompt({
      chatKey: `${actor.channel}:${actor.chatId}`,
      officialId: actor.official.id,
      kind,
      token,
      caseId: kase.id,
      createdAt: ctx.clock.now(),
    });
    return [{ text }];
  }

  async function pressIn(tx: EngineTx, actor: Actor, tokenValue: string): Promise<Reply[]> {
    const token = await tx.token(tokenValue);
    if (!token) return [{ text: refusals.unknownButton }];
    if (
      token.taskId.startsWith("bulk:") &&
      (token.action === "bulk" || token.action === "bulk-confirm" || token.action === "bulk-cancel")
    ) {
      return bulk.press(tx, actor, token.action, token.taskId.slice("bulk:".length));
    }
    const task = await tx.taskById(token.taskId);
    if (!task) return [{ text: refusals.unknownButton }];
    const kase = await tx.caseById(task.caseId);
    if (!kase || kase.status !== "open") return [{ text: refusals.caseClosed }];
    // Writing to the applicant needs no particular step: it stays possible while the case is open.
    if (token.action === "message-applicant") {
      if (!isApplicantCase(kase)) return [{ text: refusals.notApplicantCase }];
      if (!(await conversation.mayWriteToApplicant(tx, actor.official, kase))) return [{ text: refusals.notYours }];
      return ask(tx, actor, "applicant-message", tokenValue, kase, caseTexts.askMessage(kase));
    }
    if (task.status !== "open" || task.visit !== token.visit || kase.visit !== token.visit) return [{ text: refusals.stale }];
    if (!assign.mayAct(task, actor.official.id)) {
      if (task.takenByOfficialId && task.candidates.some((c) => c.officialId === actor.official.id)) {
        const taker = await tx.official(task.takenByOfficialId);
        return [{ text: refusals.takenByOther(taker?.name ?? "orang lain") }];
      }
      return [{ text: refusals.notYours }];
    }
    const at = ctx.clock.now();
    const sop = await tx.pinnedSop(kase.flowHash);
    const step = ctx.stepOf(sop, task.stepId);
    switch (token.action) {
      case "take": {
        if (task.takenByOfficialId) return [{ text: refusals.stale }];
        await tx.updateTask(task.id, { takenByOfficialId: actor.official.id });
        const office = ctx.officeOf(kase.officeId);
        const role = await assign.actingAs(tx, office, actor.official, task);
        await tx.appendAudit({
          at,
          caseId: kase.id,
          stepId: task.stepId,
          actorOfficialId: actor.official.id,
          actorLabel: actor.official.name,
          actingAs: role,
          action: "step-taken",
          flowHash: kase.flowHash,
        });
        const stepText = stepPosition(sop, step);
        const taken = { ...task, takenByOfficialId: actor.official.id };
        const actions = await notices.offer(tx, taken, notices.stepActions(kase, step, taken), at);
        const when = formatDateTime(at, office.timeZone);
        const mine = `${actor.channel}:${actor.chatId}`;
        // The taker's own prompt turns into the step's choices (where it can be edited); the others
        // show who took it.
        const shown = await notices.closeTaskMessages(
          tx,
          task,
          (m) =>
            `${m.channel}:${m.chatId}` === mine && editableChannels.has(actor.channel)
              ? { text: `${m.text}\n\n✔ Anda mengambil langkah ini, ${when}. Silakan pilih tindakan:`, actions }
              : { text: `${m.text}\n\n✔ Diambil oleh ${actor.official.name} (${role}), ${when}` },
          at,
        );
        for (const c of task.candidates) {
          if (c.officialId === actor.official.id) continue;
          const chat = await notices.chatOf(tx, c.officialId);
          if (chat && shown.has(chat)) continue;
          await notices.notifyOfficial(tx, c.officialId, caseTexts.taken(kase, stepText, `${actor.official.name} (${role})`), at, {
            caseId: kase.id,
          });
        }
        if (shown.has(mine)) return [];
        return [{ text: caseTexts.youTook(kase, stepText), actions, taskId: task.id, caseId: kase.id }];
      }
      case "return":
      case "reject":
        return ask(
          tx,
          actor,
          token.action === "return" ? "return-reason" : "reject-reason",
          tokenValue,
          kase,
          caseTexts.askReason(kase, token.action, isApplicantCase(kase)),
        );
      case "done-note":
        return ask(tx, actor, "done-note", tokenValue, kase, caseTexts.askNote(kase));
      case "done-applicant":
        return ask(tx, actor, "done-applicant-note", tokenValue, kase, caseTexts.askApplicantNote(kase));
      case "ask-applicant":
        return ask(tx, actor, "request-reason", tokenValue, kase, caseTexts.askRequest(kase));
      case "done":
      case "approve":
      case "supplied":
      case "withdraw": {
        const outcome = await transitions.decideStep(tx, actor, task, token.action, undefined);
        return outcome.ok ? outcome.replies : [{ text: outcome.reply }];
      }
      default:
        return [{ text: refusals.unknownButton }];
    }
  }

  /** Completes a pending prompt with free text (a reason, a note, a message) and maybe a file. */
  async function answerPromptIn(tx: EngineTx, actor: Actor, text: string, fileId?: string): Promise<Reply[] | null> {
    const chatKey = `${actor.channel}:${actor.chatId}`;
    const prompt = await tx.prompt(chatKey);
    if (!prompt) return null;
    const discard = fileId ? { discardFileIds: [fileId] } : {};
    if (reasonPrompts.has(prompt.kind)) {
      // A reason must be written; keep the question open and say what is missing.
      if (fileId) return [{ text: refusals.fileNeedsReason, ...discard }];
      const problem = reasonProblem(text);
      if (problem) return [{ text: reasonRefusal(problem) }];
    } else if (!fileId && messageProblem(text)) {
      return [{ text: refusals.messageRequired }];
    }
    const reason = text.trim();
    if (prompt.kind === "cancel-reason") {
      await tx.clearPrompt(chatKey);
      if (!prompt.caseId) return [{ text: refusals.stale }];
      return cancelIn(tx, actor, prompt.caseId, reason);
    }
    const token = prompt.token ? await tx.token(prompt.token) : null;
    const task: TaskRow | null = token ? await tx.taskById(token.taskId) : null;
    await tx.clearPrompt(chatKey);
    if (prompt.kind === "applicant-message") {
      const kase = prompt.caseId ? await tx.caseById(prompt.caseId) : null;
      if (!kase) return [{ text: refusals.stale, ...discard }];
      return conversation.toApplicant(tx, actor.official, kase, reason, fileId);
    }
    if (!token || !task || task.visit !== token.visit || task.status !== "open") return [{ text: refusals.stale, ...discard }];
    if (!assign.mayAct(task, actor.official.id)) return [{ text: refusals.notYours, ...discard }];
    const action: StepAction =
      prompt.kind === "return-reason"
        ? "return"
        : prompt.kind === "reject-reason"
          ? "reject"
          : prompt.kind === "request-reason"
            ? "request"
            : "done";
    const note = reason || undefined;
    const outcome = await transitions.decideStep(tx, actor, task, action, note, {
      forApplicant: prompt.kind === "done-applicant-note",
      ...(fileId ? { fileId } : {}),
    });
    return outcome.ok ? outcome.replies : [{ text: outcome.reply, ...discard }];
  }

  return { pressIn, answerPromptIn };
}

export type Presses = ReturnType<typeof createPresses>;
