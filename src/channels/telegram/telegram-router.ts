// The outbox's Telegram sender when a deployment runs several bots: each message goes out through
// the bot of its chat (its chat id names the office's own bot, or none: the shared one; see
// telegram-chats.ts). Each bot paces itself (Telegram's limits are per bot token).
import { messageParts, SendFailure, type ChannelSender } from "../../engine/outbox-dispatcher.ts";
import { splitText, type TelegramChannel } from "./telegram-channel.ts";
import { accountOfPlainChats } from "../../engine/official-addresses.ts";
import { botChatOf } from "./telegram-chats.ts";

/** `bots`: the shared bot (office null) and each office's own. */
export function routeByBot(bots: TelegramChannel[], fallbackOffice: string): ChannelSender {
  const byOffice = new Map(bots.map((b) => [b.office, b]));
  const plain = accountOfPlainChats(bots, fallbackOffice);
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
