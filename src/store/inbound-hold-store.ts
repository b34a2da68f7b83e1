// The InboundHoldPort on the InboundHold table. Writes go ahead of the case transactions (the write
// gate's urgent lane: single statements through db.execute, the take-back through db.writeAside):
// holding a batch of updates must not wait behind a queue of presses, or polling would stall behind
// the very work it feeds.
import type { InboundHoldPort } from "../engine/ports.ts";
import type { Database } from "./database.ts";
import { insertRows, join, sql } from "./sql.ts";
import { executeStatement } from "./raw-statements.ts";

const doNothing = sql`ON CONFLICT DO NOTHING`;

export function createInboundHoldStore(db: Database): InboundHoldPort {
  return {
    async hold(channel, items, holder, at) {
      if (items.length === 0) return;
      // One statement (atomic on its own, so no transaction around it). A platform may deliver an
      // update again before it was released: the first hold stays.
      const rows = items.map((i) => ({ channel, messageId: i.messageId, payload: i.payload, holder, heldAt: at }));
      await db.execute((tx) => insertRows(tx, "InboundHold", ["channel", "messageId", "payload", "holder", "heldAt"], rows, doNothing), {
        first: true,
      });
    },
    async release(channel, messageIds) {
      if (messageIds.length === 0) return;
      await db.execute(
        (tx) => executeStatement(tx, sql`DELETE FROM "InboundHold" WHERE "channel" = ${channel} AND "messageId" IN (${join(messageIds)})`),
        {
          first: true,
        },
      );
    },
    async takeBack(channel, before, holder, at, limit) {
      return db.writeAside(async (tx) => {
        const stale = await tx.inboundHold.findMany({
          where: { channel, heldAt: { lt: before } },
          orderBy: [{ heldAt: "asc" }, { messageId: "asc" }],
          take: limit,
          select: { messageId: true, payload: true },
        });
        if (stale.length === 0) return [];
        // Another instance may take the same rows at the same moment: each row goes to one of them.
        const taken = await tx.inboundHold.updateManyAndReturn({
          where: { channel, messageId: { in: stale.map((s) => s.messageId) }, heldAt: { lt: before } },
          data: { holder, heldAt: at },
          select: { messageId: true },
        });
        const mine = new Set(taken.map((t) => t.messageId));
        return stale.filter((s) => mine.has(s.messageId));
      });
    },
  };
}
