// The outbox rows for the dispatcher, and the admin's view of failures.
import type { ActionRef, OutboxRow } from "../engine/case-ports.ts";
import { renderWithChoices } from "../engine/choices-text.ts";
import type { ClaimedRow, OutboxPort } from "../engine/outbox-dispatcher.ts";
import type { ChannelName } from "../engine/types.ts";
import type { Database, Tx } from "./database.ts";
import type { OutboxMessage } from "./generated/client.ts";
import { outboxColumns, outboxInsert } from "./outbox-rows.ts";
import { assignments, empty, ident, insertReturningId, join, sql, type Sql } from "./sql.ts";
import { executeStatement, queryRows } from "./raw-statements.ts";

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
    partsSent: m.partsSent,
    mergedIntoId: m.mergedIntoId,
    ...(m.dedupeKey ? { dedupeKey: m.dedupeKey } : {}),
    status: m.status as OutboxRow["status"],
    attempts: m.attempts,
    nextAttemptAt: m.nextAttemptAt,
    lastError: m.lastError,
    createdAt: m.createdAt,
  };
}

const unclaimed = { claimedBy: null, claimedUntil: null };

/**
 * The rows a claim may take, oldest first: each chat's head, the oldest pending new message of its
 * chat (its edits when none waits; a busy official gets the next task before the last outcome). Only
 * heads are sent, so a chat's messages keep their order. Found through the (channel, chatId, status,
 * id) index. A row claimed under the claimer's own name counts as free: one dispatcher's passes never
 * overlap, so such a claim is left from before a crash of this same instance.
 */
const claimableHeads = (now: Date, limit: number, channels: ChannelName[], holder: string) => sql`
  SELECT o."id" FROM "OutboxMessage" o
  WHERE o."status" = 'pending' AND o."channel" IN (${join(channels)}) AND o."nextAttemptAt" <= ${now}
    AND (o."claimedUntil" IS NULL OR o."claimedUntil" < ${now} OR o."claimedBy" = ${holder})
    AND NOT EXISTS (SELECT 1 FROM "OutboxMessage" p
                    WHERE p."channel" = o."channel" AND p."chatId" = o."chatId" AND p."status" = 'pending'
                      AND (CASE WHEN o."editOfId" IS NULL THEN p."editOfId" IS NULL AND p."id" < o."id"
                                ELSE p."editOfId" IS NULL OR p."id" < o."id" END))
  ORDER BY o."id" LIMIT ${limit}`;

/**
 * Claims the heads for `holder` until `until`, in one statement. SQLite has one writer: finding the
 * heads and marking them (UPDATE … RETURNING) runs in the write gate's order and cannot race.
 * PostgreSQL: several instances claim at once; heads are locked with SKIP LOCKED, so two claimers
 * never take the same row and never wait for each other, and a row behind a locked (being claimed)
 * head is not a head, so a chat is never sent by two instances at once.
 */
function claimHeads(
  db: Database,
  now: Date,
  limit: number,
  channels: ChannelName[],
  holder: string,
  until: Date,
): Promise<ClaimedMessage[]> {
  const heads = claimableHeads(now, limit, channels, holder);
  // What the dispatcher would otherwise read per row: whether anything due waits behind the head,
  // and for an edit the message it edits (the combined message's, when that one joined one).
  const around = (m: Sql) => sql`
    EXISTS (SELECT 1 FROM "OutboxMessage" q WHERE q."channel" = ${m}."channel" AND q."chatId" = ${m}."chatId"
            AND q."status" = 'pending' AND q."id" > ${m}."id" AND q."nextAttemptAt" <= ${now}) AS "behind",
    (SELECT COALESCE(l."platformMessageId", CASE WHEN t."mergedIntoId" IS NULL THEN t."platformMessageId" END)
       FROM "OutboxMessage" t LEFT JOIN "OutboxMessage" l ON l."id" = t."mergedIntoId"
       WHERE t."id" = ${m}."editOfId") AS "targetMessageId",
    (SELECT t."mergedIntoId" FROM "OutboxMessage" t WHERE t."id" = ${m}."editOfId") AS "targetMergedIntoId"`;
  const claim =
    db.provider === "postgres"
      ? sql`
        WITH heads AS (${heads} FOR UPDATE SKIP LOCKED)
        UPDATE "OutboxMessage" m SET "claimedBy" = ${holder}, "claimedUntil" = ${until}
        FROM heads WHERE m."id" = heads."id"
        RETURNING m.*, ${around(ident("m"))}`
      : sql`
        UPDATE "OutboxMessage" SET "claimedBy" = ${holder}, "claimedUntil" = ${until}
        WHERE "id" IN (${heads})
        RETURNING *, ${around(ident("OutboxMessage"))}`;
  return db.execute((tx) => queryRows<ClaimedMessage>(tx, claim));
}

