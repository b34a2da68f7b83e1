// Which WhatsApp account a chat is with. A deployment may link several numbers: the shared one
// (WHATSAPP_ENABLED, WHATSAPP_ACCOUNT) and offices' own (WHATSAPP_OFFICE_ACCOUNTS). A chat on the shared
// number is known to the engine by the sender's JID, as always; a chat on an office's own number by
// "<jid>@<office>" (e.g. "6281234567890@s.whatsapp.net@kota-kupang"). So everything keyed by chat (the
// outbox's order per chat, form sessions, pending prompts, an applicant's cases) keeps one person's
// chats with two numbers apart, and an outbox row names the number it goes out through.

const officeId = /^[a-z0-9-]+$/;

/** The chat id the engine knows a WhatsApp chat by, on the number of `office` (null: the shared number). */
export function chatIdOn(office: string | null, jid: string): string {
  return office ? `${jid}@${office}` : jid;
}

/**
 * The account (its office; null: the shared number) and WhatsApp's own JID of a chat id made by
 * chatIdOn. A JID has one "@"; a second one names the office.
 */
export function accountChatOf(chatId: string): { office: string | null; jid: string } {
  const last = chatId.lastIndexOf("@");
  if (last <= 0 || chatId.indexOf("@") === last) return { office: null, jid: chatId };
  const office = chatId.slice(last + 1);
  return officeId.test(office) ? { office, jid: chatId.slice(0, last) } : { office: null, jid: chatId };
}

/**
 * An account's name in logs, readiness checks, metrics and where its messages are held until handled
 * (InboundHold.channel): "whatsapp" for the shared number, "whatsapp@<office>" for an office's own.
 */
export function accountNameOf(office: string | null): string {
  return office ? `whatsapp@${office}` : "whatsapp";
}
