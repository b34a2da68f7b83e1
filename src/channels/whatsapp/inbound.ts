// Reads a Baileys message: whether to handle it at all, who sent it (phone-number JID and LID are
// one person), and its text, quoted message and media. Only new notifications from one person
// count: own, status, broadcast, newsletter and group messages are ignored.
import { isJidBroadcast, isJidGroup, isJidNewsletter, isJidStatusBroadcast, isLidUser, jidNormalizedUser, type WAMessage, type proto } from "@whiskeysockets/baileys";

export type Classified =
  | { kind: "ignore"; why: string }
  | {
      kind: "message";
      /** The sender as we address them: the phone-number JID when known, else the LID. */
      senderId: string;
      /** The other address of the same person (LID for a phone JID, or the reverse). */
      alias: string | null;
      messageId: string;
      pushName: string | null;
      text: string | null;
      /** The id of the message this one quotes (a reply to a prompt). */
      quotedId: string | null;
      media: { type: "image" | "document"; name: string | null; declaredSize: number } | null;
    };

/** Unwraps ephemeral / view-once / document-with-caption envelopes. */
function unwrap(message: proto.IMessage | null | undefined): proto.IMessage | null {
  let m = message ?? null;
  for (let i = 0; i < 5 && m; i++) {
    const inner = m.ephemeralMessage?.message ?? m.viewOnceMessage?.message ?? m.viewOnceMessageV2?.message ?? m.documentWithCaptionMessage?.message;
    if (!inner) break;
    m = inner;
  }
  return m;
}

function size(value: number | Long | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === "number" ? value : Number(value.toString());
}
type Long = { toString(): string };

export function classify(msg: WAMessage, upsertType: string): Classified {
  if (upsertType !== "notify") return { kind: "ignore", why: `upsert type ${upsertType}` };
  const key = msg.key;
  const remote = key.remoteJid ?? "";
  if (key.fromMe) return { kind: "ignore", why: "own message" };
  if (!remote || isJidStatusBroadcast(remote) || isJidBroadcast(remote)) return { kind: "ignore", why: "status or broadcast" };
  if (isJidGroup(remote)) return { kind: "ignore", why: "group" };
  if (isJidNewsletter(remote)) return { kind: "ignore", why: "newsletter" };
  const message = unwrap(msg.message);
  if (!message) return { kind: "ignore", why: "no content" };
  if (message.protocolMessage || message.reactionMessage) return { kind: "ignore", why: "protocol or reaction" };

  const alt = key.remoteJidAlt ?? null;
  let senderId = jidNormalizedUser(remote);
  let alias: string | null = alt ? jidNormalizedUser(alt) : null;
  if (isLidUser(remote) && alt && !isLidUser(alt)) {
    senderId = jidNormalizedUser(alt);
    alias = jidNormalizedUser(remote);
  }

  const text = message.conversation ?? message.extendedTextMessage?.text ?? message.imageMessage?.caption ?? message.documentMessage?.caption ?? null;
  const context = message.extendedTextMessage?.contextInfo ?? message.imageMessage?.contextInfo ?? message.documentMessage?.contextInfo ?? null;
  let media: Extract<Classified, { kind: "message" }>["media"] = null;
  if (message.imageMessage) media = { type: "image", name: null, declaredSize: size(message.imageMessage.fileLength) };
  else if (message.documentMessage) media = { type: "document", name: message.documentMessage.fileName ?? null, declaredSize: size(message.documentMessage.fileLength) };
  if (text === null && media === null) return { kind: "ignore", why: "unsupported content" };

  return {
    kind: "message",
    senderId,
    alias,
    messageId: key.id ?? "",
    pushName: msg.pushName ?? null,
    text,
    quotedId: context?.stanzaId ?? null,
    media,
  };
}
