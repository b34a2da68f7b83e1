// The case engine's ports for messages: inbound receipts, pending prompts, the outbox, the choices
// a message offered, stored files, bulk actions and what each official last saw of a case.
import type { ActionRef, EngineTx, PromptRow } from "../engine/case-ports.ts";
import type { ChannelName } from "../engine/types.ts";
import type { Tx } from "./database.ts";
import type { DirectoryView } from "./engine-tx-people.ts";
import type { Prisma } from "./generated/client.ts";

type MessagePorts = Pick<
  EngineTx,
  | "recordInbound"
  | "setPrompt"
  | "prompt"
  | "clearPrompt"
  | "enqueue"
  | "actionMessagesOfTask"
  | "recordFile"
  | "attachFile"
  | "filesOfCase"
  | "choicesOfMessage"
  | "rememberAlias"
  | "latestChoices"
  | "createBulk"
  | "bulk"
  | "caseView"
  | "saveCaseView"
>;

/**
 * The ports, and `flush`, which writes the outbox rows they buffered: all of a transaction's messages
 * in one statement at its end (or before a read of the outbox), in the order they were queued.
 */
export function messagePorts(tx: Tx, directory?: DirectoryView): { ports: MessagePorts; flush(): Promise<void> } {
  const queued: Prisma.OutboxMessageCreateManyInput[] = [];
  const flush = async () => {
    if (queued.length > 0) await tx.outboxMessage.createMany({ data: queued.splice(0) });
  };
  const ports: MessagePorts = {
    async recordInbound(channel, messageId, at) {
      // One statement: a redelivered message inserts nothing (both dialects know ON CONFLICT DO NOTHING).
      const inserted = await tx.$executeRaw`
        INSERT INTO "InboundReceipt" ("channel", "messageId", "receivedAt")
        VALUES (${channel}, ${messageId}, ${at}) ON CONFLICT DO NOTHING`;
      return inserted === 1;
    },
    async setPrompt(row) {
      await tx.pendingPrompt.upsert({ where: { chatKey: row.chatKey }, create: row, update: row });
    },
    async prompt(chatKey) {
      const p = await tx.pendingPrompt.findUnique({ where: { chatKey } });
      return p ? { ...p, kind: p.kind as PromptRow["kind"] } : null;
    },
    async clearPrompt(chatKey) {
      await tx.pendingPrompt.deleteMany({ where: { chatKey } });
    },
    async enqueue(draft, at) {
      if (draft.dedupeKey) {
        if (queued.some((q) => q.dedupeKey === draft.dedupeKey)) return;
        const exists = await tx.outboxMessage.findUnique({ where: { dedupeKey: draft.dedupeKey } });
        if (exists) return;
      }
      queued.push({
        channel: draft.channel,
        chatId: draft.chatId,
        text: draft.text,
        actions: draft.actions && draft.actions.length > 0 ? JSON.stringify(draft.actions) : null,
        caseId: draft.caseId ?? null,
        taskId: draft.taskId ?? null,
        editOfId: draft.editOfId ?? null,
        fileIds: draft.fileIds && draft.fileIds.length > 0 ? JSON.stringify(draft.fileIds) : null,
        dedupeKey: draft.dedupeKey ?? null,
        nextAttemptAt: at,
        createdAt: at,
      });
    },
    async actionMessagesOfTask(taskId) {
      await flush();
      const rows = await tx.outboxMessage.findMany({ where: { taskId, actions: { not: null }, editOfId: null }, orderBy: { id: "asc" } });
      if (rows.length === 0) return [];
      const edits = await tx.outboxMessage.findMany({
        where: { editOfId: { in: rows.map((r) => r.id) } },
        orderBy: { id: "asc" },
        select: { editOfId: true, text: true, actions: true },
      });
      const latest = new Map(edits.map((e) => [e.editOfId, e]));
      return rows.flatMap((r) => {
        const edit = latest.get(r.id);
        if (edit && !edit.actions) return [];
        return [{ id: r.id, channel: r.channel as ChannelName, chatId: r.chatId, text: edit?.text ?? r.text }];
      });
    },
    async recordFile(row) {
      await tx.storedFile.create({ data: row });
    },
    async attachFile(fileId, caseId, taskId) {
      await tx.storedFile.update({ where: { id: fileId }, data: { caseId, taskId } });
    },
    async filesOfCase(caseId) {
      const files = await tx.storedFile.findMany({ where: { caseId }, orderBy: { createdAt: "asc" } });
      if (files.length === 0) return [];
      const kase = await tx.case.findUnique({
        where: { id: caseId },
        select: { openerChannel: true, openerChatId: true, openedByOfficialId: true },
      });
      // A file came from the applicant when it was sent from the chat that opened the case.
      const fromApplicant = (f: { channel: string; uploaderId: string }) =>
        kase !== null &&
        kase.openedByOfficialId === null &&
        f.channel === kase.openerChannel &&
        (kase.openerChatId === f.uploaderId || kase.openerChatId === `console:${f.uploaderId}`);
      return files.map((f) => ({ id: f.id, name: f.originalName, byApplicant: fromApplicant(f) }));
    },
    async choicesOfMessage(channel, chatId, platformMessageId) {
      await flush();
      const row = await tx.outboxMessage.findFirst({ where: { channel, chatId, platformMessageId, actions: { not: null } } });
      return row ? { id: row.id, caseId: row.caseId, actions: JSON.parse(row.actions ?? "[]") as ActionRef[] } : null;
    },
    async rememberAlias(channel, externalId, alias) {
      directory?.changed();
      await tx.chatIdentity.updateMany({
        where: { channel, externalId, OR: [{ alias: null }, { alias: { not: alias } }] },
        data: { alias },
      });
    },
    async latestChoices(channel, chatId) {
      await flush();
      // Only a message the person can have seen (sent). A prompt closed since then is still found:
      // its tokens can no longer act, and pressing one gets the precise reason why.
      const row = await tx.outboxMessage.findFirst({
        where: { channel, chatId, actions: { not: null }, editOfId: null, status: "sent" },
        orderBy: { id: "desc" },
      });
      if (!row) return null;
      return { id: row.id, caseId: row.caseId, actions: JSON.parse(row.actions ?? "[]") as ActionRef[] };
    },
    async createBulk(row) {
      await tx.bulkAction.create({ data: { ...row, tasks: JSON.stringify(row.tasks) } });
    },
    async bulk(id) {
      const row = await tx.bulkAction.findUnique({ where: { id } });
      return row
        ? { ...row, action: row.action as "done" | "approve", tasks: JSON.parse(row.tasks) as { taskId: string; visit: number }[] }
        : null;
    },
    async caseView(viewer, caseId) {
      const row = await tx.caseView.findUnique({ where: { viewer_caseId: { viewer, caseId } } });
      return row ? { ...row, sentFileIds: JSON.parse(row.sentFileIds) as string[] } : null;
    },
    async saveCaseView(row) {
      const data = { ...row, sentFileIds: JSON.stringify(row.sentFileIds) };
      await tx.caseView.upsert({ where: { viewer_caseId: { viewer: row.viewer, caseId: row.caseId } }, create: data, update: data });
    },
  };
  return { ports, flush };
}
