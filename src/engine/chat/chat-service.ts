// Answers every inbound chat message. Each message is handled in one transaction: the message id is
// recorded (a redelivered message does nothing), the applicant's side, a press, a command or an
// answer to a question runs, and every reply is written to the outbox. The caller flushes the
// outbox after the commit. An official's command that only reads (see command.ts) runs before that
// transaction on a read-only view; the transaction then records the message, what the command
// handed to `record`, and the replies. This file only routes; commands are modules in ./commands.
import { caseTexts, refusals } from "../case-messages.ts";
import type { EngineTx, OutboxDraft } from "../case-ports.ts";
import type { Reply } from "../case-engine.ts";
import { fileTexts } from "../file-ports.ts";
import { messages } from "../messages.ts";
import type { InboundMessage } from "../types.ts";
import { createCommandRegistry, runsOutside } from "./command.ts";
import { caseCommands } from "./commands/cases.ts";
import { delegationCommands } from "./commands/delegation.ts";
import { privacyCommands } from "./commands/privacy.ts";
import { generalCommands } from "./commands/general.ts";
import { officeCommands } from "./commands/office.ts";
import type { ChatServiceDeps } from "./deps.ts";
import { cleanInbound, isPlainKeyword, keywordCommand, parseCommand } from "./inbound-text.ts";
import { createRateLimiter } from "./rate-limit.ts";

export type { ChatServiceDeps } from "./deps.ts";
export { keywordCommand, parseCommand } from "./inbound-text.ts";

export interface ChatService {
  /** Handles one message; replies are in the outbox when this resolves. */
  handle(message: InboundMessage): Promise<void>;
  /**
   * A read-only check of a button press, so a channel can answer it at once: the refusal text for
   * a foreign, stale or repeated press, or null when the engine should handle it. The engine
   * checks again inside its transaction.
   */
  precheckAction(message: InboundMessage): Promise<string | null>;
  /** True when the chat identity belongs to an enrolled official. */
  isOfficial(channel: InboundMessage["channel"], senderId: string): Promise<boolean>;
}