type ClaimedMessage = OutboxMessage & { behind: boolean | number; targetMessageId: string | null; targetMergedIntoId: number | null };

function toClaimed(m: ClaimedMessage): ClaimedRow {
  const row: ClaimedRow = { ...toRow(m), behind: Boolean(m.behind) };
  if (m.editOfId !== null) row.target = { platformMessageId: m.targetMessageId, mergedIntoId: m.targetMergedIntoId };
  return row;
}

/**
 * Rows join the message `carrierId` sends, in one statement: they leave the queue (merged into it)
 * and the carrier shows `shown`. The carrier and the `queued` rows keep their status and claim; a
 * combined message's lead no longer stands for one task's prompt (`keepsTask` false).
 */
function joinInto(
  carrierId: number,
  ids: number[],
  shown: { text: string; actions: ActionRef[] },
  keep: { queued: number[]; keepsTask: boolean },
): Sql {
  const actions = shown.actions.length > 0 ? JSON.stringify(shown.actions) : null;
  const isCarrier = sql`"id" = ${carrierId}`;
  const stays = sql`"id" IN (${join([carrierId, ...keep.queued])})`;
  return sql`
    UPDATE "OutboxMessage" SET
      "status" = CASE WHEN ${stays} THEN "status" ELSE 'merged' END,
      "mergedIntoId" = CASE WHEN ${isCarrier} THEN "mergedIntoId" ELSE ${carrierId} END,
      "claimedBy" = CASE WHEN ${stays} THEN "claimedBy" END,
      "claimedUntil" = CASE WHEN ${stays} THEN "claimedUntil" END,
      "text" = CASE WHEN ${isCarrier} THEN ${shown.text} ELSE "text" END,
      "actions" = CASE WHEN ${isCarrier} THEN ${actions} ELSE "actions" END
      ${keep.keepsTask ? empty : sql`, "taskId" = CASE WHEN ${isCarrier} THEN NULL ELSE "taskId" END`}
    WHERE "id" IN (${join([carrierId, ...ids, ...keep.queued])}) RETURNING *`;
}

/** Marks one row: a single statement, so no transaction around it. */
const mark = (db: Database, id: number, patch: Record<string, unknown>) =>
  db
    .execute((tx) => executeStatement(tx, sql`UPDATE "OutboxMessage" SET ${join(assignments(patch), ", ")} WHERE "id" = ${id}`))
    .then(() => undefined);

export interface OutboxStore extends OutboxPort {
  failed(limit: number): Promise<OutboxRow[]>;
  pending(): Promise<number>;
  /** The text (with its choices, as WhatsApp showed them) of a message sent with this platform id. */
  sentText(channel: ChannelName, platformMessageId: string): Promise<string | null>;
}

