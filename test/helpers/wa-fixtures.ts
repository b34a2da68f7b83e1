// WhatsApp messages.upsert events for the tests, built with Baileys' own proto types
// (proto.WebMessageInfo). They are HAND-MADE, not recorded from a phone: the fields and their shapes
// follow what Baileys 7 delivers (ids like 3EB0…, Unix-second timestamps, pushName, media keys and
// hashes as bytes, fileLength), with made-up values. Each call returns a fresh copy.
import { createHash, randomBytes } from "node:crypto";
import { proto, type WAMessage } from "@whiskeysockets/baileys";

/** Monday 16 March 2026, 08:20 WITA, in Unix seconds (the tests' fake morning). */
const morning = 1773620400;

const mediaFields = (seed: string, mimetype: string, size: number) => ({
  url: `https://mmg.whatsapp.net/v/t62.7118-24/${createHash("sha1").update(seed).digest("hex").slice(0, 24)}_n.enc`,
  directPath: `/v/t62.7118-24/${createHash("sha1").update(seed).digest("hex").slice(0, 24)}_n.enc`,
  mimetype,
  fileSha256: createHash("sha256").update(`${seed}-plain`).digest(),
  fileEncSha256: createHash("sha256").update(`${seed}-enc`).digest(),
  mediaKey: randomBytes(32),
  mediaKeyTimestamp: morning,
  fileLength: size,
});

/** A WebMessageInfo from plain fields; `keyExtra` are the key fields Baileys adds outside the proto (remoteJidAlt). */
const message = (fields: Record<string, unknown>, keyExtra: { remoteJidAlt?: string } = {}): WAMessage => {
  const built = proto.WebMessageInfo.fromObject(fields) as WAMessage;
  Object.assign(built.key, keyExtra);
  return built;
};

