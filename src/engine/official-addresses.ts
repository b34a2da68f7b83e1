// Where an official's messages go when a channel has several accounts: an office with a Telegram bot
// or a WhatsApp number of its own writes to its officials through that bot or number. The store keeps
// one chat address per person and channel (the Telegram user id, the WhatsApp JID); this wraps the
// store so that the engine, wherever it writes to an official (tasks, reminders, digests, reports),
// gets the address on the official's office's account.
import type { EngineStore, EngineTx } from "./case-ports.ts";
import type { ChannelName } from "./types.ts";

export type ChatAddress = { channel: ChannelName; chatId: string };

/** One channel's rule: an official's address on their office's own account (the address unchanged when it has none). */
export type AddressRule = (chat: ChatAddress, officeId: string) => ChatAddress;

/**
 * The rule of one channel whose accounts (Telegram bots, WhatsApp numbers) are the shared one and
 * some offices' own: an official of an office in `ownAccount` is written to on that office's account,
 * whose chats the channel knows as `onOffice(office, chatId)`; `officeOf` reads that office back
 * (null: the shared account). Null when no office has an account of its own.
 */
export function officeAccountRule(
  channel: ChannelName,
  ownAccount: ReadonlySet<string>,
  officeOf: (chatId: string) => string | null,
  onOffice: (office: string, chatId: string) => string,
): AddressRule | null {
  if (ownAccount.size === 0) return null;
  return (chat, officeId) =>
    chat.channel === channel && ownAccount.has(officeId) && officeOf(chat.chatId) === null
      ? { ...chat, chatId: onOffice(officeId, chat.chatId) }
      : chat;
}

/**
 * The account of the chat ids that name no office: the shared one, or, when there is none, the
 * default office's own (`fallbackOffice`), or the first.
 */
export function accountOfPlainChats<A extends { office: string | null }>(accounts: A[], fallbackOffice: string): A | undefined {
  return accounts.find((a) => a.office === null) ?? accounts.find((a) => a.office === fallbackOffice) ?? accounts[0];
}

/** The store with every rule applied in turn (each leaves other channels' addresses alone); unchanged without rules. */
export function addressOfficialsThrough(store: EngineStore, rules: (AddressRule | null)[]): EngineStore {
  const active = rules.filter((r): r is AddressRule => r !== null);
  if (active.length === 0) return store;
  return addressOfficialsByOffice(store, (chat, officeId) => active.reduce((c, rule) => rule(c, officeId), chat));
}

/** The store, with `address` applied to every address of an official (given the official's office). */
export function addressOfficialsByOffice(store: EngineStore, address: (chat: ChatAddress, officeId: string) => ChatAddress): EngineStore {
  const wrap = (tx: EngineTx): EngineTx => ({
    ...tx,
    async addressesOf(officialId) {
      const chats = await tx.addressesOf(officialId);
      const official = chats.length > 0 ? await tx.official(officialId) : null;
      return official ? chats.map((chat) => address(chat, official.officeId)) : chats;
    },
  });
  return {
    read: (fn) => store.read((view) => fn(wrap(view))),
    transaction: (fn) => store.transaction((tx) => fn(wrap(tx))),
  };
}
