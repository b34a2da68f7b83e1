// The outbox on a real database: retries with capped backoff and retry-after, permanent failures
// parked, a chat's messages kept in order, and nothing lost when the process dies before sending.
import { afterEach, describe, expect, it, vi } from "vitest";
import { backoffMs, createOutboxDispatcher, SendFailure, type ChannelSender } from "../../src/engine/outbox-dispatcher.ts";
import type { OutboundMessage } from "../../src/engine/types.ts";
import { createEngineStore } from "../../src/store/engine-store.ts";
import { createOutboxStore } from "../../src/store/outbox-store.ts";
import { FakeClock } from "../helpers/harness.ts";
import { openTempDb, type TempDb } from "../helpers/temp-db.ts";

let t: TempDb | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const start = new Date("2026-03-16T00:00:00Z");

async function queue(texts: string[], chatId = "100"): Promise<void> {
  const store = createEngineStore(t!.db);
  await store.transaction(async (tx) => {
    for (const text of texts) await tx.enqueue({ channel: "telegram", chatId, text }, start);
  });
}

function scripted(outcomes: (Error | null)[]): ChannelSender & { sent: OutboundMessage[] } {
  const sent: OutboundMessage[] = [];
  return {
    sent,
    async send(message) {
      const outcome = outcomes.shift() ?? null;
      if (outcome) throw outcome;
      sent.push(message);
    },
  };
}

