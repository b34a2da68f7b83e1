// The WhatsApp adapter (Baileys 7): one live socket per account, the session kept in the database,
// disconnects handled by reason, inbound notifications turned into InboundMessages, and outbox rows
// sent as paced texts with numbered choices, and as documents.
import type { AuthenticationState, WAMessage } from "@whiskeysockets/baileys";
import type { FilePort } from "../../engine/file-ports.ts";
import { messageParts, SendFailure, type ChannelSender } from "../../engine/outbox-dispatcher.ts";
import type { EventLog, KeyValueStore } from "../../engine/ports.ts";
import type { InboundMessage } from "../../engine/types.ts";
import { errorInfo, errorSummary } from "../../engine/error-info.ts";
import { messages } from "../../engine/messages.ts";
import { storageFailureOf, type StorageUnavailableError } from "../../engine/storage-unavailable.ts";
import { useDatabaseAuthState } from "./auth-state.ts";
import { classify } from "./inbound.ts";
import { createPacer, defaultPacing, type PacingOptions } from "../../engine/pacer.ts";
import { renderForWhatsApp } from "./outbound.ts";
import { decideOnClose } from "./reconnect-policy.ts";

/** The part of a Baileys socket this adapter uses (a recorded-event fake implements it in tests). */
export interface WhatsAppSocketLike {
  ev: {
    on(event: "connection.update", fn: (update: { connection?: string; lastDisconnect?: { error?: unknown }; qr?: string }) => void): void;
    on(event: "creds.update", fn: () => void): void;
    on(event: "messages.upsert", fn: (upsert: { messages: WAMessage[]; type: string }) => void): void;
  };
  sendMessage(jid: string, content: Record<string, unknown>): Promise<{ key?: { id?: string | null } } | undefined>;
  end(error?: Error): void;
}

export interface WhatsAppChannelDeps {
  kv: KeyValueStore;
  makeSocket(auth: AuthenticationState): WhatsAppSocketLike;
  receive(message: InboundMessage): Promise<void>;
  files: FilePort;
  /** Downloads and decrypts a media message (Baileys' downloadMediaMessage in production). */
  download(message: WAMessage): Promise<Buffer>;
  log: EventLog;
  now(): Date;
  /** Tells the office's admins on their other channels (logged out, replaced, banned …). */
  notifyAdmins(text: string): Promise<void>;
  pacing?: PacingOptions;
  /** Test hook for timers. */
  schedule?(fn: () => void, ms: number): void;
}

export type WhatsAppStatus = "idle" | "connecting" | "open" | "stopped";

/** Reads the status code out of Baileys' Boom error. */
export function statusCodeOf(error: unknown): number | undefined {
  const output = (error as { output?: { statusCode?: number } } | undefined)?.output;
  return output?.statusCode;
}

