// An outbox row as it is inserted: from an engine's draft (engine-tx-messages.ts) or from a combined
// message's lead kept as a member (outbox-store.ts). One list of columns, one mapping.
import type { ActionRef } from "../engine/case-ports.ts";

export const outboxColumns = [
  "channel",
  "chatId",
  "text",
  "actions",
  "caseId",
  "taskId",
  "editOfId",
  "fileIds",
  "dedupeKey",
  "status",
  "mergedIntoId",
  "nextAttemptAt",
  "createdAt",
] as const;

export type OutboxInsert = Record<(typeof outboxColumns)[number], string | number | Date | null>;

/** The row of a message to send: choices and files as JSON, absent values as null. */
export function outboxInsert(
  m: {
    channel: string;
    chatId: string;
    text: string;
    actions?: ActionRef[] | undefined;
    caseId?: string | undefined;
    taskId?: string | undefined;
    editOfId?: number | undefined;
    fileIds?: string[] | undefined;
    dedupeKey?: string | undefined;
  },
  times: { nextAttemptAt: Date; createdAt: Date },
  state: { status: "pending" | "merged"; mergedIntoId: number | null } = { status: "pending", mergedIntoId: null },
): OutboxInsert {
  return {
    channel: m.channel,
    chatId: m.chatId,
    text: m.text,
    actions: m.actions && m.actions.length > 0 ? JSON.stringify(m.actions) : null,
    caseId: m.caseId ?? null,
    taskId: m.taskId ?? null,
    editOfId: m.editOfId ?? null,
    fileIds: m.fileIds && m.fileIds.length > 0 ? JSON.stringify(m.fileIds) : null,
    dedupeKey: m.dedupeKey ?? null,
    status: state.status,
    mergedIntoId: state.mergedIntoId,
    nextAttemptAt: times.nextAttemptAt,
    createdAt: times.createdAt,
  };
}
