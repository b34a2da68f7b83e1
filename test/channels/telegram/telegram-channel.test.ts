// The Telegram channel driven offline: grammY's handleUpdate with a known botInfo, every Bot API call
// captured by a transformer, file downloads from a loopback server, a real SQLite file and a fake clock.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import type { Update } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.ts";
import { issueEnrolmentCode } from "../../../src/engine/enrolment.ts";
import { createLogger } from "../../../src/logger.ts";
import { createApp, type App } from "../../../src/app.ts";
import { createEngineStore } from "../../../src/store/engine-store.ts";
import { verifyAuditChain } from "../../../src/store/audit-verify.ts";
import { botInfo, callbackUpdate, documentUpdate, fakeBotApi, fileServer, photoUpdate, textUpdate } from "../../helpers/fake-bot-api.ts";
import { FakeClock, wita } from "../../helpers/harness.ts";
import { repoRoot } from "../../helpers/run-bot.ts";
import { tempDir } from "../../helpers/temp-db.ts";
import { newDatabaseUrl, onPostgres } from "../../helpers/test-database.ts";
import Database from "better-sqlite3";

const MARIA = 111; // Sekretaris
const FRANSISKA = 222; // Kasubag Kepegawaian dan Umum
const YOHANES = 333; // Pengelola Kepegawaian
const STRANGER = 999;

const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
const exe = Buffer.concat([Buffer.from("MZ"), Buffer.alloc(100, 1)]);

let app: App;
let api: ReturnType<typeof fakeBotApi>;
let files: Awaited<ReturnType<typeof fileServer>>;
const dir = tempDir();
const clock = new FakeClock(wita("2026-03-16 08:00"));

const handle = async (update: Update) => {
  await app.telegram?.bot.handleUpdate(update);
};
const lastMessageTo = (chatId: number) => api.sentTo(chatId).at(-1);
const buttonsOf = (call: { payload: Record<string, unknown> } | undefined) =>
  (
    (call?.payload["reply_markup"] as { inline_keyboard: { text: string; callback_data: string }[][] } | undefined)?.inline_keyboard ?? []
  ).flat();
/** The message id the stand-in gave a sendMessage call (ids are handed out in call order). */
const messageIdOf = (call: { payload: Record<string, unknown> } | undefined) => {
  const sends = api.calls.filter((c) => c.method === "sendMessage" || c.method === "sendDocument");
  return 1001 + sends.indexOf(call as (typeof sends)[number]);
};
let mark = 0;
/** Starts a new window of captured calls (earlier calls stay available to lastMessageTo). */
/** The choices a chat sees now: on the newest message or edit that shows a keyboard. */
const currentButtons = (chatId: number) => {
  const shown = api.calls.filter(
    (c) => (c.method === "sendMessage" || c.method === "editMessageText") && Number(c.payload["chat_id"]) === chatId,
  );
  return buttonsOf([...shown].reverse().find((c) => buttonsOf(c).length > 0));
};
const newWindow = () => {
  mark = api.calls.length;
};
const recent = () => api.calls.slice(mark);
const alerts = () => recent().filter((c) => c.method === "answerCallbackQuery");

beforeAll(async () => {
  api = fakeBotApi();
  files = await fileServer(
    new Map([
      ["documents/photo-1", png],
      ["documents/exe-1", exe],
    ]),
  );
  const config = loadConfig({
    DATABASE_URL: await newDatabaseUrl(dir),
    FLOWS_DIR: path.join(repoRoot, "flows"),
    FILES_DIR: path.join(dir, "files"),
    TELEGRAM_BOT_TOKEN: "123456:TEST-token-abcdefghijklmnopqrstuvwxyz",
    TELEGRAM_API_ROOT: files.url,
    FILE_ENCRYPTION_KEY: "ab".repeat(32),
  });
  app = await createApp({
    config,
    logger: createLogger("silent"),
    clock,
    telegram: { botInfo, transformer: api.transformer, pacing: null },
    awaitDelivery: true,
  });
  // Enrol three officials by codes an admin issued.
  const store = createEngineStore(app.db);
  for (const [name, userId] of [
    ["Maria Goreti Bria", MARIA],
    ["Fransiska Nona Lodo", FRANSISKA],
    ["Yohanes Seran", YOHANES],
  ] as const) {
    const official = await app.db.prisma.official.findFirstOrThrow({ where: { name } });
    const { code } = await store.transaction((tx) => issueEnrolmentCode(tx, official, clock.now(), 72, app.enrolmentSecret));
    await handle(textUpdate(userId, `/start ${code.replace("-", "")}`, name));
  }
});

