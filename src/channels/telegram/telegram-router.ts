// The outbox's Telegram sender when a deployment runs several bots: each message goes out through
// the bot of its chat (its chat id names the office's own bot, or none: the shared one; see
// telegram-chats.ts). Each bot paces itself (Telegram's limits are per bot token).
import { messageParts, SendFailure, type ChannelSender } from "../../engine/outbox-dispatcher.ts";
import { splitText, type TelegramChannel } from "./telegram-channel.ts";
import { botChatOf } from "./telegram-chats.ts";

/**
 * The bot of the chat ids that name no office: the shared bot, or, when there is none, the default
 * office's own (`fallbackOffice`), or the first.
 */
export function botOfPlainChats<B extends { office: string | null }>(bots: B[], fallbackOffice: string): B | undefined {
  return bots.find((b) => b.office === null) ?? bots.find((b) => b.office === fallbackOffice) ?? bots[0];
}

/** `bots`: the shared bot (office null) and each office's own. */
export function routeByBot(bots: TelegramChannel[], fallbackOffice: string): ChannelSender {
  const byOffice = new Map(bots.map((b) => [b.office, b]));
  const plain = botOfPlainChats(bots, fallbackOffice);
  return {
    merges: true,
    parts: (message) => messageParts(message, (text) => splitText(text)),
    async sendPart(message, part) {
      const { office } = botChatOf(message.chatId);
      const bot = office ? byOffice.get(office) : plain;
      // A chat with a bot no longer configured: nobody else can write to that chat. Parked for an admin.
      if (!bot) throw new SendFailure(`the Telegram bot of ${office ?? "the shared chats"} is not configured`, false);
      return bot.sender.sendPart(message, part);
    },
  };
}
