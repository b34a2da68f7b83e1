// Several instances on one database: leases elect one leader, outbox rows are claimed so that no
// row is sent twice and every chat keeps its order. (Parallel case transactions across instances:
// parallel-cases.test.ts.) Each "instance" is a second Database opened on the same database.
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/store/database.ts";
import { createLeaseStore } from "../../src/store/lease-store.ts";
import { createOutboxStore } from "../../src/store/outbox-store.ts";
import { openTempDb, type TempDb } from "../helpers/temp-db.ts";
import { onPostgres } from "../helpers/test-database.ts";

let t: TempDb | undefined;
const extra: Database[] = [];
afterEach(async () => {
  for (const d of extra.splice(0)) await d.close();
  await t?.cleanup();
  t = undefined;
});

async function twoInstances(): Promise<[Database, Database]> {
  t = await openTempDb();
  const second = await openDatabase({ target: t.target });
  extra.push(second);
  return [t.db, second];
}

const at = (s: number) => new Date(Date.UTC(2026, 2, 16, 0, 0, s));

async function addRow(db: Database, chatId: string, text: string, nextAttemptAt = at(0)): Promise<number> {
  const row = await db.write((tx) =>
    tx.outboxMessage.create({ data: { channel: "telegram", chatId, text, nextAttemptAt, createdAt: at(0) } }),
  );
  return row.id;
}

describe("leases", () => {
  it("are held by one instance, renewed by it, taken over after expiry, and released at once", async () => {
    const [a, b] = await twoInstances();
    const la = createLeaseStore(a);
    const lb = createLeaseStore(b);
    expect(await la.acquire("leader", "A", 10_000, at(0))).toBe(true);
    expect(await lb.acquire("leader", "B", 10_000, at(1))).toBe(false);
    expect(await la.acquire("leader", "A", 10_000, at(8))).toBe(true); // renewed until at(18)
    expect(await lb.acquire("leader", "B", 10_000, at(15))).toBe(false);
    expect(await lb.holderOf("leader", at(15))).toBe("A");
    // A stops renewing (it died): after the expiry B takes over, and A cannot come back.
    expect(await lb.acquire("leader", "B", 10_000, at(19))).toBe(true);
    expect(await la.acquire("leader", "A", 10_000, at(20))).toBe(false);
    expect(await la.holderOf("leader", at(20))).toBe("B");
    // A clean stop releases: the other instance takes it without waiting.
    await lb.release("leader", "B");
    expect(await la.acquire("leader", "A", 10_000, at(21))).toBe(true);
    // Expired run leases are pruned; live ones stay.
    await la.acquire("run:tick:old", "A", 1_000, at(0));
    await la.acquire("run:tick:new", "A", 60_000, at(21));
    expect(await la.prune("run:", at(30))).toBe(1);
  });

  // (SQLite serves one instance; two connections in one process would block each other.)
  it.skipIf(!onPostgres)("go to exactly one of several instances racing for a new key", async () => {
    const [a, b] = await twoInstances();
    for (let round = 0; round < 10; round += 1) {
      const key = `run:tick:${round}`;
      const results = await Promise.all([
        createLeaseStore(a).acquire(key, "A", 60_000, at(0)),
        createLeaseStore(b).acquire(key, "B", 60_000, at(0)),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
    }
  });
});

describe("outbox claims", () => {
  it("give each chat's oldest pending row to one instance; the rest of the chat waits its turn", async () => {
    const [a, b] = await twoInstances();
    const oa = createOutboxStore(a);
    const ob = createOutboxStore(b);
    const r1 = await addRow(a, "chat-1", "1a");
    const r2 = await addRow(a, "chat-1", "1b");
    const r3 = await addRow(a, "chat-2", "2a");
    await addRow(a, "chat-3", "3a (retry later)", at(100));
    await addRow(a, "chat-3", "3b");
    await a.write((tx) =>
      tx.outboxMessage.create({ data: { channel: "whatsapp", chatId: "wa-1", text: "wa", nextAttemptAt: at(0), createdAt: at(0) } }),
    );

    const claimedA = await oa.claim(at(10), 100, ["telegram", "console"], "A", at(70));
    expect(claimedA.map((r) => r.id)).toEqual([r1, r3]); // chat-3 waits behind its retry; WhatsApp not asked for
    expect(await ob.claim(at(11), 100, ["telegram"], "B", at(71))).toEqual([]);

    await oa.markSent(r1, at(12));
    const claimedB = await ob.claim(at(13), 100, ["telegram"], "B", at(73));
    expect(claimedB.map((r) => r.id)).toEqual([r2]);
    await ob.markSent(r2, at(14));

    // A dies holding chat-2's row: once its claim expires, B takes the row over.
    expect(await ob.claim(at(69), 100, ["telegram"], "B", at(129))).toEqual([]);
    expect((await ob.claim(at(71), 100, ["telegram"], "B", at(131))).map((r) => r.id)).toEqual([r3]);
  });

  it.skipIf(!onPostgres)(
    "never gives one row to two instances claiming at the same time, and keeps each chat in order (SKIP LOCKED)",
    async () => {
      const [a, b] = await twoInstances();
      const chats = 40;
      const perChat = 10;
      for (let i = 0; i < perChat; i += 1) {
        await a.write(async (tx) => {
          for (let c = 0; c < chats; c += 1) {
            await tx.outboxMessage.create({
              data: { channel: "telegram", chatId: `chat-${c}`, text: `${c}:${i}`, nextAttemptAt: at(0), createdAt: at(0) },
            });
          }
        });
      }
      const sent: { holder: string; chatId: string; text: string; seq: number }[] = [];
      let seq = 0;
      const dispatcher = async (db: Database, holder: string) => {
        const store = createOutboxStore(db);
        for (;;) {
          const rows = await store.claim(at(10), 7, ["telegram"], holder, at(300));
          if (rows.length === 0) {
            if ((await db.prisma.outboxMessage.count({ where: { status: "pending" } })) === 0) return;
            await new Promise((r) => setTimeout(r, 5));
            continue;
          }
          for (const row of rows) {
            sent.push({ holder, chatId: row.chatId, text: row.text, seq: seq++ });
            await store.markSent(row.id, at(11));
          }
        }
      };
      await Promise.all([dispatcher(a, "A"), dispatcher(b, "B"), dispatcher(a, "A2"), dispatcher(b, "B2")]);
      expect(sent).toHaveLength(chats * perChat);
      expect(new Set(sent.map((s) => s.text)).size).toBe(chats * perChat);
      for (let c = 0; c < chats; c += 1) {
        const order = sent.filter((s) => s.chatId === `chat-${c}`).map((s) => Number(s.text.split(":")[1]));
        expect(order).toEqual([...Array(perChat).keys()]);
      }
      expect(new Set(sent.map((s) => s.holder)).size).toBeGreaterThan(1);
    },
  );
});