afterAll(async () => {
  await app.close();
  await files.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("Telegram channel", () => {
  it("enrols officials through the /start deep link and gives them the officials' command menu", () => {
    expect(lastMessageTo(MARIA)?.payload["text"]).toContain("Terima kasih, Maria Goreti Bria. Akun Telegram ini sekarang terdaftar.");
    const menus = api.calls.filter((c) => c.method === "setMyCommands");
    expect(menus.map((m) => (m.payload["scope"] as { chat_id: number }).chat_id)).toEqual([MARIA, FRANSISKA, YOHANES]);
    expect((menus[0]?.payload["commands"] as { command: string }[]).map((c) => c.command)).toContain("tugas");
  });

  let firstStepButton = "";
  it("sends a step with inline buttons carrying an opaque reference of at most 64 bytes", async () => {
    await handle(textUpdate(MARIA, "/buka 18 KGB Kristina Bere"));
    const step = lastMessageTo(MARIA);
    expect(step?.payload["text"]).toContain("Tugas baru — kasus 18-");
    const buttons = buttonsOf(step);
    expect(buttons.map((b) => b.text)).toEqual(["Selesai", "Selesai + catatan"]);
    for (const b of buttons) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
    firstStepButton = buttons[0]?.callback_data ?? "";
  });

  it("runs an approval chain across two officials: press answered at once, message edited to show the outcome", async () => {
    const step = lastMessageTo(MARIA);
    newWindow();
    await handle(callbackUpdate(MARIA, firstStepButton, messageIdOf(step)));
    expect(recent()[0]).toMatchObject({ method: "answerCallbackQuery", payload: { text: "Diproses…" } });
    const edit = recent().find((c) => c.method === "editMessageText");
    expect(edit?.payload["text"]).toMatch(/✔ Diselesaikan oleh Maria Goreti Bria \(Sekretaris\), Senin, 16 Maret 2026 pukul 08\.00 WITA/);
    expect(edit?.payload["reply_markup"]).toEqual({ inline_keyboard: [] });
    // The decision costs its decider one message: that edit.
    expect(recent().filter((c) => c.method === "sendMessage" && Number(c.payload["chat_id"]) === MARIA)).toEqual([]);
    expect(lastMessageTo(FRANSISKA)?.payload["text"]).toContain("Langkah 2 dari 7");
  });

  it("refuses a repeated press with an alert and changes nothing", async () => {
    newWindow();
    await handle(callbackUpdate(MARIA, firstStepButton, 1));
    expect(alerts()).toEqual([
      {
        method: "answerCallbackQuery",
        ok: true,
        payload: expect.objectContaining({
          text: "Langkah ini sudah diproses atau tidak berlaku lagi. Tidak ada yang berubah.",
          show_alert: true,
        }),
      },
    ]);
    expect(recent().filter((c) => c.method === "sendMessage")).toEqual([]);
  });

  it("refuses a forged callback: someone else's button, an unknown reference, a stranger", async () => {
    const fransiskaButton = buttonsOf(lastMessageTo(FRANSISKA))[0]?.callback_data ?? "";
    newWindow();
    await handle(callbackUpdate(MARIA, fransiskaButton, 1));
    await handle(callbackUpdate(FRANSISKA, "a:AAAAAAAAAAAA", 1));
    await handle(callbackUpdate(FRANSISKA, "approve:case=1;step=2", 1));
    await handle(callbackUpdate(STRANGER, fransiskaButton, 1));
    expect(alerts().map((a) => a.payload["text"])).toEqual([
      "Maaf, langkah ini bukan tugas Anda. Tidak ada yang berubah.",
      "Maaf, tombol ini tidak dikenal. Ketik /tugas untuk melihat tugas Anda.",
      "Tombol ini tidak dikenal.",
      "Maaf, hanya pejabat yang terdaftar yang dapat melakukan ini. Pejabat mendaftar dengan /daftar KODE dari admin.",
    ]);
    const tasks = await app.db.prisma.stepTask.findMany({ where: { status: "open" } });
    expect(tasks.map((t) => t.stepId)).toEqual(["2"]);
  });

  let oldStep3Button = "";
  it("refuses a press on a button of a step that was returned", async () => {
    await handle(callbackUpdate(FRANSISKA, buttonsOf(lastMessageTo(FRANSISKA))[0]?.callback_data ?? "", 1));
    // Step 3 is offered to both Pengelola Kepegawaian; Yohanes takes it.
    await handle(callbackUpdate(YOHANES, buttonsOf(lastMessageTo(YOHANES))[0]?.callback_data ?? "", 1));
    // Taking it turns his own prompt into the step's choices: one edit, no second message.
    const taken = api.calls.filter((c) => c.method === "editMessageText" && Number(c.payload["chat_id"]) === YOHANES).at(-1);
    expect(String(taken?.payload["text"])).toContain("✔ Anda mengambil langkah ini");
    expect(currentButtons(YOHANES).map((b) => b.text)).toEqual(["Selesai", "Selesai + catatan"]);
    oldStep3Button = currentButtons(YOHANES)[0]?.callback_data ?? "";
    await handle(callbackUpdate(YOHANES, oldStep3Button, 1));
    // Step 4: the Kasubag returns it to step 3 with a reason typed as a reply.
    const review = buttonsOf(lastMessageTo(FRANSISKA));
    expect(review.map((b) => b.text)).toEqual(["Setujui", "Kembalikan"]);
    await handle(callbackUpdate(FRANSISKA, review[1]?.callback_data ?? "", 1));
    expect(lastMessageTo(FRANSISKA)?.payload["text"]).toContain("Tulis alasan pengembalian");
    await handle(textUpdate(FRANSISKA, "Lampirkan SK pangkat terakhir"));
    expect(lastMessageTo(YOHANES)?.payload["text"]).toContain(
      "Dikembalikan oleh Fransiska Nona Lodo (Kepala Sub Bagian Kepegawaian dan Umum). Alasan: Lampirkan SK pangkat terakhir",
    );
    newWindow();
    await handle(callbackUpdate(YOHANES, oldStep3Button, 1));
    expect(alerts()[0]?.payload).toMatchObject({
      text: "Langkah ini sudah diproses atau tidak berlaku lagi. Tidak ada yang berubah.",
      show_alert: true,
    });
  });

  it("takes a photo as the step's attachment: checked by content, encrypted at rest, sent on with the next step", async () => {
    const buttons = currentButtons(YOHANES);
    expect(buttons[1]?.text).toBe("Selesai + catatan");
    await handle(callbackUpdate(YOHANES, buttons[1]?.callback_data ?? "", 1));
    newWindow();
    await handle(photoUpdate(YOHANES, "photo-1", png.length));
    const stored = await app.db.prisma.storedFile.findMany();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ mime: "image/png", size: png.length, channel: "telegram" });
    expect(stored[0]?.caseId).toBeTruthy();
    const onDisk = readdirSync(path.join(dir, "files"), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".bin"));
    expect(onDisk).toHaveLength(1);
    const sealed = readFileSync(path.join(dir, "files", onDisk[0] ?? ""));
    expect(sealed.includes(png.subarray(0, 8))).toBe(false);
    expect((await app.files?.read(stored[0]?.id ?? ""))?.bytes.equals(png)).toBe(true);
    // The Kasubag gets step 4 again, with the case's document.
    expect(lastMessageTo(FRANSISKA)?.payload["text"]).toContain("Berkas terlampir (1)");
    expect(
      recent()
        .filter((c) => c.method === "sendDocument")
        .map((c) => String(c.payload["chat_id"])),
    ).toEqual([String(FRANSISKA)]);
  });

  it("tells the limit for an oversized file and refuses a file that is not PDF, JPEG or PNG", async () => {
    newWindow();
    await handle(documentUpdate(YOHANES, "big-1", "scan.pdf", 30 * 1024 * 1024));
    expect(lastMessageTo(YOHANES)?.payload["text"]).toContain("Maaf, berkas terlalu besar. Batasnya 20 MB.");
    expect(recent().some((c) => c.method === "getFile")).toBe(false);
    await handle(documentUpdate(YOHANES, "exe-1", "surat.pdf", exe.length));
    expect(lastMessageTo(YOHANES)?.payload["text"]).toBe("Maaf, jenis berkas ini tidak diterima. Kirim berkas PDF, JPG, atau PNG.");
  });

  it("loses no notification in a burst of 429 answers", async () => {
    api.fail("sendMessage", 3, { error_code: 429, description: "Too Many Requests: retry after 3", parameters: { retry_after: 3 } });
    newWindow();
    const lastId = (await app.db.prisma.outboxMessage.aggregate({ _max: { id: true } }))._max.id ?? 0;
    await handle(textUpdate(MARIA, "/buka 13 Undangan rapat"));
    await handle(textUpdate(FRANSISKA, "/tugas"));
    expect(await app.db.prisma.outboxMessage.count({ where: { status: "pending" } })).toBeGreaterThan(0);
    // Each refused send waits its retry_after (3 s); a few ticks later everything is out.
    for (let i = 0; i < 5 && (await app.db.prisma.outboxMessage.count({ where: { status: "pending" } })) > 0; i++) {
      clock.advanceMinutes(0.1);
      await app.tick();
    }
    const rows = await app.db.prisma.outboxMessage.findMany({ where: { id: { gt: lastId }, channel: "telegram", editOfId: null } });
    expect(rows.length).toBeGreaterThan(3);
    // Every row went out: on its own, or combined into the message sent before it to the same chat.
    expect(
      rows.every((r) => r.status === "sent" || (r.status === "merged" && rows.some((l) => l.id === r.mergedIntoId && l.status === "sent"))),
    ).toBe(true);
    const sends = recent().filter((c) => c.method === "sendMessage");
    expect(sends.filter((c) => !c.ok)).toHaveLength(3);
    // Every message arrived exactly once.
    const delivered = sends.filter((c) => c.ok).map((c) => `${String(c.payload["chat_id"])}|${String(c.payload["text"])}`);
    expect(delivered.sort()).toEqual(
      rows
        .filter((r) => r.status === "sent")
        .map((r) => `${r.chatId}|${r.text}`)
        .sort(),
    );
  });

  it("survives a handler error: logs it, apologizes, and handles the next update", async () => {
    const files = app.files;
    if (!files) throw new Error("no file store");
    const save = files.save;
    (files as { save: typeof save }).save = async () => {
      throw new Error("ENOSPC: no space left on device");
    };
    newWindow();
    await handle(photoUpdate(YOHANES, "photo-1", png.length));
    (files as { save: typeof save }).save = save;
    expect(lastMessageTo(YOHANES)?.payload["text"]).toBe(
      "Maaf, terjadi kesalahan pada sistem saat memproses pesan Anda. Silakan coba lagi sebentar lagi.",
    );
    await handle(textUpdate(YOHANES, "/saya"));
    expect(lastMessageTo(YOHANES)?.payload["text"]).toContain("Anda: Yohanes Seran");
    expect((await verifyAuditChain(app.db)).problems).toEqual([]);
  });

  it("answers group chats with a pointer to the private chat and ignores the rest", async () => {
    newWindow();
    const group = textUpdate(MARIA, "/tugas");
    (group.message as { chat: unknown }).chat = { id: -100, type: "group", title: "Dinas" };
    await handle(group);
    expect(recent().map((c) => [c.method, c.payload["chat_id"]])).toEqual([["sendMessage", -100]]);
  });

  it.skipIf(onPostgres)(
    "tells the sender that a message or a press was not recorded while the database is locked; sent again, it is",
    async () => {
      const notRecorded =
        "Maaf, pesan Anda belum tercatat karena penyimpanan sistem sedang sibuk. Silakan kirim ulang pesan Anda beberapa saat lagi.";
      await handle(textUpdate(MARIA, "/buka 18 KGB Terkunci"));
      const step = lastMessageTo(MARIA);
      const button = buttonsOf(step)[0]?.callback_data ?? "";
      const task = await app.db.prisma.stepTask.findFirstOrThrow({ where: { status: "open", case: { title: "KGB Terkunci" } } });
      const receipts = await app.db.prisma.inboundReceipt.count();
      // Another process holds the write lock longer than the (shortened) busy timeout.
      await app.db.prisma.$queryRawUnsafe("PRAGMA busy_timeout = 200");
      const other = new Database(app.db.location, { fileMustExist: true });
      other.exec("BEGIN EXCLUSIVE");
      try {
        newWindow();
        await handle(textUpdate(MARIA, "/tugas"));
        expect(
          recent()
            .filter((c) => c.method === "sendMessage")
            .map((c) => c.payload["text"]),
        ).toEqual([notRecorded]);
        // The press passes its read-only check and is answered at once; saving it fails: the chat is told.
        newWindow();
        await handle(callbackUpdate(MARIA, button, messageIdOf(step)));
        expect(recent().map((c) => [c.method, c.payload["text"]])).toEqual([
          ["answerCallbackQuery", "Diproses…"],
          ["sendMessage", notRecorded],
        ]);
      } finally {
        other.exec("ROLLBACK");
        other.close();
        await app.db.prisma.$queryRawUnsafe("PRAGMA busy_timeout = 5000");
      }
      expect(await app.db.prisma.inboundReceipt.count()).toBe(receipts);
      expect((await app.db.prisma.stepTask.findUniqueOrThrow({ where: { id: task.id } })).status).toBe("open");
      // Pressed again once the lock is gone, the step is done.
      newWindow();
      await handle(callbackUpdate(MARIA, button, messageIdOf(step)));
      expect((await app.db.prisma.stepTask.findUniqueOrThrow({ where: { id: task.id } })).status).toBe("done");
      expect((await verifyAuditChain(app.db)).problems).toEqual([]);
    },
  );
});