export function createOutboxStore(db: Database): OutboxStore {
  return {
    // Claims go through the write gate too: on SQLite's single connection, a read outside it could
    // see rows of a transaction that is still open (and may yet roll back).
    // Claims go through the write gate, and so do the small reads after them: between two of the gate's
    // tasks the writer connection holds no open transaction, so they read committed rows, from a warm
    // cache (on SQLite the reader connection's cache is cold after every commit: 100+ µs a read there).
    async claim(now, limit, channels, holder, until) {
      if (channels.length === 0) return [];
      const rows = await claimHeads(db, now, limit, channels, holder, until);
      return rows.map(toClaimed).sort((a, b) => a.id - b.id);
    },
    markSent: (id, at, platformMessageId) =>
      db
        .execute((tx) =>
          executeStatement(
            tx,
            sql`
            UPDATE "OutboxMessage" SET "status" = 'sent', "sentAt" = ${at}, "attempts" = "attempts" + 1,
              "claimedBy" = NULL, "claimedUntil" = NULL ${platformMessageId ? sql`, "platformMessageId" = ${platformMessageId}` : empty}
            WHERE "id" = ${id}`,
          ),
        )
        .then(() => undefined),
    markPartSent: (id, partsSent, platformMessageId) => mark(db, id, { partsSent, platformMessageId: platformMessageId ?? undefined }),
    async queuedBehind(row, now, limit) {
      const rows = await db.execute((tx) =>
        queryRows<OutboxMessage>(
          tx,
          sql`
          SELECT * FROM "OutboxMessage" WHERE "channel" = ${row.channel} AND "chatId" = ${row.chatId} AND "status" = 'pending'
            AND "id" > ${row.id} AND "nextAttemptAt" <= ${now}
          ORDER BY "id" LIMIT ${limit}`,
        ),
      );
      return rows.map(toRow);
    },
    async supersede(ids, byId, latest) {
      if (ids.length === 0) return;
      // The carrier shows the latest, so that a retry of its send (a 429, a restart) shows it too.
      await db.execute((tx) => queryRows(tx, joinInto(byId, ids, latest, { queued: [], keepsTask: true })));
    },
    async membersOf(leadId) {
      const rows = await db.execute((tx) =>
        queryRows<OutboxMessage>(tx, sql`SELECT * FROM "OutboxMessage" WHERE "mergedIntoId" = ${leadId} ORDER BY "id"`),
      );
      return rows.map(toRow);
    },
    async merge(lead, joining, combined, first, sending) {
      // The row being sent (an edit that re-draws the combined message) joins it but stays in the
      // queue, claimed, until it is marked sent: a refused send (a 429, pacing) or a crash retries it.
      const statement = joinInto(
        lead.id,
        joining.map((j) => j.id),
        combined,
        { queued: sending === undefined ? [] : [sending], keepsTask: false },
      );
      const update = (tx: Tx) => queryRows<OutboxMessage>(tx, statement);
      const rows = !first
        ? await db.execute(update)
        : await db.write(async (tx) => {
            // The lead's own message becomes a member; what aimed at it (edits, its task's prompt) follows.
            const { editOfId: _edit, fileIds: _files, dedupeKey: _key, ...ownMessage } = lead;
            const own = await insertReturningId(
              tx,
              "OutboxMessage",
              outboxColumns,
              outboxInsert(ownMessage, lead, { status: "merged", mergedIntoId: lead.id }),
            );
            await executeStatement(tx, sql`UPDATE "OutboxMessage" SET "editOfId" = ${own} WHERE "editOfId" = ${lead.id}`);
            for (const j of joining) if (j.editOfId === lead.id) j.editOfId = own;
            return update(tx);
          });
      return toRow(rows.find((r) => r.id === lead.id)!);
    },
    markRetry: (id, attempts, nextAttemptAt, error) =>
      mark(db, id, { attempts, nextAttemptAt, lastError: error.slice(0, 500), ...unclaimed }),
    markFailed: (id, attempts, error) => mark(db, id, { status: "failed", attempts, lastError: error.slice(0, 500), ...unclaimed }),
    async failed(limit) {
      return (await db.prisma.outboxMessage.findMany({ where: { status: "failed" }, orderBy: { id: "desc" }, take: limit })).map(toRow);
    },
    pending: () => db.prisma.outboxMessage.count({ where: { status: "pending" } }),
    async sentText(channel, platformMessageId) {
      const row = await db.prisma.outboxMessage.findFirst({ where: { channel, platformMessageId }, orderBy: { id: "desc" } });
      if (!row) return null;
      const actions = row.actions ? (JSON.parse(row.actions) as ActionRef[]) : [];
      return renderWithChoices(row.text, actions);
    },
  };
}
