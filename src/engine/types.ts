// Channel-neutral messages: what a channel adapter hands to the engine and what it gets back.

export type ChannelName = "console" | "telegram" | "whatsapp";

/** A message from a person, as any channel adapter delivers it to the engine. */
export interface InboundMessage {
  channel: ChannelName;
  /** The chat (conversation) the message came from. */
  chatId: string;
  /** The sender's stable id on that channel (Telegram user id, WhatsApp JID, console name). */
  senderId: string;
  senderName?: string;
  /** The platform's id for this message; a redelivered message carries the same id. */
  messageId: string;
  text?: string;
  /** A pressed button or a reply that quotes a numbered prompt: the opaque action token. */
  action?: { token: string };
  receivedAt: Date;
}

/** A choice offered with a message: a button on Telegram, a numbered reply elsewhere. */
export interface OutboundAction {
  label: string;
  token: string;
}

/** A reply or notification for one chat. */
export interface OutboundMessage {
  channel: ChannelName;
  chatId: string;
  text: string;
  actions?: OutboundAction[];
  /** The outbox row it came from. */
  outboxId?: number;
}
