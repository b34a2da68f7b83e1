// Nothing kept in memory grows with the number of chats ever seen: the public flood limit, the
// WhatsApp pacer and Telegram's slot pacer forget chats that have gone quiet.
import { describe, expect, it } from "vitest";
import { createRateLimiter } from "../../src/engine/chat/rate-limit.ts";
import { createPacer, createSlotPacer } from "../../src/engine/pacer.ts";

/** 60,000 different chats, one message each, 10 ms apart (ten minutes of a busy public bot). */
const chats = Array.from({ length: 60_000 }, (_, i) => [`chat-${i}`, i * 10] as const);

describe("per-chat memory", () => {
  it("the public flood limit forgets chats quiet for a minute", () => {
    let now = 0;
    const limiter = createRateLimiter(30, () => now);
    let refused = 0;
    for (const [chat, at] of chats) {
      now = at;
      if (limiter.check(chat) !== "ok") refused++;
    }
    expect(refused).toBe(0);
    // One minute holds 6,000 chats at this rate; a sweep each minute keeps at most two minutes' worth.
    expect(limiter.size()).toBeLessThanOrEqual(12_000);
    now += 61_000;
    limiter.check("late");
    expect(limiter.size()).toBe(1);
  });

  it("the WhatsApp pacer forgets chats whose gap has passed", () => {
    const pacer = createPacer({ perChatMs: 1500, overallMs: 0, jitterMs: 0 });
    const waits = chats.filter(([chat, at]) => pacer.reserve(chat, at) !== 0);
    expect(waits).toEqual([]);
    expect(pacer.size()).toBeLessThanOrEqual(10_001);
  });

  it("Telegram's slot pacer forgets chats whose slot has passed", () => {
    const pacer = createSlotPacer({ perChatMs: 1100, overallMs: 0, jitterMs: 0 });
    let waited = 0;
    for (const [chat, at] of chats) {
      const booking = pacer.book(chat, at, 0);
      if (!booking.booked || booking.waitMs !== 0) waited++;
      pacer.done(chat, at);
    }
    expect(waited).toBe(0);
    expect(pacer.size()).toBeLessThanOrEqual(10_001);
  });
});
