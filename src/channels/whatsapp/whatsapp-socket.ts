// The part of a Baileys socket the WhatsApp adapter uses, what it gives the socket it makes, and how
// it reads the reason a connection closed. A stand-in fed with proto-built events implements it in tests.
import type { WAMessage, WAMessageKey, proto } from "@whiskeysockets/baileys";

/** The part of a Baileys socket this adapter uses (a stand-in fed with proto-built events implements it in tests). */
export interface WhatsAppSocketLike {
  ev: {
    on(event: "connection.update", fn: (update: { connection?: string; lastDisconnect?: { error?: unknown }; qr?: string }) => void): void;
    on(event: "creds.update", fn: () => void): void;
    on(event: "messages.upsert", fn: (upsert: { messages: WAMessage[]; type: string }) => void): void;
  };
  sendMessage(jid: string, content: Record<string, unknown>): Promise<{ key?: { id?: string | null } } | undefined>;
  end(error?: Error): void;
  /** Asks the sender's phone to upload expired media again (Baileys' updateMediaMessage). */
  updateMediaMessage?(message: WAMessage): Promise<WAMessage>;
  /** Baileys' LID ⇄ phone-number mapping. */
  signalRepository?: { lidMapping?: { getPNForLID(lid: string): Promise<string | null> } };
}

/** What the adapter gives the socket it makes (Baileys' socket config). */
export interface SocketOptions {
  /** A message the bot sent, to send again to a phone that could not decrypt it. */
  getMessage(key: WAMessageKey): Promise<proto.IMessage | undefined>;
}

/** Reads the status code out of Baileys' Boom error. */
export function statusCodeOf(error: unknown): number | undefined {
  const output = (error as { output?: { statusCode?: number } } | undefined)?.output;
  return output?.statusCode;
}
