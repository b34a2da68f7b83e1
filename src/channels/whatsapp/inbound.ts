// Reads a Baileys message: whether to handle it at all, who sent it (phone-number JID and LID are
// one person), and its text, quoted message and media — or what kind of content the bot cannot
// read (a voice note, a sticker …), which is answered politely instead of ignored.
//
// Which upserts are people writing to the bot: every `notify`, and the `append`s that are real
// incoming messages — Baileys delivers the messages that waited on the server while the bot was
// offline (during a restart, a reconnect or a leader hand-over) as `append`, already acknowledged,
// so ignoring them would lose them for good. Own messages, notifications (stubs) and anything older
// than the point the session had already seen (history) are not.
import {
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  isJidStatusBroadcast,
  isLidUser,
  jidNormalizedUser,
  type WAMessage,
  type proto,
} from "@whiskeysockets/baileys";
import type { UnsupportedContent } from "../../engine/types.ts";

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
      /** Content the bot cannot read; the sender is told what it accepts. */
      unsupported: UnsupportedContent | null;
      /** When the sender sent it (seconds), 0 when unknown. */
      timestamp: number;
    };

/** Unwraps ephemeral / view-once / document-with-caption envelopes. */
function unwrap(message: proto.IMessage | null | undefined): proto.IMessage | null {
  let m = message ?? null;
  for (let i = 0; i < 5 && m; i++) {
    const inner =
      m.ephemeralMessage?.message ?? m.viewOnceMessage?.message ?? m.viewOnceMessageV2?.message ?? m.documentWithCaptionMessage?.message;
    if (!inner) break;
    m = inner;
  }
  return m;
}

type Long = { toString(): string };
function numberOf(value: number | Long | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === "number" ? value : Number(value.toString());
}

function unsupportedKind(m: proto.IMessage): UnsupportedContent | null {
  if (m.audioMessage) return "voice";
  if (m.videoMessage || m.ptvMessage) return "video";
  if (m.stickerMessage) return "sticker";
  if (m.locationMessage || m.liveLocationMessage) return "location";
  if (m.contactMessage || m.contactsArrayMessage) return "contact";
  if (m.pollCreationMessage || m.pollCreationMessageV2 || m.pollCreationMessageV3 || m.eventMessage) return "other";
  return null;
}

export interface ClassifyOptions {
  /** For `append` upserts: only messages sent at or after this time (seconds) are new to the bot. */
  appendSince?: number | null;
}

export function classify(msg: WAMessage, upsertType: string, options: ClassifyOptions = {}): Classified {
  if (upsertType !== "notify" && upsertType !== "append") return { kind: "ignore", why: `upsert type ${upsertType}` };
  const key = msg.key;
  const remote = key.remoteJid ?? "";
  if (key.fromMe) return { kind: "ignore", why: "own message" };
  if (!remote || isJidStatusBroadcast(remote) || isJidBroadcast(remote)) return { kind: "ignore", why: "status or broadcast" };
  if (isJidGroup(remote)) return { kind: "ignore", why: "group" };
  if (isJidNewsletter(remote)) return { kind: "ignore", why: "newsletter" };
  const timestamp = numberOf(msg.messageTimestamp as number | Long | null | undefined);
  if (upsertType === "append") {
    if (msg.messageStubType) return { kind: "ignore", why: "notification" };
    if (options.appendSince !== undefined && options.appendSince !== null && timestamp < options.appendSince)
      return { kind: "ignore", why: "history" };
  }
  const message = unwrap(msg.message);
  if (!message) return { kind: "ignore", why: "no content" };
  if (message.protocolMessage || message.reactionMessage || message.senderKeyDistributionMessage) {
    const onlyProtocol = !message.conversation && !message.extendedTextMessage && !message.imageMessage && !message.documentMessage;
    if (onlyProtocol) return { kind: "ignore", why: "protocol or reaction" };
  }

  const alt = key.remoteJidAlt ?? null;
  let senderId = jidNormalizedUser(remote);
  let alias: string | null = alt ? jidNormalizedUser(alt) : null;
  if (isLidUser(remote) && alt && !isLidUser(alt)) {
    senderId = jidNormalizedUser(alt);
    alias = jidNormalizedUser(remote);
  }

  const text =
    message.conversation ?? message.extendedTextMessage?.text ?? message.imageMessage?.caption ?? message.documentMessage?.caption ?? null;
  const context =
    message.extendedTextMessage?.contextInfo ?? message.imageMessage?.contextInfo ?? message.documentMessage?.contextInfo ?? null;
  let media: Extract<Classified, { kind: "message" }>["media"] = null;
  if (message.imageMessage)
    media = { type: "image", name: null, declaredSize: numberOf(message.imageMessage.fileLength as number | Long | null | undefined) };
  else if (message.documentMessage)
    media = {
      type: "document",
      name: message.documentMessage.fileName ?? null,
      declaredSize: numberOf(message.documentMessage.fileLength as number | Long | null | undefined),
    };
  const unsupported = text === null && media === null ? unsupportedKind(message) : null;
  if (text === null && media === null && unsupported === null) return { kind: "ignore", why: "unsupported content" };

  return {
    kind: "message",
    senderId,
    alias,
    messageId: key.id ?? "",
    pushName: msg.pushName ?? null,
    text,
    quotedId: context?.stanzaId ?? null,
    media,
    unsupported,
    timestamp,
  };
}
