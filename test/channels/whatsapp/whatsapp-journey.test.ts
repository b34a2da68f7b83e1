// A full SOP case on WhatsApp: hand-made messages.upsert events (Baileys' proto types) fed through a socket stand-in into
// the real app (SQLite, engine, outbox), numbered and quoted replies, a return with a reason, stale
// and foreign replies, a document, a LID sender, pacing, restarts with the stored session, log-out.
import { EventEmitter } from "node:events";
import { rmSync } from "node:fs";
import path from "node:path";
import { initAuthCreds, BufferJSON, type WAMessage } from "@whiskeysockets/baileys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WhatsAppSocketLike } from "../../../src/channels/whatsapp/whatsapp-channel.ts";
import { loadConfig } from "../../../src/config.ts";
import { issueEnrolmentCode } from "../../../src/engine/enrolment.ts";
import { createLogger } from "../../../src/logger.ts";
import { createApp, type App } from "../../../src/app.ts";
import { verifyAuditChain } from "../../../src/store/audit-verify.ts";
import { createEngineStore } from "../../../src/store/engine-store.ts";
import { createKeyValueStore } from "../../../src/store/key-value-store.ts";
import { FakeClock, wita } from "../../helpers/harness.ts";
import { repoRoot } from "../../helpers/run-bot.ts";
import { tempDir } from "../../helpers/temp-db.ts";
import { newDatabaseUrl, onPostgres, targetOf } from "../../helpers/test-database.ts";
import Database from "better-sqlite3";
import { fixture } from "../../helpers/wa-fixtures.ts";

const MARIA = "6281100000001@s.whatsapp.net"; // Sekretaris
const FRANSISKA = "6281100000002@s.whatsapp.net"; // Kasubag Kepegawaian dan Umum (writes from her LID)
const FRANSISKA_LID = "204175869307459@lid";
const STRANGER = "6281100000009@s.whatsapp.net";
const pdf = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(300, 32)]);

class FakeSocket implements WhatsAppSocketLike {
  emitter = new EventEmitter();
  sent: { jid: string; content: Record<string, unknown>; id: string; at: number }[] = [];
  ended = false;
  constructor(
    private readonly clock: FakeClock,
    readonly auth: unknown,
  ) {}
  ev = {
    on: (event: string, fn: (...args: never[]) => void) => {
      this.emitter.on(event, fn as (...args: unknown[]) => void);
    },
  } as WhatsAppSocketLike["ev"];
  async sendMessage(jid: string, content: Record<string, unknown>) {
    const id = `BOT${this.sent.length + 1}`;
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

const dir = tempDir();
const clock = new FakeClock(wita("2026-03-16 08:00"));
let app: App;
let databaseUrl = "";
let sockets: FakeSocket[] = [];
const sock = () => sockets.at(-1) as FakeSocket;
let seq = 0;

async function startApp(): Promise<App> {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    FLOWS_DIR: path.join(repoRoot, "flows"),
    FILES_DIR: path.join(dir, "files"),
    FILE_ENCRYPTION_KEY: "ef".repeat(32),
    WHATSAPP_ENABLED: "true",
    DEMO_STAFF: "false",
    WHATSAPP_CHAT_GAP_MS: "1500",
    WHATSAPP_GLOBAL_GAP_MS: "600",
  });
  const a = await createApp({
    config,
    logger: createLogger("silent"),
    clock,
    awaitDelivery: true,
    whatsapp: {
      makeSocket: () => {
        const s = new FakeSocket(clock, null);
        sockets.push(s);
        return s;
      },
      download: async () => pdf,
    },
  });
  await a.whatsapp?.start();
  sock().emit("connection.update", { connection: "open" });
  return a;
}

/** Lets time pass until every queued message went out (WhatsApp sends are paced). */
async function drain(): Promise<void> {
  for (let i = 0; i < 40 && (await app.db.prisma.outboxMessage.count({ where: { status: "pending" } })) > 0; i++) {
    clock.advanceMinutes(1 / 30); // 2 s
    await app.tick();
  }
}

