// WhatsApp in tests: the real app (engine, outbox, channel adapter) with a socket stand-in that
// records what the bot sends, fed with messages.upsert events built from Baileys' own proto types.
// The events are hand-made (not recorded from a phone): realistic fields, made-up keys and media.
import { randomBytes, createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import path from "node:path";
import { BufferJSON, initAuthCreds, proto, type WAMessage } from "@whiskeysockets/baileys";
import type { WhatsAppSocketLike } from "../../src/channels/whatsapp/whatsapp-channel.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { createApp, type App } from "../../src/app.ts";
import { openDatabase } from "../../src/store/database.ts";
import { createKeyValueStore } from "../../src/store/key-value-store.ts";
import type { FakeClock } from "./harness.ts";
import { repoRoot } from "./run-bot.ts";
import { targetOf } from "./test-database.ts";

export class FakeSocket implements WhatsAppSocketLike {
  emitter = new EventEmitter();
  sent: { jid: string; content: Record<string, unknown>; id: string; at: number }[] = [];
  ended = false;
  /** LID → phone-number JID, as Baileys' lidMapping would answer. */
  lidMap = new Map<string, string>();
  signalRepository = { lidMapping: { getPNForLID: async (lid: string) => this.lidMap.get(lid) ?? null } };
  constructor(private readonly clock: FakeClock) {}
  ev = {
    on: (event: string, fn: (...args: never[]) => void) => {
      this.emitter.on(event, fn as (...args: unknown[]) => void);
    },
  } as WhatsAppSocketLike["ev"];
  async sendMessage(jid: string, content: Record<string, unknown>) {
    const id = `BOT${this.sent.length + 1}-${randomBytes(3).toString("hex")}`;
    this.sent.push({ jid, content, id, at: this.clock.now().getTime() });
    return { key: { id } };
  }
  end() {
    this.ended = true;
  }
  emit(event: string, payload: unknown) {
    this.emitter.emit(event, payload);
  }
}

let counter = 0;
const messageId = () => `3EB0${randomBytes(8).toString("hex").toUpperCase()}${++counter}`;
const nowSeconds = (clock: FakeClock) => Math.floor(clock.now().getTime() / 1000);

/** A text message from `jid` (optionally quoting `quotedId`), as Baileys delivers it. Hand-made. */
export function textEvent(clock: FakeClock, jid: string, text: string, options: { quotedId?: string; pushName?: string } = {}): WAMessage {
  const message = options.quotedId
    ? {
        extendedTextMessage: {
          text,
          contextInfo: { stanzaId: options.quotedId, participant: "6281100000000@s.whatsapp.net", quotedMessage: { conversation: "…" } },
        },
      }
    : { conversation: text };
  return proto.WebMessageInfo.fromObject({
    key: { remoteJid: jid, fromMe: false, id: messageId() },
    messageTimestamp: nowSeconds(clock),
    pushName: options.pushName ?? "Pemohon",
    message,
  }) as WAMessage;
}

/** A document or image message from `jid`, with made-up media keys (the download hook serves the bytes). */
export function mediaEvent(clock: FakeClock, jid: string, file: { name: string; mime: string; bytes: Buffer }): WAMessage {
  const common = {
    url: `https://mmg.whatsapp.net/v/t62.7119-24/${randomBytes(8).toString("hex")}.enc`,
    mimetype: file.mime,
    fileSha256: createHash("sha256").update(file.bytes).digest(),
    fileEncSha256: randomBytes(32),
    fileLength: file.bytes.length,
    mediaKey: randomBytes(32),
    mediaKeyTimestamp: nowSeconds(clock),
  };
  const message = file.mime.startsWith("image/")
    ? { imageMessage: { ...common, width: 1080, height: 1350 } }
    : { documentMessage: { ...common, fileName: file.name, title: file.name, pageCount: 1 } };
  return proto.WebMessageInfo.fromObject({
    key: { remoteJid: jid, fromMe: false, id: messageId() },
    messageTimestamp: nowSeconds(clock),
    pushName: "Pemohon",
    message,
  }) as WAMessage;
}

export interface WaHarness {
  app: App;
  sockets: FakeSocket[];
  sock(): FakeSocket;
  /** Serves the bytes of media messages by message id (what downloadMediaMessage would decrypt). */
  media: Map<string, Buffer>;
  /** Emits one upsert and lets the bot answer and send everything it caused (advancing paced time). */
  feed(messages: WAMessage[], type?: "notify" | "append"): Promise<void>;
}

/** Stores a paired session (as `npm run wa:pair` leaves it) for each account (default: the shared "default") in a database. */
export async function pairedDatabase(databaseUrl: string, accounts: string[] = ["default"]): Promise<void> {
  const db = await openDatabase({ target: targetOf(databaseUrl) });
  for (const [i, account] of accounts.entries()) {
    const creds = initAuthCreds();
    creds.registered = true;
    creds.me = { id: `62811000000${String(i).padStart(2, "0")}:3@s.whatsapp.net`, name: `Dinas Koperasi UKM (${account})` };
    await createKeyValueStore(db, account).set([["creds", JSON.stringify(creds, BufferJSON.replacer)]]);
  }
  await db.close();
}

export async function startWhatsAppApp(options: {
  databaseUrl: string;
  dir: string;
  clock: FakeClock;
  sockets?: FakeSocket[];
  logger?: ReturnType<typeof createLogger>;
  /** Timers of the channel (reconnect waits, write retries); default: run at once. */
  schedule?: (fn: () => void, ms: number) => void;
}): Promise<WaHarness> {
  const { clock } = options;
  const sockets = options.sockets ?? [];
  const media = new Map<string, Buffer>();
  const config = loadConfig({
    DATABASE_URL: options.databaseUrl,
    FLOWS_DIR: path.join(repoRoot, "flows"),
    FILES_DIR: path.join(options.dir, "files"),
    FILE_ENCRYPTION_KEY: "ef".repeat(32),
    WHATSAPP_ENABLED: "true",
    WHATSAPP_CHAT_GAP_MS: "1500",
    WHATSAPP_GLOBAL_GAP_MS: "600",
  });
  const app = await createApp({
    config,
    logger: options.logger ?? createLogger("silent"),
    clock,
    awaitDelivery: true,
    whatsapp: {
      schedule: options.schedule ?? ((fn) => void setTimeout(fn, 0)),
      makeSocket: () => {
        const s = new FakeSocket(clock);
        sockets.push(s);
        return s;
      },
      download: async (m) => {
        const bytes = media.get((m as WAMessage).key.id ?? "");
        if (!bytes) throw new Error("media not found");
        return bytes;
      },
    },
  });
  await app.whatsapp?.start();
  const sock = () => sockets.at(-1) as FakeSocket;
  sock().emit("connection.update", { connection: "open" });

  async function drain(): Promise<void> {
    for (let i = 0; i < 200 && (await app.db.prisma.outboxMessage.count({ where: { status: "pending" } })) > 0; i++) {
      clock.advanceMinutes(1 / 30); // 2 s: WhatsApp sends are paced
      await app.tick();
    }
  }
  async function settle(): Promise<void> {
    // The channel handles each chat's messages in order: wait until no chat has one in hand (a loaded
    // machine may take a while; a fixed pause made the journeys flaky there).
    await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 2000 && (app.whatsapp?.busyChats() ?? 0) > 0; i++) await new Promise((r) => setTimeout(r, 5));
  }
  return {
    app,
    sockets,
    sock,
    media,
    async feed(messages, type = "notify") {
      clock.advanceMinutes(5 / 60); // a person takes a few seconds per message
      sock().emit("messages.upsert", { messages, type });
      await settle();
      await drain();
    },
  };
}
