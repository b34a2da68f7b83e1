// The WhatsApp adapter (Baileys 7): one live socket per account, the session kept in the database,
// disconnects handled by reason, inbound messages (live and those that waited on the server while
// the bot was offline) turned into InboundMessages, and outbox rows sent part by part: the text
// with numbered choices, then each document, each paced.
import type { AuthenticationState, WAMessage, WAMessageKey, proto } from "@whiskeysockets/baileys";
import { isLidUser, jidNormalizedUser } from "@whiskeysockets/baileys";
import { errorInfo, errorSummary } from "../../engine/error-info.ts";
import type { FilePort } from "../../engine/file-ports.ts";
import { messages } from "../../engine/messages.ts";
import { messageParts, SendFailure, type ChannelSender } from "../../engine/outbox-dispatcher.ts";
import { createPacer, defaultPacing, type PacingOptions } from "../../engine/pacer.ts";
import type { EventLog, KeyValueStore } from "../../engine/ports.ts";
import { storageFailureOf, type StorageUnavailableError } from "../../engine/storage-unavailable.ts";
import type { InboundMessage } from "../../engine/types.ts";
import { useDatabaseAuthState } from "./auth-state.ts";
import { classify } from "./inbound.ts";
import { renderForWhatsApp } from "./outbound.ts";
import { accountChatOf, accountNameOf, chatIdOn } from "./whatsapp-chats.ts";
import type { HeldMessage, WhatsAppInbox } from "./whatsapp-inbox.ts";
import { decideOnClose } from "./reconnect-policy.ts";
import { statusCodeOf, type SocketOptions, type WhatsAppSocketLike } from "./whatsapp-socket.ts";

export { statusCodeOf, type SocketOptions, type WhatsAppSocketLike } from "./whatsapp-socket.ts";

export interface WhatsAppChannelDeps {
  /**
   * The office whose own number this is (WHATSAPP_OFFICE_ACCOUNTS): its chats are known as "<jid>@<office>"
   * and its messages name the office (see whatsapp-chats.ts). Null or unset: the shared number.
   */
  office?: string | null;
  /** This account's session (credentials, signal keys, inbound mark), stored under its account name. */
  kv: KeyValueStore;
  makeSocket(auth: AuthenticationState, options: SocketOptions): WhatsAppSocketLike;
  receive(message: InboundMessage): Promise<void>;
  files: FilePort;
  /** Downloads and decrypts a media message (Baileys' downloadMediaMessage), asking for a re-upload when it expired. */
  download(message: WAMessage, ctx: { reuploadRequest?: (m: WAMessage) => Promise<WAMessage> }): Promise<Buffer>;
  /** The text of a message the bot sent on WhatsApp, by the id WhatsApp gave it. */
  sentText?(messageId: string): Promise<string | null>;
  log: EventLog;
  now(): Date;
  /** Tells the office's admins on their other channels (logged out, replaced, banned …). */
  notifyAdmins(text: string): Promise<void>;
  /** The command that pairs this account, for the admins' notices (default: npm run wa:pair -- <nomor telepon>). */
  pairCommand?: string;
  pacing?: PacingOptions;
  /** Test hook for timers. */
  schedule?(fn: () => void, ms: number): void;
  /** Tries of a session write that fails (credentials, the inbound mark); default 5. */
  saveAttempts?: number;
  /** Keeps each message in the database from arrival until handled (see whatsapp-inbox.ts). */
  inbox?: WhatsAppInbox;
}

export type WhatsAppStatus = "idle" | "connecting" | "open" | "stopped";

/** The newest message time (seconds) the session has handled, kept with the session. */
const WATERMARK = "inbound-watermark";
/** Appends up to this much older than the mark still count (clocks and queues are not exact). */
const WATERMARK_SLACK_S = 600;
/** With no mark yet (a fresh pairing), appends of the last day count. */
const FIRST_RUN_WINDOW_S = 24 * 3600;