describe("outbox dispatcher", () => {
  it("computes capped exponential backoff", () => {
    expect([1, 2, 3, 4, 10, 20].map((a) => backoffMs(a, 1000, 30_000))).toEqual([1000, 2000, 4000, 8000, 30_000, 30_000]);
  });

  it("retries after the platform's retry-after and keeps a chat's messages in order", async () => {
    t = await openTempDb();
    await queue(["satu", "dua", "tiga"]);
    const clock = new FakeClock(start);
    const sender = scripted([new SendFailure("429 Too Many Requests", true, 5_000)]);
    const dispatcher = createOutboxDispatcher({ outbox: createOutboxStore(t.db), senders: { telegram: sender }, clock });
    expect(await dispatcher.flush()).toEqual({ sent: 0, retried: 1, failed: 0 });
    expect(sender.sent).toEqual([]);
    clock.advanceMinutes(0.05); // 3 s: still inside retry-after
    expect((await dispatcher.flush()).sent).toBe(0);
    clock.advanceMinutes(0.05);
    expect(await dispatcher.flush()).toEqual({ sent: 3, retried: 0, failed: 0 });
    expect(sender.sent.map((m) => m.text)).toEqual(["satu", "dua", "tiga"]);
  });

  it("parks a permanent failure where an admin sees it, and goes on with other chats", async () => {
    t = await openTempDb();
    await queue(["untuk chat yang memblokir bot"], "200");
    await queue(["untuk chat lain"], "300");
    const sender = scripted([new SendFailure("403 Forbidden: bot was blocked by the user", false)]);
    const outbox = createOutboxStore(t.db);
    const dispatcher = createOutboxDispatcher({ outbox, senders: { telegram: sender }, clock: new FakeClock(start) });
    expect(await dispatcher.flush()).toEqual({ sent: 1, retried: 0, failed: 1 });
    const failed = await outbox.failed(10);
    expect(failed.map((f) => [f.chatId, f.lastError])).toEqual([["200", "403 Forbidden: bot was blocked by the user"]]);
  });

  it("gives up after the maximum attempts on errors that keep coming back", async () => {
    t = await openTempDb();
    await queue(["x"]);
    const clock = new FakeClock(start);
    const sender = scripted(Array.from({ length: 3 }, () => new Error("socket hang up")));
    const outbox = createOutboxStore(t.db);
    const dispatcher = createOutboxDispatcher({ outbox, senders: { telegram: sender }, clock, maxAttempts: 3, baseDelayMs: 1000 });
    for (let i = 0; i < 3; i++) {
      await dispatcher.flush();
      clock.advanceMinutes(10);
    }
    expect((await outbox.failed(10)).map((f) => f.attempts)).toEqual([3]);
  });

  it("does not let a chat waiting for a retry hold up other chats", async () => {
    t = await openTempDb();
    const store = createEngineStore(t.db);
    await store.transaction(async (tx) => {
      await tx.enqueue({ channel: "telegram", chatId: "A", text: "a-first" }, start);
      for (let i = 0; i < 120; i++) await tx.enqueue({ channel: "telegram", chatId: "A", text: `a-${i}` }, start);
      await tx.enqueue({ channel: "telegram", chatId: "B", text: "b" }, start);
    });
    const clock = new FakeClock(start);
    const sender = scripted([new SendFailure("500 Internal Server Error", true)]);
    const dispatcher = createOutboxDispatcher({ outbox: createOutboxStore(t.db), senders: { telegram: sender }, clock });
    await dispatcher.flush();
    expect(sender.sent.map((m) => m.text)).toEqual(["b"]);
    await dispatcher.flush();
    expect(sender.sent.map((m) => m.text)).toEqual(["b"]);
  });

  it("never sees a row of a transaction that is still open", async () => {
    t = await openTempDb();
    const store = createEngineStore(t.db);
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let entered!: () => void;
    const inside = new Promise<void>((r) => {
      entered = r;
    });
    const failing = store.transaction(async (tx) => {
      await tx.enqueue({ channel: "telegram", chatId: "C", text: "uncommitted" }, start);
      entered();
      await held;
      throw new Error("version conflict");
    });
    await inside;
    const sender = scripted([]);
    const flushing = createOutboxDispatcher({
      outbox: createOutboxStore(t.db),
      senders: { telegram: sender },
      clock: new FakeClock(start),
    }).flush();
    release();
    await expect(failing).rejects.toThrow("version conflict");
    await flushing;
    expect(sender.sent).toEqual([]);
  });

  it("loses nothing when the process dies between commit and send", async () => {
    t = await openTempDb();
    await queue(["tersimpan sebelum mati"]);
    // No dispatcher ran (the process died). A new one after the restart sends the saved row.
    const sender = scripted([]);
    const dispatcher = createOutboxDispatcher({
      outbox: createOutboxStore(t.db),
      senders: { telegram: sender },
      clock: new FakeClock(start),
    });
    await dispatcher.flush();
    expect(sender.sent.map((m) => m.text)).toEqual(["tersimpan sebelum mati"]);
    await dispatcher.flush();
    expect(sender.sent).toHaveLength(1);
  });

  it("sends each deferred row when it comes due, not at the next scheduler tick", async () => {
    t = await openTempDb();
    await queue(["untuk A"], "A");
    await queue(["untuk B"], "B");
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: start });
    try {
      // A must wait 100 ms, B 300 ms (their chats' pace); then both go. Nobody calls flush again.
      const waits = new Map([
        ["A", 100],
        ["B", 300],
      ]);
      const sent: string[] = [];
      const sender: ChannelSender = {
        async send(message) {
          const wait = waits.get(message.chatId);
          waits.delete(message.chatId);
          if (wait) throw new SendFailure("paced", true, wait, true);
          sent.push(message.chatId);
        },
      };
      const dispatcher = createOutboxDispatcher({
        outbox: createOutboxStore(t.db),
        senders: { telegram: sender },
        clock: { now: () => new Date() },
      });
      await dispatcher.flush();
      expect(sent).toEqual([]);
      for (let ms = 0; ms < 400; ms += 50) {
        await vi.advanceTimersByTimeAsync(50);
        await dispatcher.settled();
      }
      expect(sent.sort()).toEqual(["A", "B"]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("lets flushes that arrive during a pass share one pass after it, which still sends what they saved", async () => {
    t = await openTempDb();
    await queue(["satu"]);
    const outbox = createOutboxStore(t.db);
    let claims = 0;
    const counted = { ...outbox, claim: (...args: Parameters<typeof outbox.claim>) => (claims++, outbox.claim(...args)) };
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sent: string[] = [];
    const sender: ChannelSender = {
      async send(message) {
        if (message.text === "satu") await gate; // the first pass is busy sending
        sent.push(message.text);
      },
    };
    const dispatcher = createOutboxDispatcher({ outbox: counted, senders: { telegram: sender }, clock: new FakeClock(start) });
    const first = dispatcher.flush();
    await vi.waitFor(() => expect(claims).toBe(1));
    await queue(["dua"], "300");
    const later = Array.from({ length: 20 }, () => dispatcher.flush());
    release();
    await first;
    const results = await Promise.all(later);
    // The running pass claims three times ("satu", then "dua", then none), the one waiting pass once;
    // a pass per flush would have claimed 23 times.
    expect(claims).toBe(4);
    expect(new Set(results).size).toBe(1);
    expect(sent).toEqual(["satu", "dua"]);
  });
});
