// The outbox rows for the dispatcher, and the admin's view of failures.
import type { ActionRef, OutboxRow } from "../engine/case-ports.ts";
import { renderWithChoices } from "../engine/choices-text.ts";
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

// In both claims a row claimed under the claimer's own name counts as free: one dispatcher's passes
// never overlap, so such a claim is left from before a crash of this same instance.

/**
 * SQLite: one writer, so "find the heads, then mark them" in one gated transaction cannot race.
 * A head is the oldest pending new message of its chat (its edits when none waits); only heads are
 * sent, so a chat's messages keep their order.
 */
async function claimOnSqlite(
  db: Database,
  now: Date,
  limit: number,
  channels: ChannelName[],
  holder: string,
  until: Date,
): Promise<number[]> {
  return db.write(async (tx) => {
    // A chat's head is its oldest new message; its edits (outcomes shown on older prompts) go out
    // when no new message waits, so a busy official gets the next task before the last outcome.
    // The grouping is over every pending row of the channels (a chat's head may sit behind a long
    // run of its own edits); the `in` list keeps the query's shape fixed whatever its length (Prisma
    // keeps a compiled plan per shape).
    const where = { status: "pending", channel: { in: channels } };
    const newHeads = await tx.outboxMessage.groupBy({ by: ["channel", "chatId"], where: { ...where, editOfId: null }, _min: { id: true } });
    const anyHeads = await tx.outboxMessage.groupBy({ by: ["channel", "chatId"], where, _min: { id: true } });
    if (anyHeads.length === 0) return [];
    const withNew = new Map(newHeads.map((h) => [`${h.channel}|${h.chatId}`, h._min.id]));
    const headIds = anyHeads.map((h) => withNew.get(`${h.channel}|${h.chatId}`) ?? h._min.id).filter((id): id is number => id !== null);
    const claimable = await tx.outboxMessage.findMany({
      where: {
        id: { in: headIds },
        nextAttemptAt: { lte: now },
        OR: [{ claimedUntil: null }, { claimedUntil: { lt: now } }, { claimedBy: holder }],
      },
      orderBy: { id: "asc" },
      take: limit,
      select: { id: true },
    });
    const ids = claimable.map((c) => c.id);
    if (ids.length > 0) await tx.outboxMessage.updateMany({ where: { id: { in: ids } }, data: { claimedBy: holder, claimedUntil: until } });
    return ids;
  });
}

/** PostgreSQL timestamps are stored without a zone, in UTC. */
const pgTimestamp = (d: Date) => d.toISOString().replace("T", " ").replace("Z", "");

/**
 * PostgreSQL: several instances claim at once. Heads are locked with SKIP LOCKED, so two claimers
 * never take the same row and never wait for each other; a row behind a locked (being claimed)
 * head is not a head, so a chat is never sent by two instances at once.
 */
