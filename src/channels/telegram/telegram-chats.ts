// Which bot a Telegram chat is with. A deployment may run several bots: the shared one
// (TELEGRAM_BOT_TOKEN) and offices' own (TELEGRAM_BOT_TOKENS). A chat with the shared bot is known to
// the engine by Telegram's chat id, as always; a chat with an office's own bot by "<chat id>@<office>".
// So everything keyed by chat (the outbox's order per chat and its combined messages, form sessions,
// pending questions, an applicant's cases) keeps one person's chats with two bots apart, as Telegram
// does, and an outbox row names the bot it goes out through without a look-up.

const officeChat = /^(-?\d+)@([a-z0-9-]+)$/;

/** The chat id the engine knows a Telegram chat by, on the bot of `office` (null: the shared bot). */
export function chatIdOn(office: string | null, telegramChatId: number | string): string {
  return office ? `${telegramChatId}@${office}` : String(telegramChatId);
}

/** The bot (its office; null: the shared bot) and Telegram's own chat id of a chat id made by chatIdOn. */
export function botChatOf(chatId: string): { office: string | null; telegramChatId: string } {
  const match = officeChat.exec(chatId);
  return match ? { office: match[2] ?? null, telegramChatId: match[1] ?? "" } : { office: null, telegramChatId: chatId };
}

/**
 * A bot's name in logs, readiness checks and where its updates are held until handled (InboundHold.channel,
 * as update ids are counted per bot): "telegram" for the shared bot, "telegram@<office>" for an office's own.
 */
export function botNameOf(office: string | null): string {
  return office ? `telegram@${office}` : "telegram";
}
