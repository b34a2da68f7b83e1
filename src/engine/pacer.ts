// How fast a channel may send, so it never bursts: a least gap per chat and overall. A channel's
// sender asks before each message and, when it must wait, defers the outbox row by that much
// (not counted as a failed attempt).

export interface PacingOptions {
  /** Least time between two messages to one chat. */
  perChatMs: number;
  /** Least time between any two messages. */
  overallMs: number;
  /** Random extra wait, so the rhythm does not look mechanical. */
  jitterMs: number;
}

/** WhatsApp: gentle, to stay clear of an unofficial client's ban. */
export const defaultPacing: PacingOptions = { perChatMs: 1500, overallMs: 600, jitterMs: 400 };

/**
 * Telegram: about 1 message per second per chat and 30 per second overall (its published limits),
 * with a margin: a request booked on time can still arrive a little late, bunching with the next.
 */
export const telegramPacing: PacingOptions = { perChatMs: 1100, overallMs: 35, jitterMs: 0 };

/**
 * Decides whether a message may go now. Returns 0 and books the slot, or the milliseconds to wait.
 * The outbox defers the row by that much without counting it as a failed attempt.
 */
export function createPacer(options: PacingOptions, random: () => number = Math.random) {
  const lastByChat = new Map<string, number>();
  let lastOverall = -Infinity;
  return {
    reserve(chatId: string, now: number): number {
      const chatReady = (lastByChat.get(chatId) ?? -Infinity) + options.perChatMs;
      const overallReady = lastOverall + options.overallMs;
      const ready = Math.max(chatReady, overallReady);
      if (now < ready) return Math.ceil(ready - now + random() * options.jitterMs);
      lastByChat.set(chatId, now);
      lastOverall = now;
      // A chat whose gap has passed needs no entry: forget those, so the map does not grow with
      // every chat ever served.
      if (lastByChat.size > PRUNE_ABOVE) {
        for (const [chat, at] of lastByChat) if (now - at >= options.perChatMs) lastByChat.delete(chat);
      }
      return 0;
    },
    /** Chats currently remembered (for tests of the bound). */
    size: () => lastByChat.size,
  };
}

/** Chats a pacer remembers before it forgets those whose gap has passed. */
const PRUNE_ABOVE = 10_000;

export type Booking = { booked: true; waitMs: number } | { booked: false; retryAfterMs: number };

/** How long a chat must wait for its next message (0: it may go now, as far as the chat is concerned). */
export type ChatWait = number;

/**
 * Like `createPacer`, but books the next free slot when it is at most `maxWaitMs` away, so a sender
 * can wait briefly in place instead of putting the message back (used by Telegram, whose limits are
 * generous enough that waits are short). Concurrent sends each get their own slot.
 */
export function createSlotPacer(options: PacingOptions) {
  const nextByChat = new Map<string, number>();
  let nextOverall = -Infinity;
  /** When the last messages actually left (at most 30 within 30 gaps): timers fire late and bunch. */
  const issued: number[] = [];
  const windowMs = options.overallMs * 30;
  return {
    /**
     * Called right before a request leaves: how long it must still wait so that no 30 leave within
     * 30 overall gaps (0: it may go now, and is counted).
     */
    admit(now: number): number {
      while (issued.length > 0 && now - (issued[0] ?? 0) >= windowMs) issued.shift();
      if (issued.length >= 30) return Math.ceil((issued[0] ?? now) + windowMs - now);
      issued.push(now);
      return 0;
    },
    /** How long until this chat's next slot (the overall rhythm aside). */
    chatWait(chatId: string, now: number): ChatWait {
      return Math.max(0, (nextByChat.get(chatId) ?? -Infinity) - now);
    },
    book(chatId: string, now: number, maxWaitMs: number): Booking {
      const slot = Math.max(now, nextByChat.get(chatId) ?? -Infinity, nextOverall);
      if (slot - now > maxWaitMs) return { booked: false, retryAfterMs: Math.ceil(slot - now) };
      nextByChat.set(chatId, slot + options.perChatMs);
      nextOverall = slot + options.overallMs;
      if (nextByChat.size > PRUNE_ABOVE) {
        for (const [chat, at] of nextByChat) if (at < now) nextByChat.delete(chat);
      }
      return { booked: true, waitMs: slot - now };
    },
    /**
     * A request to `chatId` has been answered at `at`: the next one waits a full gap from here. The
     * platform counts a message when it arrives, which is before its answer but can be well after
     * its booked slot (a cold connection, an upload); counting from the answer keeps the gap true.
     */
    /** Chats currently remembered (for tests of the bound). */
    size: () => nextByChat.size,
    done(chatId: string, at: number): void {
      nextByChat.set(chatId, Math.max(nextByChat.get(chatId) ?? -Infinity, at + options.perChatMs));
    },
  };
}
