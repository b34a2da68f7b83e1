// Channel-neutral messages: what a channel adapter hands to the engine and what it gets back.

export type ChannelName = "console" | "telegram" | "whatsapp";

/**
 * Channels whose sent messages can be edited (Telegram): an outcome shown on the prompt replaces a
 * reply there. WhatsApp messages cannot be edited by the bot, and the console prints as it goes.
 */
export const editableChannels: ReadonlySet<ChannelName> = new Set<ChannelName>(["telegram"]);

/** Content a chat can carry that the bot does not read: the sender is told what it accepts. */
export type UnsupportedContent = "voice" | "video" | "sticker" | "location" | "contact" | "other";

/** A message from a person, as any channel adapter delivers it to the engine. */
export interface InboundMessage {
  channel: ChannelName;
  /** The chat (conversation) the message came from. */
  chatId: string;
  /** The sender's stable id on that channel (Telegram user id, WhatsApp JID, console name). */
  senderId: string;
  senderName?: string;
  /** Another address of the same sender (a WhatsApp LID next to the phone-number JID). */
  senderAlias?: string;
  /** The message this one quotes (WhatsApp reply to a numbered prompt). */
  replyTo?: { platformMessageId: string };
  /**
   * The office whose own bot or number the message came to (TELEGRAM_BOT_TOKENS, WHATSAPP_OFFICE_ACCOUNTS):
   * the sender writes to that office and is not asked to choose one. Unset on a bot or number the offices share.
   */
  office?: string;
  /** The platform's id for this message; a redelivered message carries the same id. */
  messageId: string;
  text?: string;
  /** A pressed button or a reply that quotes a numbered prompt: the opaque action token. */
  action?: { token: string };
  /** A photo or document: already checked and stored by the channel, or why it was refused. */
  attachment?:
    | { file: { id: string; name: string; mime: string; size: number } }
    | { rejected: "too-large" | "type" | "empty" | "failed"; maxMb: number };
  /** A voice note, video, sticker, location or contact: nothing the bot can read. */
  unsupported?: UnsupportedContent;
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
  /** Stored files to send with the message (as documents). */
  fileIds?: string[];
  /** Set when this message replaces an earlier one (outcome shown, buttons removed). */
  edit?: { platformMessageId: string };
  /** The outbox row it came from. */
  outboxId?: number;
}