export function createChatService(deps: ChatServiceDeps): ChatService {
  const { store, engine, clock } = deps;
  const limiter = createRateLimiter(deps.publicRateLimit ?? 30, () => clock.now().getTime());
  const registry = createCommandRegistry([
    ...generalCommands(deps, (isAdmin, positions) => officialHelp(isAdmin, positions)),
    ...caseCommands(deps),
    ...delegationCommands(deps),
    ...officeCommands(deps),
    ...privacyCommands(deps),
  ]);
  const officialHelp = (isAdmin: boolean, positions: readonly string[]) =>
    ["Perintah pejabat:", ...registry.officialHelp(isAdmin, positions), "Pilihan pada pesan tugas dapat dijawab dengan nomornya."].join(
      "\n",
    );

  async function route(tx: EngineTx, message: InboundMessage, onDiscard: (ids: string[]) => void): Promise<Reply[]> {
    const official = await tx.officialByIdentity(message.channel, message.senderId);
    const actor = official ? { official, channel: message.channel, chatId: message.chatId } : null;
    const chatKey = `${message.channel}:${message.chatId}`;
    if (message.senderAlias) await tx.rememberAlias(message.channel, message.senderId, message.senderAlias);
    if (!official) {
      const limit = limiter.check(chatKey);
      if (limit === "drop") return [];
      if (limit === "warn") return [{ text: "Pesan Anda terlalu banyak dalam waktu singkat. Mohon tunggu satu menit, lalu lanjutkan." }];
    }

    if (message.unsupported) return [{ text: messages.unsupported(message.unsupported) }];

    if (message.attachment && "rejected" in message.attachment) {
      const { rejected, maxMb } = message.attachment;
      return [
        {
          text:
            rejected === "too-large"
              ? fileTexts.tooLarge(maxMb)
              : rejected === "type"
                ? fileTexts.wrongType
                : rejected === "empty"
                  ? fileTexts.empty
                  : fileTexts.failed,
        },
      ];
    }

    if (message.action) {
      if (!actor) return [{ text: refusals.notOfficial }];
      await tx.clearPrompt(chatKey);
      return engine.pressIn(tx, actor, message.action.token);
    }

    let text = message.attachment ? "" : (message.text?.trim() ?? "");
    // A keyword is a command (WhatsApp users cannot tap a menu of slash commands), except while a
    // free-text answer is awaited (a reason or a form answer may begin with "status …") and from
    // people who are not officials (their words go to their case); then only a keyword on its own counts.
    if (text && !text.startsWith("/")) {
      const answering = (await tx.prompt(chatKey)) !== null || (await tx.formSession(chatKey))?.kind === "form";
      const keyword = answering
        ? /^(batal|bantuan|status|layanan)$/i.test(text) || /^status\s+\d{1,2}[- ]?[a-z0-9]{5}$/i.test(text)
        : !official
          ? isPlainKeyword(text)
          : true;
      if (keyword) text = keywordCommand(text);
    }
    const command = parseCommand(text);

    // The applicant's side (service menu, forms, messages into their cases, STATUS) comes first.
    const applicantReply = await deps.applicants.route(tx, message, official, command, text);
    if (applicantReply) return applicantReply;

    if (message.attachment && "file" in message.attachment) {
      const file = message.attachment.file;
      if (actor) {
        const answered = await engine.answerPromptIn(tx, actor, message.text?.trim() || `Berkas: ${file.name}`, file.id);
        if (answered) return answered;
      }
      onDiscard([file.id]);
      return [{ text: fileTexts.notExpected }];
    }

    if (command) {
      const found = registry.find(command.command);
      if (!found) return [{ text: messages.unknownCommand(`/${command.command}`) }];
      if (command.command !== "batal") await tx.clearPrompt(chatKey);
      const base = {
        tx,
        message,
        official,
        actor,
        args: command.args,
        chatKey,
        record: async (write: (t: EngineTx) => Promise<unknown>) => void (await write(tx)),
        insideWrite: true,
      };
      if (found.audience === "anyone") return found.run(base);
      if (!official || !actor) return [{ text: refusals.notOfficial }];
      return found.run({ ...base, official, actor });
    }

    // A number answers the prompt it quotes, or else the newest numbered choice sent to this chat.
    if (/^\d{1,2}$/.test(text)) {
      if (!actor) return [{ text: refusals.notOfficial }];
      const quoted = message.replyTo ? await tx.choicesOfMessage(message.channel, message.chatId, message.replyTo.platformMessageId) : null;
      if (message.replyTo && !quoted) return [{ text: refusals.quotedNoChoices }];
      const latest = quoted ?? (await tx.latestChoices(message.channel, message.chatId));
      if (!latest) return [{ text: refusals.noChoices }];
      const index = Number(text);
      const choice = latest.actions[index - 1];
      if (!choice) return [{ text: refusals.choiceOutOfRange(latest.actions.length) }];
      await tx.clearPrompt(chatKey);
      const kase = latest.caseId ? await tx.caseById(latest.caseId) : null;
      // One message back: which choice was taken, and what came of it.
      const [first, ...rest] = await engine.pressIn(tx, actor, choice.token);
      const chose = caseTexts.chose(index, choice.label, kase?.code ?? "?");
      return first ? [{ ...first, text: `${chose}\n${first.text}` }, ...rest] : [{ text: chose }];
    }

    if (actor && text) {
      const answered = await engine.answerPromptIn(tx, actor, text);
      if (answered) return answered;
    }
    return [{ text: messages.notUnderstood }];
  }

  /** An official's read-only command, run on a read view: its replies and the writes it asked for; null for anything else. */
  async function answerOutside(
    message: InboundMessage,
  ): Promise<{ replies: Reply[]; writes: ((tx: EngineTx) => Promise<unknown>)[] } | null> {
    const raw = message.text?.trim() ?? "";
    if (!raw || message.action || message.attachment || message.unsupported) return null;
    const head = parseCommand(raw.startsWith("/") ? raw : keywordCommand(raw));
    if (!head || !runsOutside(registry.find(head.command), head.args)) return null;
    return store.read(async (view) => {
      const official = await view.officialByIdentity(message.channel, message.senderId);
      const chatKey = `${message.channel}:${message.chatId}`;
      // Only where route() would reach the command: an official, no question or form awaiting an answer.
      if (!official || (await view.prompt(chatKey)) !== null || (await view.formSession(chatKey)) !== null) return null;
      const found = registry.find(head.command);
      if (!found || !runsOutside(found, head.args)) return null;
      const actor = { official, channel: message.channel, chatId: message.chatId };
      const writes: ((tx: EngineTx) => Promise<unknown>)[] = [];
      const context = {
        tx: view,
        message,
        official,
        actor,
        args: head.args,
        chatKey,
        record: async (w: (tx: EngineTx) => Promise<unknown>) => void writes.push(w),
      };
      return { replies: await found.run(context), writes };
    });
  }

  return {
    async precheckAction(raw) {
      const message = cleanInbound(raw);
      const token = message.action?.token;
      if (!token) return null;
      return store.read(
        async (tx) => {
          // The token first: its read brings the directory's version, so the official is looked up in memory.
          const ref = await tx.token(token);
          const official = await tx.officialByIdentity(message.channel, message.senderId);
          if (!official) return refusals.notOfficial;
          if (ref?.taskId.startsWith("bulk:")) return null; // the engine checks who may confirm it
          const task = ref ? await tx.taskById(ref.taskId) : null;
          if (!ref || !task) return refusals.unknownButton;
          const kase = await tx.caseById(task.caseId);
          if (!kase || kase.status !== "open") return refusals.caseClosed;
          // Writing to the applicant stays possible while the case is open; the engine checks who may.
          if (ref.action === "message-applicant") return null;
          if (task.status !== "open" || task.visit !== ref.visit || kase.visit !== ref.visit) return refusals.stale;
          if (!engine.mayAct(task, official.id)) {
            if (task.takenByOfficialId && task.candidates.some((c) => c.officialId === official.id)) {
              return refusals.takenByOther((await tx.official(task.takenByOfficialId))?.name ?? "orang lain");
            }
            return refusals.notYours;
          }
          return null;
          // A guard: the press checks all of it again in its transaction.
        },
        { snapshot: false },
      );
    },
    isOfficial: (channel, senderId) =>
      store.read(async (view) => (await view.officialByIdentity(channel, senderId)) !== null, { snapshot: false }),
    async handle(raw) {
      const message = cleanInbound(raw);
      deps.metrics?.received(message.channel);
      const discarded: string[] = [];
      const early = await answerOutside(message);
      await store.transaction(async (tx) => {
        if (!(await tx.recordInbound(message.channel, message.messageId, message.receivedAt))) return;
        // The sender's own replies go out before the notifications the message caused for others.
        const caused: { draft: OutboxDraft; at: Date }[] = [];
        const buffered: EngineTx = { ...tx, enqueue: async (draft, at) => void caused.push({ draft, at }) };
        let replies: Reply[];
        if (early) {
          if (message.senderAlias) await tx.rememberAlias(message.channel, message.senderId, message.senderAlias);
          await tx.clearPrompt(`${message.channel}:${message.chatId}`);
          for (const write of early.writes) await write(buffered);
          replies = early.replies;
        } else {
          replies = await route(buffered, message, (ids) => discarded.push(...ids));
        }
        for (const reply of replies) {
          discarded.push(...(reply.discardFileIds ?? []));
          await tx.enqueue(
            {
              channel: message.channel,
              chatId: message.chatId,
              text: reply.text,
              ...(reply.actions ? { actions: reply.actions } : {}),
              ...(reply.taskId ? { taskId: reply.taskId } : {}),
              ...(reply.caseId ? { caseId: reply.caseId } : {}),
              ...(reply.fileIds && reply.fileIds.length > 0 ? { fileIds: reply.fileIds } : {}),
            },
            clock.now(),
          );
        }
        for (const { draft, at } of caused) await tx.enqueue(draft, at);
      });
      // Files the sender sent that nothing kept are removed, as the reply told them.
      if (discarded.length > 0 && deps.files) await Promise.all(discarded.map((id) => deps.files?.discard(id)));
    },
  };
}
