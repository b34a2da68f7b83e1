// WhatsApp acknowledges a message to the server as it arrives; the server never delivers it again.
// So each message the bot will handle is held in the database before it is handled and released
// once handled; after a restart, what was held and never released is handled again (the inbound
// receipt makes anything already done a no-op).
import { BufferJSON, type WAMessage } from "@whiskeysockets/baileys";
import { errorInfo } from "../../engine/error-info.ts";
import type { EventLog, InboundHoldPort } from "../../engine/ports.ts";

export interface HeldMessage {
  type: string;
  message: WAMessage;
}

const keyOf = (msg: WAMessage) => `${msg.key.remoteJid ?? ""}:${msg.key.id ?? ""}`;

/** `channel`: where this account's messages are held ("whatsapp", or "whatsapp@<office>" for an office's own number). */
export function createWhatsAppInbox(port: InboundHoldPort, holder: string, now: () => Date, log: EventLog, channel = "whatsapp") {
  return {
    async hold(items: HeldMessage[]): Promise<void> {
      if (items.length === 0) return;
      try {
        const rows = items.map((i) => ({ messageId: keyOf(i.message), payload: JSON.stringify(i, BufferJSON.replacer) }));
        await port.hold(channel, rows, holder, now());
      } catch (error) {
        // Handling needs the same storage: if it is down, the sender is told to send again.
        log.error({ ...errorInfo(error), account: channel }, "whatsapp messages not held");
      }
    },
    async release(message: WAMessage): Promise<void> {
      await port
        .release(channel, [keyOf(message)])
        .catch((error: unknown) => log.warn(errorInfo(error), "whatsapp message release failed"));
    },
    /** What was held before `before` and never released, oldest first. */
    async takeBack(before: Date): Promise<HeldMessage[]> {
      const rows = await port.takeBack(channel, before, holder, now(), 1000);
      const held = rows.map((r) => JSON.parse(r.payload, BufferJSON.reviver) as HeldMessage);
      return held.sort((a, b) => Number(a.message.messageTimestamp ?? 0) - Number(b.message.messageTimestamp ?? 0));
    },
  };
}

export type WhatsAppInbox = ReturnType<typeof createWhatsAppInbox>;
