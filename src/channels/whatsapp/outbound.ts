// How a message looks on WhatsApp, where buttons and lists can no longer be sent: choices become a
// numbered line naming the case; and how fast the bot may send, so it never bursts.
import type { OutboundMessage } from "../../engine/types.ts";

/** "Balas 1 untuk Setujui, 2 untuk Kembalikan — kasus 18-7Q3FK" under the message text. */
export function renderForWhatsApp(message: OutboundMessage): string {
  if (!message.actions || message.actions.length === 0) return message.text;
  const code = /kasus (\d{1,2}-[A-Z0-9]{5})/.exec(message.text)?.[1];
  const options = message.actions.map((a, i) => `${i + 1} untuk ${a.label}`).join(", ");
  return `${message.text}\n\nBalas ${options}${code ? ` — kasus ${code}` : ""}.\n(Bisa juga membalas dengan mengutip pesan ini.)`;
}

export interface PacingOptions {
  /** Least time between two messages to one chat. */
  perChatMs: number;
  /** Least time between any two messages. */
  overallMs: number;
  /** Random extra wait, so the rhythm does not look mechanical. */
  jitterMs: number;
}

export const defaultPacing: PacingOptions = { perChatMs: 1500, overallMs: 600, jitterMs: 400 };

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
      return 0;
    },
  };
}