export function createWhatsAppChannel(deps: WhatsAppChannelDeps) {
  const pacer = createPacer(deps.pacing ?? defaultPacing);
  const schedule = deps.schedule ?? ((fn, ms) => void setTimeout(fn, ms).unref());
  const attempts = deps.saveAttempts ?? 5;
  const office = deps.office ?? null;
  /** This account in logs: "whatsapp" or "whatsapp@<office>" (never its number). */
  const account = accountNameOf(office);
  const pairCommand = deps.pairCommand ?? "npm run wa:pair -- <nomor telepon>";
  type PartSender = Extract<ChannelSender, { sendPart: unknown }>;
  let current: WhatsAppSocketLike | null = null;
  let status: WhatsAppStatus = "idle";
  let attempt = 0;
  let stopped = false;
  /** One promise chain per chat with messages in flight; a chat leaves the map when it is idle. */
  const chains = new Map<string, Promise<void>>();
  /** Upserts being held, or held messages being taken back, before they join their chat's chain. */
  let receiving = 0;
  let watermark: number | null = null;
  let savedWatermark: number | null = null;
  /** Set by start(): once connected, messages an earlier process held and never finished are handled. */
  let replayPending = false;

  /** A session write that must not be lost: tried again with growing pauses, then logged. */
  async function persist(what: string, write: () => Promise<void>): Promise<void> {
    for (let i = 1; ; i++) {
      try {
        await write();
        return;
      } catch (error) {
        deps.log.warn({ what, attempt: i, ...errorInfo(error) }, "whatsapp session write failed");
        if (i >= attempts) {
          deps.log.error({ what, ...errorInfo(error) }, "whatsapp session write given up");
          return;
        }
        await new Promise<void>((resolve) => schedule(resolve, 200 * 2 ** (i - 1)));
      }
    }
  }

  function noteSeen(timestamp: number): void {
    if (timestamp <= 0 || (watermark !== null && timestamp <= watermark)) return;
    watermark = timestamp;
    if (savedWatermark === null || watermark - savedWatermark >= 60) {
      savedWatermark = watermark;
      const value = String(watermark);
      void persist("inbound mark", () => deps.kv.set([[WATERMARK, value]]));
    }
  }

  async function senderOf(
    c: Extract<ReturnType<typeof classify>, { kind: "message" }>,
  ): Promise<{ senderId: string; alias: string | null }> {
    if (!isLidUser(c.senderId) || c.alias) return { senderId: c.senderId, alias: c.alias };
    // Only the LID is known: ask Baileys for the phone number behind it (the identity we enrolled).
    const pn = await current?.signalRepository?.lidMapping?.getPNForLID(c.senderId).catch(() => null);
    return pn ? { senderId: jidNormalizedUser(pn), alias: c.senderId } : { senderId: c.senderId, alias: null };
  }

  /** How far back an append still counts as a message to handle (null: not an append). */
  function appendSince(type: string): number | null {
    if (type !== "append") return null;
    return watermark !== null ? watermark - WATERMARK_SLACK_S : Math.floor(deps.now().getTime() / 1000) - FIRST_RUN_WINDOW_S;
  }

  async function handleMessage(msg: WAMessage, type: string): Promise<void> {
    const c = classify(msg, type, { appendSince: appendSince(type) });
    if (c.kind === "ignore") return;
    const { senderId, alias } = await senderOf(c);
    // The sender is one identity on every number (senderId, alias); the chat is with this account.
    const chatId = chatIdOn(office, senderId);
    const base: InboundMessage = {
      channel: "whatsapp",
      chatId,
      senderId,
      ...(alias ? { senderAlias: alias } : {}),
      ...(c.pushName ? { senderName: c.pushName } : {}),
      ...(office ? { office } : {}),
      // Receipts are per channel: a message id is made unique per account too.
      messageId: office ? `${c.messageId}@${office}` : c.messageId,
      ...(c.text !== null ? { text: c.text } : {}),
      ...(c.quotedId ? { replyTo: { platformMessageId: c.quotedId } } : {}),
      ...(c.unsupported ? { unsupported: c.unsupported } : {}),
      receivedAt: deps.now(),
    };
    if (!c.media) {
      await deps.receive(base);
      noteSeen(c.timestamp);
      return;
    }
    const maxMb = Math.round(deps.files.maxBytes / 1024 / 1024);
    if (c.media.declaredSize > deps.files.maxBytes) {
      await deps.receive({ ...base, attachment: { rejected: "too-large", maxMb } });
      noteSeen(c.timestamp);
      return;
    }
    let bytes: Buffer;
    try {
      const sock = current;
      bytes = await deps.download(
        msg,
        sock?.updateMediaMessage ? { reuploadRequest: (m) => (sock.updateMediaMessage as (m: WAMessage) => Promise<WAMessage>)(m) } : {},
      );
    } catch (error) {
      deps.log.warn(errorInfo(error), "whatsapp media download failed");
      await deps.receive({ ...base, attachment: { rejected: "failed", maxMb } });
      noteSeen(c.timestamp);
      return;
    }
    const saved = await deps.files.save({ bytes, name: c.media.name, channel: "whatsapp", uploaderId: chatId, at: deps.now() });
    await deps.receive({ ...base, attachment: saved.ok ? { file: saved.file } : { rejected: saved.reason, maxMb } });
    noteSeen(c.timestamp);
  }

  /**
   * The storage was locked, full or unreachable: nothing of the message was saved and WhatsApp will
   * not deliver it again, so the sender is told to send it again — straight on the socket (the
   * outbox lives in that same storage), paced like any other message.
   */
  async function tellNotRecorded(chat: string, storage: StorageUnavailableError): Promise<void> {
    deps.log.error({ account, storage: storage.fault, code: storage.code }, "whatsapp message not recorded: storage unavailable");
    const sock = current;
    if (!chat || !sock || status !== "open") return;
    const wait = pacer.reserve(chat, deps.now().getTime());
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 10_000)));
    await sock
      .sendMessage(chat, { text: messages.notRecorded(storage.fault) })
      .catch((error: unknown) => deps.log.warn(errorInfo(error), "whatsapp notice failed"));
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
      .catch(() => undefined)
      .then(() => deps.inbox?.release(msg))
      .finally(() => {
        if (chains.get(chat) === next) chains.delete(chat);
      });
    chains.set(chat, next);
    return next;
  }

  /** Holds the messages of an upsert the bot will handle, then queues them (history and own are dropped at once). */
  async function receiveUpsert(list: WAMessage[], type: string): Promise<void> {
    receiving++;
    try {
      const kept = list.filter((m) => classify(m, type, { appendSince: appendSince(type) }).kind !== "ignore");
      await deps.inbox?.hold(kept.map((message) => ({ type, message })));
      await Promise.all(kept.map((m) => enqueue(m, type)));
    } finally {
      receiving--;
    }
  }

  /** After a restart: what an earlier process held and never finished is handled again, in order. */
  async function replayHeld(): Promise<void> {
    if (!deps.inbox) return;
    receiving++;
    try {
      const held: HeldMessage[] = await deps.inbox.takeBack(deps.now());
      if (held.length > 0) deps.log.info({ account, replayed: held.length }, "whatsapp messages held before a restart handled again");
      await Promise.all(held.map((h) => enqueue(h.message, h.type)));
    } finally {
      receiving--;
    }
  }

  async function getMessage(key: WAMessageKey): Promise<proto.IMessage | undefined> {
    const text = key.id && deps.sentText ? await deps.sentText(key.id).catch(() => null) : null;
    return text ? { conversation: text } : undefined;
  }

  /** A socket event handler that never throws into Baileys (an escaped error would stop the process). */
  function guarded<A extends unknown[]>(name: string, fn: (...args: A) => void | Promise<void>): (...args: A) => void {
    return (...args: A) => {
      try {
        void Promise.resolve(fn(...args)).catch((error: unknown) =>
          deps.log.error({ event: name, ...errorInfo(error) }, "whatsapp event handler failed"),
        );
      } catch (error) {
        deps.log.error({ event: name, ...errorInfo(error) }, "whatsapp event handler failed");
      }
    };
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    const auth = await useDatabaseAuthState(deps.kv);
    if (!auth.paired) {
      status = "stopped";
      deps.log.error({ account }, "whatsapp is not paired: run npm run wa:pair (see README, WhatsApp)");
      await deps.notifyAdmins(`WhatsApp ${office ? `kantor ${office} ` : ""}belum ditautkan. Jalankan: ${pairCommand}`);
      return;
    }
    if (watermark === null) {
      const stored = Number((await deps.kv.get([WATERMARK])).get(WATERMARK));
      if (Number.isFinite(stored) && stored > 0) watermark = savedWatermark = stored;
    }
    // One live socket per account: the previous one is closed before a new one opens.
    current?.end();
    status = "connecting";
    const sock = deps.makeSocket(auth.state, { getMessage });
    current = sock;
    sock.ev.on(
      "creds.update",
      guarded("creds.update", () => persist("credentials", auth.saveCreds)),
    );
    sock.ev.on(
      "messages.upsert",
      guarded("messages.upsert", ({ messages: list, type }: { messages: WAMessage[]; type: string }) => {
        if (sock !== current) return;
        void receiveUpsert(list, type);
      }),
    );
    sock.ev.on(
      "connection.update",
      guarded(
        "connection.update",
        async ({ connection, lastDisconnect }: { connection?: string; lastDisconnect?: { error?: unknown } }) => {
          if (sock !== current) return;
          if (connection === "open") {
            status = "open";
            attempt = 0;
            deps.log.info({ account }, "whatsapp connected");
            if (replayPending) {
              replayPending = false;
              await replayHeld();
            }
          }
          if (connection !== "close") return;
          if (stopped) {
            status = "stopped";
            return;
          }
          attempt += 1;
          const decision = decideOnClose(statusCodeOf(lastDisconnect?.error), attempt);
          if (decision.action === "reconnect") {
            status = "connecting";
            deps.log.warn({ account, reason: decision.reason, delayMs: decision.delayMs, attempt }, "whatsapp reconnecting");
            schedule(
              () => void connect().catch((error: unknown) => deps.log.error(errorInfo(error), "whatsapp reconnect failed")),
              decision.delayMs,
            );
            return;
          }
          status = "stopped";
          current = null;
          deps.log.error({ account, reason: decision.reason }, "whatsapp stopped");
          if (decision.clearSession) await auth.clear();
          if (decision.tellAdmin)
            await deps.notifyAdmins(
              `WhatsApp ${office ? `kantor ${office} ` : ""}berhenti: ${decision.reason}. Tautkan ulang dengan: ${pairCommand}`,
            );
        },
      ),
    );
  }

  const sender: PartSender = {
    merges: true,
    // The text with its numbered choices in one message (WhatsApp takes long texts), then each file.
    parts: (message) => (message.edit ? [] : messageParts(message, (text) => [text])),
    async sendPart(message, part) {
      const sock = current;
      if (!sock || status !== "open") throw new SendFailure("whatsapp is not connected", true, 30_000);
      // WhatsApp's own JID (the engine's chat id names an office's number; whatsapp-chats.ts).
      const jid = accountChatOf(message.chatId).jid;
      // Every part is a message to WhatsApp and keeps the pace on its own.
      const wait = pacer.reserve(jid, deps.now().getTime());
      if (wait > 0) throw new SendFailure("paced", true, wait, true);
      try {
        if (part.kind === "text") {
          const sent = await sock.sendMessage(jid, { text: renderForWhatsApp({ ...message, text: part.text }) });
          return sent?.key?.id ? { platformMessageId: sent.key.id } : undefined;
        }
        if (part.kind === "file") {
          const file = await deps.files.read(part.fileId);
          if (file) await sock.sendMessage(jid, { document: file.bytes, mimetype: file.mime, fileName: file.name });
        }
        return undefined;
      } catch (error) {
        throw new SendFailure(errorSummary(error), true);
      }
    },
  };

  return {
    /** The office whose own number this is; null: the shared number. */
    office,
    /** "whatsapp" or "whatsapp@<office>": this account in logs, readiness and metrics. */
    name: account,
    sender,
    /** Connects (again after a stop: a channel stopped when leadership was lost starts afresh). */
    async start(): Promise<void> {
      stopped = false;
      attempt = 0;
      replayPending = true;
      await connect();
    },
    status: () => status,
    /** Handles one upsert as the socket would deliver it (tests feed events through here too). */
    ingest: (upsert: { messages: WAMessage[]; type: string }) => receiveUpsert(upsert.messages, upsert.type),
    /** Chats with messages in flight, plus deliveries still being held (tests wait for 0). */
    busyChats: () => chains.size + receiving,
    async stop(): Promise<void> {
      stopped = true;
      status = "stopped";
      current?.end();
      current = null;
      await Promise.all(chains.values());
      if (watermark !== null && watermark !== savedWatermark) {
        const value = String(watermark);
        await persist("inbound mark", () => deps.kv.set([[WATERMARK, value]]));
      }
    },
  };
}

export type WhatsAppChannel = ReturnType<typeof createWhatsAppChannel>;