const builders: Record<string, () => { type: "notify" | "append"; messages: WAMessage[] }> = {
  text: () => ({
    type: "notify",
    messages: [
      message({
        key: { remoteJid: "6281100000001@s.whatsapp.net", fromMe: false, id: "3EB0C4F2A1B2C3D4E5F6" },
        messageTimestamp: morning,
        pushName: "Maria",
        message: { conversation: "BANTUAN", messageContextInfo: { deviceListMetadataVersion: 2 } },
      }),
    ],
  }),
  "quoted-reply": () => ({
    type: "notify",
    messages: [
      message({
        key: { remoteJid: "6281100000002@s.whatsapp.net", fromMe: false, id: "3EB0A1B2C3D4E5F60718" },
        messageTimestamp: morning + 60,
        pushName: "Fransiska",
        message: {
          extendedTextMessage: {
            text: "1",
            contextInfo: {
              stanzaId: "QUOTED-ID",
              participant: "6281199999999@s.whatsapp.net",
              quotedMessage: { conversation: "Tugas baru — kasus ..." },
            },
          },
        },
      }),
    ],
  }),
  "lid-sender": () => ({
    type: "notify",
    messages: [
      message(
        {
          key: { remoteJid: "204175869307459@lid", fromMe: false, id: "3EB05A6B7C8D9E0F1A2B" },
          messageTimestamp: morning + 120,
          pushName: "Fransiska",
          message: { conversation: "SAYA" },
        },
        { remoteJidAlt: "6281100000002@s.whatsapp.net" },
      ),
    ],
  }),
  image: () => ({
    type: "notify",
    messages: [
      message({
        key: { remoteJid: "6281100000001@s.whatsapp.net", fromMe: false, id: "3EB0F1E2D3C4B5A69788" },
        messageTimestamp: morning + 180,
        pushName: "Maria",
        message: { imageMessage: { ...mediaFields("image", "image/jpeg", 48213), caption: "", height: 1280, width: 960 } },
      }),
    ],
  }),
  document: () => ({
    type: "notify",
    messages: [
      message({
        key: { remoteJid: "6281100000002@s.whatsapp.net", fromMe: false, id: "3EB0D9C8B7A695847362" },
        messageTimestamp: morning + 240,
        pushName: "Fransiska",
        message: {
          documentWithCaptionMessage: {
            message: {
              documentMessage: {
                ...mediaFields("document", "application/pdf", 182734),
                title: "SK Pangkat",
                pageCount: 2,
                fileName: "SK Pangkat Kristina Bere.pdf",
                caption: "SK pangkat terakhir terlampir",
              },
            },
          },
        },
      }),
    ],
  }),
  ignored: () => ({
    type: "notify",
    messages: [
      message({
        key: { remoteJid: "6281100000001@s.whatsapp.net", fromMe: true, id: "3EB0OWN000000000001" },
        messageTimestamp: morning,
        message: { conversation: "pesan sendiri" },
      }),
      message({
        key: { remoteJid: "status@broadcast", fromMe: false, id: "3EB0STATUS000000001", participant: "6281100000003@s.whatsapp.net" },
        messageTimestamp: morning,
        message: { conversation: "status" },
      }),
      message({
        key: {
          remoteJid: "120363025246125888@g.us",
          fromMe: false,
          id: "3EB0GROUP0000000001",
          participant: "6281100000001@s.whatsapp.net",
        },
        messageTimestamp: morning,
        message: { conversation: "TUGAS" },
      }),
      message({
        key: { remoteJid: "120363111111111111@newsletter", fromMe: false, id: "3EB0NEWS00000000001" },
        messageTimestamp: morning,
        message: { conversation: "berita" },
      }),
      message({
        key: { remoteJid: "6281100000001@s.whatsapp.net", fromMe: false, id: "3EB0REACT0000000001" },
        messageTimestamp: morning,
        message: { reactionMessage: { key: { id: "x" }, text: "👍" } },
      }),
    ],
  }),
  /** An old message (a year before) delivered as an append: history, not a new message. */
  "history-append": () => ({
    type: "append",
    messages: [
      message({
        key: { remoteJid: "6281100000001@s.whatsapp.net", fromMe: false, id: "3EB0HISTORY00000001" },
        messageTimestamp: morning - 365 * 86400,
        pushName: "Maria",
        message: { conversation: "TUGAS" },
      }),
    ],
  }),
  /** A message that waited on the server while the bot was offline: an append, new. */
  "offline-append": () => ({
    type: "append",
    messages: [
      message({
        key: { remoteJid: "6281100000001@s.whatsapp.net", fromMe: false, id: "3EB0OFFLINE0000001" },
        messageTimestamp: morning + 300,
        pushName: "Maria",
        message: { conversation: "TUGAS" },
      }),
    ],
  }),
  /** A group notification delivered as an append (a stub, no content). */
  "stub-append": () => ({
    type: "append",
    messages: [
      message({
        key: { remoteJid: "6281100000001@s.whatsapp.net", fromMe: false, id: "3EB0STUB0000000001" },
        messageTimestamp: morning + 300,
        messageStubType: 2,
        messageStubParameters: ["x"],
      }),
    ],
  }),
  /** A voice note (push-to-talk audio). */
  voice: () => ({
    type: "notify",
    messages: [
      message({
        key: { remoteJid: "6281100000001@s.whatsapp.net", fromMe: false, id: "3EB0VOICE000000001" },
        messageTimestamp: morning + 360,
        pushName: "Maria",
        message: { audioMessage: { ...mediaFields("voice", "audio/ogg; codecs=opus", 9182), seconds: 7, ptt: true } },
      }),
    ],
  }),
  sticker: () => ({
    type: "notify",
    messages: [
      message({
        key: { remoteJid: "6281100000001@s.whatsapp.net", fromMe: false, id: "3EB0STICKER0000001" },
        messageTimestamp: morning + 360,
        pushName: "Maria",
        message: { stickerMessage: { ...mediaFields("sticker", "image/webp", 20311), isAnimated: false } },
      }),
    ],
  }),
  location: () => ({
    type: "notify",
    messages: [
      message({
        key: { remoteJid: "6281100000001@s.whatsapp.net", fromMe: false, id: "3EB0LOCATION000001" },
        messageTimestamp: morning + 360,
        pushName: "Maria",
        message: { locationMessage: { degreesLatitude: -10.1772, degreesLongitude: 123.607, name: "Kupang" } },
      }),
    ],
  }),
  contact: () => ({
    type: "notify",
    messages: [
      message({
        key: { remoteJid: "6281100000001@s.whatsapp.net", fromMe: false, id: "3EB0CONTACT0000001" },
        messageTimestamp: morning + 360,
        pushName: "Maria",
        message: { contactMessage: { displayName: "Kantor", vcard: "BEGIN:VCARD\nVERSION:3.0\nFN:Kantor\nEND:VCARD" } },
      }),
    ],
  }),
  video: () => ({
    type: "notify",
    messages: [
      message({
        key: { remoteJid: "6281100000001@s.whatsapp.net", fromMe: false, id: "3EB0VIDEO000000001" },
        messageTimestamp: morning + 360,
        pushName: "Maria",
        message: { videoMessage: { ...mediaFields("video", "video/mp4", 1_240_000), seconds: 12 } },
      }),
    ],
  }),
};

/** A hand-made upsert by name (see the list above); fresh objects on every call. */
export const fixture = (name: keyof typeof builders | string) => {
  const build = builders[name];
  if (!build) throw new Error(`no WhatsApp fixture "${name}"`);
  return build();
};
