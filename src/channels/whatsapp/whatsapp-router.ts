// The outbox's WhatsApp sender when a deployment links several numbers: each message goes out through
// the account of its chat (its chat id names the office's own number, or none: the shared one; see
// whatsapp-chats.ts). Each account paces itself and holds its own socket.
import { messageParts, SendFailure, type ChannelSender } from "../../engine/outbox-dispatcher.ts";
import { accountOfPlainChats } from "../../engine/official-addresses.ts";
import { accountChatOf } from "./whatsapp-chats.ts";

/** What the router needs of an account's channel. */
export interface RoutedAccount {
  office: string | null;
  sender: ChannelSender;
  /** Whether this account's socket is held here (started, not stopped): the leader holds every one. */
  held(): boolean;
}

/** `accounts`: the shared number (office null) and each office's own. */
export function routeByAccount(accounts: RoutedAccount[], fallbackOffice: string): ChannelSender {
  const byOffice = new Map(accounts.map((a) => [a.office, a]));
  const plain = accountOfPlainChats(accounts, fallbackOffice);
  return {
    merges: true,
    // WhatsApp takes long texts: the text with its numbered choices in one message, then each file.
    parts: (message) => (message.edit ? [] : messageParts(message, (text) => [text])),
    async sendPart(message, part) {
      const { office } = accountChatOf(message.chatId);
      const account = office ? byOffice.get(office) : plain;
      // A chat on a number no longer configured: nobody else can write to that chat. Parked for an admin.
      if (!account || !("sendPart" in account.sender))
        throw new SendFailure(`the WhatsApp number of ${office ?? "the shared chats"} is not configured`, false);
      // An account whose socket is stopped (not paired, logged out, replaced): its rows wait, uncounted,
      // as a lone account's did before several were possible, while the other numbers send.
      if (!account.held()) throw new SendFailure(`whatsapp ${office ?? "shared"} number is not running here`, true, 60_000, true);
      return account.sender.sendPart(message, part);
    },
  };
}