async function claimOnPostgres(
  db: Database,
  now: Date,
  limit: number,
  channels: ChannelName[],
  holder: string,
  until: Date,
): Promise<number[]> {
  const rows = await db.write((tx) =>
    tx.$queryRawUnsafe<{ id: number }[]>(
      `WITH heads AS (
           SELECT o.id FROM "OutboxMessage" o
           WHERE o.status = 'pending' AND o."nextAttemptAt" <= $1::timestamp AND o.channel = ANY($2::text[])
             AND (o."claimedUntil" IS NULL OR o."claimedUntil" < $1::timestamp OR o."claimedBy" = $4)
             AND NOT EXISTS (SELECT 1 FROM "OutboxMessage" p
                             WHERE p.channel = o.channel AND p."chatId" = o."chatId" AND p.status = 'pending'
                               AND (CASE WHEN o."editOfId" IS NULL THEN p."editOfId" IS NULL AND p.id < o.id
                                         ELSE p."editOfId" IS NULL OR p.id < o.id END))
           ORDER BY o.id
           LIMIT $3
           FOR UPDATE SKIP LOCKED)
         UPDATE "OutboxMessage" m SET "claimedBy" = $4, "claimedUntil" = $5::timestamp
         FROM heads WHERE m.id = heads.id
         RETURNING m.id`,
      pgTimestamp(now),
      channels,
      limit,
      holder,
      pgTimestamp(until),
    ),
  );
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

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
    async claim(now, limit, channels, holder, until) {
      if (channels.length === 0) return [];
      const ids =
        db.provider === "postgres"
          ? await claimOnPostgres(db, now, limit, channels, holder, until)
          : await claimOnSqlite(db, now, limit, channels, holder, until);
      if (ids.length === 0) return [];
      const rows = await db.prisma.outboxMessage.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });
      return rows.map(toRow);
    },
    markSent: (id, at, platformMessageId) =>
      db
        .write((tx) =>
          tx.outboxMessage.update({
            where: { id },
            data: {
              status: "sent",
              sentAt: at,
              attempts: { increment: 1 },
              ...(platformMessageId ? { platformMessageId } : {}),
              ...unclaimed,
            },
          }),
        )
        .then(() => undefined),
    markPartSent: (id, partsSent, platformMessageId) =>
      db
        .write((tx) => tx.outboxMessage.update({ where: { id }, data: { partsSent, ...(platformMessageId ? { platformMessageId } : {}) } }))
        .then(() => undefined),
    async platformMessageIdOf(id) {
      const row = await db.write((tx) =>
        tx.outboxMessage.findUnique({ where: { id }, select: { platformMessageId: true, status: true, mergedIntoId: true } }),
      );
      if (!row) return null;
      if (row.mergedIntoId === null) return { status: row.status, platformMessageId: row.platformMessageId, mergedIntoId: null };
      const lead = await db.write((tx) =>
        tx.outboxMessage.findUnique({ where: { id: row.mergedIntoId ?? 0 }, select: { platformMessageId: true, status: true } }),
      );
      return { status: lead?.status ?? "pending", platformMessageId: lead?.platformMessageId ?? null, mergedIntoId: row.mergedIntoId };
    },
    async queuedBehind(row, now, limit) {
      const rows = await db.write((tx) =>
        tx.outboxMessage.findMany({
          where: { channel: row.channel, chatId: row.chatId, status: "pending", id: { gt: row.id }, nextAttemptAt: { lte: now } },
          orderBy: { id: "asc" },
          take: limit,
        }),
      );
      return rows.map(toRow);
    },
    async supersede(ids, byId) {
      if (ids.length === 0) return;
      await db.write((tx) =>
        tx.outboxMessage.updateMany({ where: { id: { in: ids } }, data: { status: "merged", mergedIntoId: byId, ...unclaimed } }),
      );
    },
    async membersOf(leadId) {
      return (await db.write((tx) => tx.outboxMessage.findMany({ where: { mergedIntoId: leadId }, orderBy: { id: "asc" } }))).map(toRow);
    },
    async merge(lead, joining, combined) {
      const updated = await db.write(async (tx) => {
        const first = (await tx.outboxMessage.count({ where: { mergedIntoId: lead.id } })) === 0;
        if (first) {
          // The lead's own message becomes a member; what aimed at it (edits, its task's prompt) follows.
          const own = await tx.outboxMessage.create({
            data: {
              channel: lead.channel,
              chatId: lead.chatId,
              text: lead.text,
              actions: lead.actions && lead.actions.length > 0 ? JSON.stringify(lead.actions) : null,
              caseId: lead.caseId ?? null,
              taskId: lead.taskId ?? null,
              status: "merged",
              mergedIntoId: lead.id,
              nextAttemptAt: lead.nextAttemptAt,
              createdAt: lead.createdAt,
            },
          });
          await tx.outboxMessage.updateMany({ where: { editOfId: lead.id }, data: { editOfId: own.id } });
          for (const j of joining) if (j.editOfId === lead.id) j.editOfId = own.id;
        }
        await tx.outboxMessage.updateMany({
          where: { id: { in: joining.map((j) => j.id) } },
          data: { status: "merged", mergedIntoId: lead.id, ...unclaimed },
        });
        return tx.outboxMessage.update({
          where: { id: lead.id },
          data: { text: combined.text, actions: combined.actions.length > 0 ? JSON.stringify(combined.actions) : null, taskId: null },
        });
      });
      return toRow(updated);
    },
    markRetry: (id, attempts, nextAttemptAt, error) =>
      db
        .write((tx) =>
          tx.outboxMessage.update({ where: { id }, data: { attempts, nextAttemptAt, lastError: error.slice(0, 500), ...unclaimed } }),
        )
        .then(() => undefined),
    markFailed: (id, attempts, error) =>
      db
        .write((tx) =>
          tx.outboxMessage.update({ where: { id }, data: { status: "failed", attempts, lastError: error.slice(0, 500), ...unclaimed } }),
        )
        .then(() => undefined),
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