export function createWhatsAppChannel(deps: WhatsAppChannelDeps) {
  const pacer = createPacer(deps.pacing ?? defaultPacing);
  const schedule = deps.schedule ?? ((fn, ms) => void setTimeout(fn, ms).unref());
  let current: WhatsAppSocketLike | null = null;
  let status: WhatsAppStatus = "idle";
  let attempt = 0;
  let stopped = false;
  const chains = new Map<string, Promise<void>>();

  async function handleMessage(msg: WAMessage, type: string): Promise<void> {
    const c = classify(msg, type);
    if (c.kind === "ignore") return;
    const base: InboundMessage = {
      channel: "whatsapp",
      chatId: c.senderId,
      senderId: c.senderId,
      ...(c.alias ? { senderAlias: c.alias } : {}),
      ...(c.pushName ? { senderName: c.pushName } : {}),
      messageId: c.messageId,
      ...(c.text !== null ? { text: c.text } : {}),
      ...(c.quotedId ? { replyTo: { platformMessageId: c.quotedId } } : {}),
      receivedAt: deps.now(),
    };
    if (!c.media) {
      await deps.receive(base);
      return;
    }
    const maxMb = Math.round(deps.files.maxBytes / 1024 / 1024);
    if (c.media.declaredSize > deps.files.maxBytes) {
      await deps.receive({ ...base, attachment: { rejected: "too-large", maxMb } });
      return;
    }
    let bytes: Buffer;
    try {
      bytes = await deps.download(msg);
    } catch (error) {
      deps.log.warn(errorInfo(error), "whatsapp media download failed");
      await deps.receive({ ...base, attachment: { rejected: "failed", maxMb } });
      return;
    }
    const saved = await deps.files.save({ bytes, name: c.media.name, channel: "whatsapp", uploaderId: c.senderId, at: deps.now() });
    await deps.receive({ ...base, attachment: saved.ok ? { file: saved.file } : { rejected: saved.reason, maxMb } });
  }

  /**
   * The storage was locked, full or unreachable: nothing of the message was saved and WhatsApp will
   * not deliver it again, so the sender is told to send it again — straight on the socket (the
   * outbox lives in that same storage), paced like any other message.
   */
  async function tellNotRecorded(chat: string, storage: StorageUnavailableError): Promise<void> {
    deps.log.error({ storage: storage.fault, code: storage.code }, "whatsapp message not recorded: storage unavailable");
    const sock = current;
    if (!chat || !sock || status !== "open") return;
    const wait = pacer.reserve(chat, deps.now().getTime());
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 10_000)));
    await sock.sendMessage(chat, { text: messages.notRecorded(storage.fault) }).catch((error: unknown) => deps.log.warn(errorInfo(error), "whatsapp notice failed"));
  }

  /** Messages of one chat are handled one after another, in order; chats run independently. */
  function enqueue(msg: WAMessage, type: string): Promise<void> {
    const chat = msg.key.remoteJid ?? "";
    const next = (chains.get(chat) ?? Promise.resolve())
      .then(() => handleMessage(msg, type))
      .catch(async (error: unknown) => {
        const storage = storageFailureOf(error);
        if (storage) await tellNotRecorded(chat, storage);
        else deps.log.error(errorInfo(error), "whatsapp message failed");
      })
      .catch(() => undefined);
    chains.set(chat, next);
    return next;
  }

  async function connect(): Promise<void> {
    const auth = await useDatabaseAuthState(deps.kv);
    if (!auth.paired) {
      status = "stopped";
      deps.log.error({}, "whatsapp is not paired: run npm run wa:pair -- <phone number>");
      await deps.notifyAdmins("WhatsApp belum ditautkan. Jalankan: npm run wa:pair -- <nomor telepon>");
      return;
    }
    // One live socket per account: the previous one is closed before a new one opens.
    current?.end();
    status = "connecting";
    const sock = deps.makeSocket(auth.state);
    current = sock;
    sock.ev.on("creds.update", () => void auth.saveCreds());
    sock.ev.on("messages.upsert", ({ messages, type }) => {
      if (sock !== current) return;
      for (const m of messages) void enqueue(m, type);
    });
    sock.ev.on("connection.update", ({ connection, lastDisconnect }) => {
      if (sock !== current) return;
      if (connection === "open") {
        status = "open";
        attempt = 0;
        deps.log.info({}, "whatsapp connected");
      }
      if (connection !== "close" || stopped) return;
      attempt += 1;
      const decision = decideOnClose(statusCodeOf(lastDisconnect?.error), attempt);
      if (decision.action === "reconnect") {
        status = "connecting";
        deps.log.warn({ reason: decision.reason, delayMs: decision.delayMs, attempt }, "whatsapp reconnecting");
        schedule(() => void connect(), decision.delayMs);
        return;
      }
      status = "stopped";
      current = null;
      deps.log.error({ reason: decision.reason }, "whatsapp stopped");
      void (async () => {
        if (decision.clearSession) await auth.clear();
        if (decision.tellAdmin) await deps.notifyAdmins(`WhatsApp berhenti: ${decision.reason}. Tautkan ulang dengan: npm run wa:pair -- <nomor telepon>`);
      })();
    });
  }

  const sender: ChannelSender = {
    // The text with its numbered choices in one message (WhatsApp takes long texts), then each file.
    parts: (message) => (message.edit ? [] : messageParts(message, (text) => [text])),
    async sendPart(message, part) {
      const sock = current;
      if (!sock || status !== "open") throw new SendFailure("whatsapp is not connected", true, 30_000);
      // Every part is a message to WhatsApp and keeps the pace on its own.
      const wait = pacer.reserve(message.chatId, deps.now().getTime());
      if (wait > 0) throw new SendFailure("paced", true, wait, true);
      try {
        if (part.kind === "text") {
          const sent = await sock.sendMessage(message.chatId, { text: renderForWhatsApp({ ...message, text: part.text }) });
          return sent?.key?.id ? { platformMessageId: sent.key.id } : undefined;
        }
        if (part.kind === "file") {
          const file = await deps.files.read(part.fileId);
          if (file) await sock.sendMessage(message.chatId, { document: file.bytes, mimetype: file.mime, fileName: file.name });
        }
        return undefined;
      } catch (error) {
        throw new SendFailure(errorSummary(error), true);
      }
    },
  };

  return {
    sender,
    start: connect,
    status: () => status,
    /** Handles one recorded upsert (tests feed recorded payloads through here too). */
    ingest: (upsert: { messages: WAMessage[]; type: string }) => Promise.all(upsert.messages.map((m) => enqueue(m, upsert.type))).then(() => undefined),
    async stop(): Promise<void> {
      stopped = true;
      status = "stopped";
      current?.end();
      current = null;
      await Promise.all(chains.values());
    },
  };
}

export type WhatsAppChannel = ReturnType<typeof createWhatsAppChannel>;
