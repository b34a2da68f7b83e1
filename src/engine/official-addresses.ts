// Where an official's messages go when a channel has several accounts: on Telegram, an office with a
// bot of its own writes to its officials through that bot. The store keeps one chat address per
// account (the Telegram user id); this wraps the store so that the engine, wherever it writes to an
// official (tasks, reminders, digests, reports), gets the address on the official's office's account.
import type { EngineStore, EngineTx } from "./case-ports.ts";
import type { ChannelName } from "./types.ts";

export type ChatAddress = { channel: ChannelName; chatId: string };

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
