// Reading what people type: commands with or without a slash, and text cleaned of characters that
// mean nothing in chat.
import type { InboundMessage } from "../types.ts";

/**
 * WhatsApp users type commands without a slash: BATAL, BANTUAN, STATUS <kode>, DAFTAR <kode> …
 * Returns the text with the slash added when its first word is one of those keywords.
 */
export function keywordCommand(text: string): string {
  const match =
    /^(batal|bantuan|status|daftar|tugas|kasus|saya|pejabat|delegasi|buka|batalkan|kode|layanan|dokumen|kantor)\b([\s\S]*)$/i.exec(
      text.trim(),
    );
  return match ? `/${(match[1] ?? "").toLowerCase()}${match[2] ?? ""}` : text;
}

/**
 * For someone who is not an official, a keyword counts only on its own (or STATUS / DAFTAR with a
 * code): "Status surat saya bagaimana?" or "Batal saja, pak" are words for the office, not commands,
 * and must reach the case instead of being answered as a command.
 */
export function isPlainKeyword(text: string): boolean {
  const t = text.trim();
  return (
    /^(batal|bantuan|layanan|saya|pejabat|kantor)$/i.test(t) ||
    /^status(\s+\d{1,2}[- ]?[a-z0-9]{5})?$/i.test(t) ||
    /^daftar\s+[a-z0-9]{4}-?[a-z0-9]{4}$/i.test(t)
  );
}

/** Splits "/cmd@bot arg1 arg2" into a lower-case command and its argument text. */
export function parseCommand(text: string): { command: string; args: string } | null {
  const match = /^\/([a-zA-Z_]+)(?:@\S+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return null;
  return { command: (match[1] ?? "").toLowerCase(), args: (match[2] ?? "").trim() };
}

/** Control characters mean nothing in chat, and PostgreSQL refuses NUL in text: they are dropped. */
const controlChars = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const clean = (s: string) => s.replace(controlChars, "");

export function cleanInbound(m: InboundMessage): InboundMessage {
  return {
    ...m,
    chatId: clean(m.chatId),
    senderId: clean(m.senderId),
    messageId: clean(m.messageId),
    ...(m.senderName !== undefined ? { senderName: clean(m.senderName) } : {}),
    ...(m.senderAlias !== undefined ? { senderAlias: clean(m.senderAlias) } : {}),
    ...(m.text !== undefined ? { text: clean(m.text) } : {}),
    ...(m.action ? { action: { token: clean(m.action.token) } } : {}),
    ...(m.replyTo ? { replyTo: { platformMessageId: clean(m.replyTo.platformMessageId) } } : {}),
  };
}
