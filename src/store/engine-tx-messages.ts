// The case engine's ports for messages: inbound receipts, pending prompts, the outbox, the choices
// a message offered, stored files, bulk actions and what each official last saw of a case.
import type { ActionRef, CaseViewRow, EngineTx, PromptRow } from "../engine/case-ports.ts";
import type { ChannelName } from "../engine/types.ts";
import type { Tx } from "./database.ts";
import type { DirectoryView } from "./engine-tx-people.ts";
import { outboxColumns, outboxInsert, type OutboxInsert } from "./outbox-rows.ts";
import { insertRows, insertStatements, join, one, onConflictUpdate, sql } from "./sql.ts";
import { unchecked, type HeldWrite } from "./write-batch.ts";
import { executeStatement, queryRows } from "./raw-statements.ts";

const promptColumns = ["chatKey", "officialId", "kind", "token", "caseId", "createdAt"] as const;
const viewColumns = ["viewer", "caseId", "lastEntryId", "sentFileIds", "answersShown"] as const;

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
 * The ports, and `heldWrites`, what they held back until the transaction's end: its messages (all in
 * one statement, in the order they were queued; written earlier before a read of the outbox), what
 * officials have seen, the questions ended.
 */
export function messagePorts(tx: Tx, directory?: DirectoryView): { ports: MessagePorts; heldWrites(): HeldWrite[] } {
  const queued: OutboxInsert[] = [];
  /** The queued messages, written before a read of the outbox. */
  const flush = async () => {
    if (queued.length > 0) await insertRows(tx, "OutboxMessage", outboxColumns, queued.splice(0));
  };
  /** Chats whose pending question this transaction ended: removed at its end (one asked again meanwhile stays). */
  const cleared = new Set<string>();
  /** What each official has now seen of a case: written at the transaction's end, read from here until then. */
  const views = new Map<string, CaseViewRow>();
  const viewKey = (viewer: string, caseId: string) => `${viewer}\u0000${caseId}`;
  /** The outbox rows queued, the questions ended and the views saved so far, as writes (no longer held). */
  const heldWrites = (): HeldWrite[] => {
    const writes = unchecked(insertStatements("OutboxMessage", outboxColumns, queued.splice(0)));
    const seen = [...views.values()].map((v) => ({ ...v, sentFileIds: JSON.stringify(v.sentFileIds) }));
    views.clear();
    writes.push(
      ...unchecked(insertStatements("CaseView", viewColumns, seen, onConflictUpdate(["viewer", "caseId"], viewColumns.slice(2)))),
    );
    if (cleared.size > 0) writes.push({ sql: sql`DELETE FROM "PendingPrompt" WHERE "chatKey" IN (${join([...cleared])})` });
    cleared.clear();
    return writes;
  };
  const ports: MessagePorts = {
    async recordInbound(channel, messageId, at) {
      // One statement: a redelivered message inserts nothing (both dialects know ON CONFLICT DO NOTHING).
      // It brings the directory's version along, so the transaction need not ask for it again.
      const [inserted] = await queryRows<{ directoryVersion: number | bigint | null }>(
        tx,
        sql`
        INSERT INTO "InboundReceipt" ("channel", "messageId", "receivedAt")
        VALUES (${channel}, ${messageId}, ${at}) ON CONFLICT DO NOTHING
        RETURNING (SELECT "version" FROM "DirectoryVersion" WHERE "id" = 1) AS "directoryVersion"`,
      );
      if (inserted) directory?.versionRead(Number(inserted.directoryVersion ?? 0));
      return inserted !== undefined;
    },
    async setPrompt(row) {
      cleared.delete(row.chatKey);
      const update = onConflictUpdate(
        ["chatKey"],
        promptColumns.filter((c) => c !== "chatKey"),
      );
      await insertRows(tx, "PendingPrompt", promptColumns, [row], update);
    },
    async prompt(chatKey) {
      if (cleared.has(chatKey)) return null;
      const p = await one<Omit<PromptRow, "kind"> & { kind: string }>(tx, sql`SELECT * FROM "PendingPrompt" WHERE "chatKey" = ${chatKey}`);
      return p ? { ...p, kind: p.kind as PromptRow["kind"] } : null;
    },
    async clearPrompt(chatKey) {
      // Held to the transaction's end, with its other writes (one statement on PostgreSQL).
      cleared.add(chatKey);
    },
    async enqueue(draft, at) {
      if (draft.dedupeKey) {
        if (queued.some((q) => q.dedupeKey === draft.dedupeKey)) return;
        const exists = await queryRows<unknown>(tx, sql`SELECT 1 FROM "OutboxMessage" WHERE "dedupeKey" = ${draft.dedupeKey}`);
        if (exists.length > 0) return;
      }
      queued.push(outboxInsert(draft, { nextAttemptAt: at, createdAt: at }));
    },
    async actionMessagesOfTask(taskId) {
      await flush();
      // Each choice message with its edits (oldest first), in one statement: the latest edit says what it shows now.
      const rows = await queryRows<{
        id: number;
        channel: string;
        chatId: string;
        text: string;
        editText: string | null;
        editActions: string | null;
        editId: number | null;
      }>(
        tx,
        sql`
        SELECT m."id", m."channel", m."chatId", m."text", e."id" AS "editId", e."text" AS "editText", e."actions" AS "editActions"
        FROM "OutboxMessage" m LEFT JOIN "OutboxMessage" e ON e."editOfId" = m."id"
        WHERE m."taskId" = ${taskId} AND m."actions" IS NOT NULL AND m."editOfId" IS NULL
        ORDER BY m."id", e."id"`,
      );
      const shown = new Map<number, { id: number; channel: ChannelName; chatId: string; text: string } | null>();
      for (const r of rows) {
        const edited = r.editId !== null;
        if (edited && !r.editActions) shown.set(r.id, null);
        else
          shown.set(r.id, {
            id: r.id,
            channel: r.channel as ChannelName,
            chatId: r.chatId,
            text: edited ? (r.editText ?? r.text) : r.text,
          });
      }
      return [...shown.values()].filter((m) => m !== null);
    },
    async recordFile(row) {
      await tx.storedFile.create({ data: row });
    },
    async attachFile(fileId, caseId, taskId) {
      await tx.storedFile.update({ where: { id: fileId }, data: { caseId, taskId } });
    },
    async filesOfCase(caseId) {
      const files = await queryRows<{
        id: string;
        originalName: string;
        channel: string;
        uploaderId: string;
        openerChannel: string | null;
        openerChatId: string | null;
        openedByOfficialId: string | null;
      }>(
        tx,
        sql`
        SELECT f."id", f."originalName", f."channel", f."uploaderId", c."openerChannel", c."openerChatId", c."openedByOfficialId"
        FROM "StoredFile" f LEFT JOIN "Case" c ON c."id" = f."caseId"
        WHERE f."caseId" = ${caseId} ORDER BY f."createdAt", f."id"`,
      );
      // A file came from the applicant when it was sent from the chat that opened the case.
      const fromApplicant = (f: (typeof files)[number]) =>
        f.openedByOfficialId === null &&
        f.channel === f.openerChannel &&
        (f.openerChatId === f.uploaderId || f.openerChatId === `console:${f.uploaderId}`);
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
      const held = views.get(viewKey(viewer, caseId));
      if (held) return held;
      const row = await one<{ viewer: string; caseId: string; lastEntryId: number; sentFileIds: string; answersShown: boolean | number }>(
        tx,
        sql`SELECT * FROM "CaseView" WHERE "viewer" = ${viewer} AND "caseId" = ${caseId}`,
      );
      return row ? { ...row, answersShown: Boolean(row.answersShown), sentFileIds: JSON.parse(row.sentFileIds) as string[] } : null;
    },
    async saveCaseView(row) {
      views.set(viewKey(row.viewer, row.caseId), row);
    },
  };
  return { ports, heldWrites };
}