/** Feeds a recorded upsert (adjusted), then waits for the answers to go out. */
async function feed(name: string, change: (m: WAMessage) => void = () => undefined): Promise<string[]> {
  const upsert = fixture(name);
  for (const m of upsert.messages) {
    m.key.id = `${m.key.id ?? "M"}-${++seq}`;
    change(m);
  }
  const before = sock().sent.length;
  sock().emit("messages.upsert", upsert);
  await new Promise((r) => setTimeout(r, 0));
  await settle();
  await drain();
  return sock()
    .sent.slice(before)
    .map((s) => `${s.jid}: ${String(s.content["text"] ?? `[dokumen ${String(s.content["fileName"])}]`)}`);
}

async function settle(): Promise<void> {
  // A few turns for the socket's own events (a close, a log-out), then until no chat has a message in
  // flight: the channel handles each chat's messages in order, and on a busy machine that outlasts
  // any fixed wait.
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 5));
  for (let i = 0; i < 2000 && (app.whatsapp?.busyChats() ?? 0) > 0; i++) await new Promise((r) => setTimeout(r, 5));
}

const say = (jid: string, text: string) =>
  feed("text", (m) => {
    m.key.remoteJid = jid;
    m.message = { conversation: text };
  });

const lastPromptTo = (jid: string) =>
  [...sock().sent].reverse().find((s) => s.jid === jid && String(s.content["text"]).includes("Balas 1 untuk"));

beforeAll(async () => {
  // The number was paired earlier (npm run wa:pair): its session is in the database.
  const { openDatabase } = await import("../../../src/store/database.ts");
  databaseUrl = await newDatabaseUrl(dir);
  const db = await openDatabase({ target: targetOf(databaseUrl) });
  const creds = initAuthCreds();
  creds.registered = true;
  creds.me = { id: "6281100000000:3@s.whatsapp.net", name: "Dinas Koperasi UKM NTT" };
  await createKeyValueStore(db, "default").set([["creds", JSON.stringify(creds, BufferJSON.replacer)]]);
  await db.close();
  app = await startApp();
  const store = createEngineStore(app.db);
  for (const [name, jid, lid] of [
    ["Maria Goreti Bria", MARIA, null],
    ["Fransiska Nona Lodo", FRANSISKA, FRANSISKA_LID],
  ] as const) {
    const official = await app.db.prisma.official.findFirstOrThrow({ where: { name } });
    const { code } = await store.transaction((tx) => issueEnrolmentCode(tx, official, clock.now(), 72, app.enrolmentSecret));
    const replies = await feed(lid ? "lid-sender" : "text", (m) => {
      m.key.remoteJid = lid ?? jid;
      m.key.remoteJidAlt = lid ? jid : undefined;
      m.message = { conversation: `DAFTAR ${code}` };
    });
    expect(replies.join("\n")).toContain(`Terima kasih, ${name}. Akun WhatsApp ini sekarang terdaftar.`);
  }
});

afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("WhatsApp channel", () => {
  it("resumes the stored session without pairing again", () => {
    expect(sockets).toHaveLength(1);
    expect(app.whatsapp?.status()).toBe("open");
  });

  it("answers BANTUAN and knows a LID sender as the same person", async () => {
    expect((await say(MARIA, "BANTUAN")).join("\n")).toContain("Perintah yang tersedia");
    const me = await feed("lid-sender");
    expect(me.join("\n")).toContain(`${FRANSISKA}: Anda: Fransiska Nona Lodo`);
    const identity = await app.db.prisma.chatIdentity.findFirst({ where: { channel: "whatsapp", externalId: FRANSISKA } });
    expect(identity?.alias).toBe(FRANSISKA_LID);
  });

  let code = "";
  it("runs a case with numbered replies: a bare number acts on the latest prompt and says so", async () => {
    const opened = await say(MARIA, "buka 18 KGB Kristina Bere");
    // Maria holds the first step herself: her task is the answer.
    code = /Tugas baru — kasus (18-[A-Z0-9]{5})/.exec(opened.join("\n"))?.[1] ?? "";
    expect(code).not.toBe("");
    expect(String(lastPromptTo(MARIA)?.content["text"])).toContain(`Balas 1 untuk Selesai, 2 untuk Selesai + catatan — kasus ${code}.`);
    const done = await say(MARIA, "1");
    // Different chats are sent in parallel, so only the order within one chat is fixed.
    expect(done.find((line) => line.startsWith(`${MARIA}:`))).toBe(
      `${MARIA}: Pilihan 1 (Selesai) untuk kasus ${code}.\nKasus ${code}: langkah 1 dari 7 diselesaikan oleh Anda.`,
    );
    expect(done.join("\n")).toContain(`${FRANSISKA}: Tugas baru — kasus ${code}`);
  });

  it("acts on the quoted prompt for a quoted reply, from the LID address too", async () => {
    const prompt = lastPromptTo(FRANSISKA);
    const replies = await feed("quoted-reply", (m) => {
      m.key.remoteJid = FRANSISKA_LID;
      m.key.remoteJidAlt = FRANSISKA;
      (m.message?.extendedTextMessage?.contextInfo as { stanzaId: string }).stanzaId = prompt?.id ?? "";
    });
    expect(replies.join("\n")).toContain(`Pilihan 1 (Selesai) untuk kasus ${code}.`);
    expect(replies.join("\n")).toContain(
      `${FRANSISKA}: Pilihan 1 (Selesai) untuk kasus ${code}.\nKasus ${code}: langkah 2 dari 7 diselesaikan oleh Anda.`,
    );
  });

  it("refuses stale and foreign replies and changes nothing", async () => {
    const stale = await say(MARIA, "1");
    expect(stale.join("\n")).toContain("Langkah ini sudah diproses atau tidak berlaku lagi. Tidak ada yang berubah.");
    // A stranger's "1" acts on nothing: they are greeted with the service menu.
    expect((await say(STRANGER, "1")).join("\n")).toContain("Pilih layanan yang Anda butuhkan");
    // Quoting a message that offered no choices.
    const replies = await feed("quoted-reply", (m) => {
      m.key.remoteJid = MARIA;
      (m.message?.extendedTextMessage?.contextInfo as { stanzaId: string }).stanzaId = "NOT-A-PROMPT";
    });
    expect(replies.join("\n")).toContain("Pesan yang Anda kutip tidak memiliki pilihan");
    const open = await app.db.prisma.stepTask.findMany({ where: { status: "open", case: { code } } });
    expect(open.map((t) => t.stepId)).toEqual(["3"]);
  });

  it("takes a document as a step's note, and BATAL / STATUS work as keywords", async () => {
    // Step 3 belongs to the Pengelola Kepegawaian; walk it as the console would, then back to WhatsApp.
    const yohanes = await app.db.prisma.official.findFirstOrThrow({ where: { name: "Yohanes Seran" } });
    await app.db.write((tx) =>
      tx.chatIdentity.create({
        data: { id: "wa-yoh", channel: "whatsapp", externalId: "6281100000003@s.whatsapp.net", officialId: yohanes.id },
      }),
    );
    const yoh = "6281100000003@s.whatsapp.net";
    await say(yoh, "TUGAS");
    expect(String(lastPromptTo(yoh)?.content["text"])).toContain("Balas 1 untuk Ambil");
    await say(yoh, "1");
    await say(yoh, "2");
    expect((await say(yoh, "BATAL")).join("\n")).toContain("Baik, dibatalkan");
    await say(yoh, "TUGAS");
    await say(yoh, "2");
    const replies = await feed("document", (m) => {
      m.key.remoteJid = yoh;
    });
    expect(replies.join("\n")).toContain("Catatan: SK pangkat terakhir terlampir");
    const files = await app.db.prisma.storedFile.findMany({ where: { channel: "whatsapp" } });
    expect(files.map((f) => [f.originalName, f.mime, f.channel])).toEqual([
      ["SK Pangkat Kristina Bere.pdf", "application/pdf", "whatsapp"],
    ]);
    // The Kasubag receives step 4 with the document.
    expect(sock().sent.some((s) => s.jid === FRANSISKA && s.content["fileName"] === "SK Pangkat Kristina Bere.pdf")).toBe(true);
    const status = await say(MARIA, `STATUS ${code}`);
    expect(status.join("\n")).toContain("Status: sedang berjalan");
  });

  it("returns a case with a reason typed after choosing Kembalikan", async () => {
    await say(FRANSISKA, "2");
    const returned = await say(FRANSISKA, "Status SK belum dilegalisir");
    // The reason starts with a keyword but is taken as the answer to the open question.
    expect(returned.join("\n")).toContain(
      "Dikembalikan oleh Fransiska Nona Lodo (Kepala Sub Bagian Kepegawaian dan Umum). Alasan: Status SK belum dilegalisir",
    );
  });

  it("replies to an image that no step waits for, and ignores own, status, group and history messages", async () => {
    // (The events are hand-made from Baileys' proto types: test/helpers/wa-fixtures.ts.)
    expect((await feed("image")).join("\n")).toContain("tidak ada tugas yang menunggu berkas dari Anda");
    const rowsBefore = await app.db.prisma.outboxMessage.count();
    expect(await feed("ignored")).toEqual([]);
    expect(await feed("history-append")).toEqual([]);
    expect(await app.db.prisma.outboxMessage.count()).toBe(rowsBefore);
  });

  it("paces its sending: at least 1.5 s between messages to one chat, 0.6 s overall", () => {
    // A document goes out right after its message, in the same send; the pace is between messages.
    const byChat = new Map<string, number[]>();
    for (const s of sock().sent.filter((x) => !x.content["document"])) byChat.set(s.jid, [...(byChat.get(s.jid) ?? []), s.at]);
    for (const times of byChat.values())
      for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(1500);
    const all = sock().sent.map((s) => s.at);
    for (let i = 1; i < all.length; i++) {
      if (sock().sent[i]?.content["document"]) continue;
      expect((all[i] ?? 0) - (all[i - 1] ?? 0)).toBeGreaterThanOrEqual(600);
    }
  });

  it.skipIf(onPostgres)("tells the sender a message was not recorded while the database is locked; sent again, it is", async () => {
    const notRecorded =
      "Maaf, pesan Anda belum tercatat karena penyimpanan sistem sedang sibuk. Silakan kirim ulang pesan Anda beberapa saat lagi.";
    clock.advanceMinutes(0.1); // the chat's pacing gap has passed
    const receipts = await app.db.prisma.inboundReceipt.count();
    const before = sock().sent.length;
    await app.db.prisma.$queryRawUnsafe("PRAGMA busy_timeout = 200");
    const other = new Database(app.db.location, { fileMustExist: true });
    other.exec("BEGIN EXCLUSIVE");
    try {
      const upsert = fixture("text");
      for (const m of upsert.messages) {
        m.key.id = `LOCKED-${++seq}`;
        m.key.remoteJid = MARIA;
        m.message = { conversation: "TUGAS" };
      }
      sock().emit("messages.upsert", upsert);
      for (let i = 0; i < 100 && sock().sent.length === before; i++) await new Promise((r) => setTimeout(r, 20));
    } finally {
      other.exec("ROLLBACK");
      other.close();
      await app.db.prisma.$queryRawUnsafe("PRAGMA busy_timeout = 5000");
    }
    expect(
      sock()
        .sent.slice(before)
        .map((s) => [s.jid, s.content["text"]]),
    ).toEqual([[MARIA, notRecorded]]);
    expect(await app.db.prisma.inboundReceipt.count()).toBe(receipts);
    clock.advanceMinutes(0.1);
    const again = (await say(MARIA, "TUGAS")).join("\n");
    expect(again).toContain(MARIA);
    expect(again).not.toContain("belum tercatat");
    expect(await app.db.prisma.inboundReceipt.count()).toBe(receipts + 1);
  });

  it("resumes after a restart with the stored session, and stops and tells the admin when logged out", async () => {
    await app.close();
    sockets = [];
    app = await startApp();
    expect(sockets).toHaveLength(1);
    expect((await say(MARIA, "SAYA")).join("\n")).toContain("Anda: Maria Goreti Bria");

    // A network drop reconnects; a log-out stops for good and clears the session.
    sock().emit("connection.update", { connection: "close", lastDisconnect: { error: { output: { statusCode: 428 } } } });
    await new Promise((r) => setTimeout(r, 1100));
    expect(sockets).toHaveLength(2);
    sock().emit("connection.update", { connection: "open" });
    sock().emit("connection.update", { connection: "close", lastDisconnect: { error: { output: { statusCode: 401 } } } });
    await settle();
    expect(app.whatsapp?.status()).toBe("stopped");
    expect(await app.db.prisma.whatsAppAuth.count()).toBe(0);
    const notice = await app.db.prisma.outboxMessage.findFirst({
      where: { channel: "console", text: { startsWith: "WhatsApp berhenti" } },
    });
    expect(notice?.text).toContain("logged out");
    expect((await verifyAuditChain(app.db)).problems).toEqual([]);
  });
});
