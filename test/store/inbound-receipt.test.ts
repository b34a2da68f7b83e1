// An inbound message is recorded in one statement (INSERT … ON CONFLICT DO NOTHING): a redelivery
// records nothing, and the time it stores reads back and compares like one Prisma wrote.
import { describe, expect, it } from "vitest";
import { openTempDb } from "../helpers/temp-db.ts";
import { createEngineStore } from "../../src/store/engine-store.ts";
describe("inbound receipts", () => {
  it("are recorded once, with a time that reads back as Prisma writes it", async () => {
    const t = await openTempDb();
    const store = createEngineStore(t.db);
    const at = new Date("2026-03-16T01:02:03.456Z");
    expect(await store.transaction((tx) => tx.recordInbound("telegram", "m1", at))).toBe(true);
    expect(await store.transaction((tx) => tx.recordInbound("telegram", "m1", at))).toBe(false);
    await t.db.write((tx) => tx.inboundReceipt.create({ data: { channel: "telegram", messageId: "m2", receivedAt: at } }));
    const rows = await t.db.prisma.inboundReceipt.findMany({ orderBy: { messageId: "asc" } });
    expect(rows.map((r) => r.receivedAt.toISOString())).toEqual([at.toISOString(), at.toISOString()]);
    const lt = await t.db.prisma.inboundReceipt.count({ where: { receivedAt: { lt: new Date("2026-03-17T00:00:00Z") } } });
    expect(lt).toBe(2);
    await t.cleanup();
  });
});
