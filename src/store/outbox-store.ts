// The outbox rows for the dispatcher, and the admin's view of failures.
import type { ActionRef, OutboxRow } from "../engine/case-ports.ts";
import type { OutboxPort } from "../engine/outbox-dispatcher.ts";
import type { ChannelName } from "../engine/types.ts";
import type { Database } from "./database.ts";
import type { OutboxMessage } from "./generated/client.ts";

function toRow(m: OutboxMessage): OutboxRow {
  return {
    id: m.id,
    channel: m.channel as ChannelName,
    chatId: m.chatId,
    text: m.text,
    ...(m.actions ? { actions: JSON.parse(m.actions) as ActionRef[] } : {}),
    ...(m.caseId ? { caseId: m.caseId } : {}),
    ...(m.taskId ? { taskId: m.taskId } : {}),
    ...(m.editOfId !== null ? { editOfId: m.editOfId } : {}),
    ...(m.fileIds ? { fileIds: JSON.parse(m.fileIds) as string[] } : {}),
    platformMessageId: m.platformMessageId,
    ...(m.dedupeKey ? { dedupeKey: m.dedupeKey } : {}),
    status: m.status as OutboxRow["status"],
    attempts: m.attempts,
    nextAttemptAt: m.nextAttemptAt,
    lastError: m.lastError,
    createdAt: m.createdAt,
  };
}

export function createOutboxStore(db: Database): OutboxPort & { failed(limit: number): Promise<OutboxRow[]>; pending(): Promise<number> } {
  return {
    // Reads go through the write gate too: on the single connection, a read outside it could see
    // rows of a transaction that is still open (and may yet roll back).
    async due(now, limit, excludeChats) {
      const exclude = [...(excludeChats ?? [])].map((key) => {
        const i = key.indexOf(":");
        return { channel: key.slice(0, i), chatId: key.slice(i + 1) };
      });
      const rows = await db.write((tx) =>
        tx.outboxMessage.findMany({
          where: { status: "pending", nextAttemptAt: { lte: now }, ...(exclude.length > 0 ? { NOT: exclude } : {}) },
          orderBy: { id: "asc" },
          take: limit,
        }),
      );
      return rows.map(toRow);
    },
    async waitingChats(now) {
      const rows = await db.write((tx) =>
        tx.outboxMessage.findMany({
          where: { status: "pending", nextAttemptAt: { gt: now } },
          select: { channel: true, chatId: true },
          distinct: ["channel", "chatId"],
        }),
      );
      return new Set(rows.map((r) => `${r.channel}:${r.chatId}`));
    },
    markSent: (id, at, platformMessageId) =>
      db.write((tx) => tx.outboxMessage.update({ where: { id }, data: { status: "sent", sentAt: at, attempts: { increment: 1 }, platformMessageId: platformMessageId ?? null } })).then(() => undefined),
    async platformMessageIdOf(id) {
      const row = await db.write((tx) => tx.outboxMessage.findUnique({ where: { id }, select: { platformMessageId: true, status: true } }));
      return row ? { status: row.status, platformMessageId: row.platformMessageId } : null;
    },
    markRetry: (id, attempts, nextAttemptAt, error) =>
      db.write((tx) => tx.outboxMessage.update({ where: { id }, data: { attempts, nextAttemptAt, lastError: error.slice(0, 500) } })).then(() => undefined),
    markFailed: (id, attempts, error) =>
      db.write((tx) => tx.outboxMessage.update({ where: { id }, data: { status: "failed", attempts, lastError: error.slice(0, 500) } })).then(() => undefined),
    async failed(limit) {
      return (await db.prisma.outboxMessage.findMany({ where: { status: "failed" }, orderBy: { id: "desc" }, take: limit })).map(toRow);
    },
    pending: () => db.prisma.outboxMessage.count({ where: { status: "pending" } }),
  };
}
