// Two offices in one process, each with its own Telegram bot (TELEGRAM_BOT_TOKENS), against the Bot
// API stand-in on loopback with long polling (one runner per bot): an applicant who writes to an
// office's bot reaches that office without choosing one, and only that office's officials; one
// office's official can neither see nor press the other office's case; each office's morning digest
// goes at 07:30 in its own time zone (Kupang WITA, Batam WIB) through its own bot; an update a bot
// held before a crash is handled again through that bot.
import { rmSync } from "node:fs";
import path from "node:path";
import type { Update } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../../src/app.ts";
import { startTelegram } from "../../../src/app-telegram.ts";
import type { TelegramRuntime } from "../../../src/channels/telegram/telegram-runtime.ts";
import { loadConfig } from "../../../src/config.ts";
import { refusals } from "../../../src/engine/case-messages.ts";
import { createLogger } from "../../../src/logger.ts";
import { realCatalog } from "../../helpers/catalog.ts";
import { startBotApiServer, type RecordedCall } from "../../helpers/bot-api-server.ts";
import { FakeClock } from "../../helpers/harness.ts";
import { repoRoot } from "../../helpers/run-bot.ts";
import { textMessage } from "../../helpers/telegram-updates.ts";
import { tempDir } from "../../helpers/temp-db.ts";
import { newDatabaseUrl } from "../../helpers/test-database.ts";
import { answerFor } from "../../journeys/conversation-scenarios.ts";

const KUPANG = 0; // bot 0 of the stand-in: Kota Kupang's own bot
const BATAM = 1; // bot 1: Kota Batam's own bot
const tokens = ["700001:KUPANG-test-token-abcdefghijklmnopqrstuv", "700002:BATAM-test-token-abcdefghijklmnopqrstuvw"];
const office = { [KUPANG]: "kota-kupang", [BATAM]: "kota-batam" } as const;
const officials = { [KUPANG]: { id: 801, name: "Yulius Kupang" }, [BATAM]: { id: 802, name: "Rina Batam" } } as const;
const applicants = {
  [KUPANG]: { id: 901, person: { name: "Ani Lado", nik: "5371014506920002", phone: "0813 1111 2222", email: "ani@contoh.id" } },
  [BATAM]: { id: 902, person: { name: "Budi Santoso", nik: "5371012308900001", phone: "0812 3456 7890", email: "budi@contoh.id" } },
} as const;
type Bot = typeof KUPANG | typeof BATAM;

const dir = tempDir();
// Thursday 12 March 2026, 09:00 WITA (08:00 WIB): both offices are open.
const clock = new FakeClock(new Date("2026-03-12T09:00:00+08:00"));
let api: Awaited<ReturnType<typeof startBotApiServer>>;
let app: App;
let runtime: TelegramRuntime;
const files = new Map<string, Buffer>();
let nextMessage = 100;
const codes: Partial<Record<Bot, string>> = {};

/** Waits until the update with inbound id `id` was handled and nothing is left to send. */
async function settled(id: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const handled = await app.db.prisma.inboundReceipt.count({ where: { channel: "telegram", messageId: id } });
    const pending = await app.db.prisma.outboxMessage.count({ where: { status: "pending" } });
    if (handled === 1 && pending === 0) return;
    if (Date.now() > deadline) throw new Error(`update ${id} not settled (${handled} handled, ${pending} pending)`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A text from `user` to bot `bot`, handled and answered. */
async function say(bot: Bot, user: number, text: string): Promise<void> {
  const id = ++nextMessage;
  api.push(textMessage(user, text, id), bot);
  await settled(`${user}@${office[bot]}:${id}`);
}

async function sendFile(bot: Bot, user: number, file: { name: string; mime: string; bytes: Buffer }): Promise<void> {
  const id = ++nextMessage;
  files.set(`documents/f${id}`, file.bytes);
  const document = {
    file_id: `f${id}`,
    file_unique_id: `u${id}`,
    file_name: file.name,
    mime_type: file.mime,
    file_size: file.bytes.length,
  };
  const chat = { id: user, type: "private" as const, first_name: "x" };
  api.push({ message: { message_id: id, date: 0, chat, from: { id: user, is_bot: false, first_name: "x" }, document } } as never, bot);
  await settled(`${user}@${office[bot]}:${id}`);
}

const to = (user: number, calls: RecordedCall[] = api.calls) =>
  calls.filter((c) => c.status === 200 && c.method === "sendMessage" && String(c.payload["chat_id"]) === String(user));
const lastText = (bot: Bot, user: number) =>
  String(
    to(user)
      .filter((c) => c.bot === bot)
      .at(-1)?.payload["text"] ?? "",
  );

/** Fills the objection form (keberatan-informasi) as the applicant of `bot`; returns the tracking code. */
async function apply(bot: Bot): Promise<string> {
  const { id: user, person } = applicants[bot];
  const form = (await realCatalog()).catalog.forms.get("keberatan-informasi")!.value;
  await say(bot, user, "Selamat pagi");
  const menu = lastText(bot, user);
  await say(bot, user, new RegExp(`^(\\d+)\\. ${form.title}$`, "m").exec(menu)?.[1] ?? "");
  for (const field of form.fields) {
    if (lastText(bot, user).includes("Pemberitahuan data pribadi")) await say(bot, user, "SETUJU");
    const answer = answerFor(field, person);
    if (typeof answer === "string") await say(bot, user, answer);
    else for (const file of answer) await sendFile(bot, user, file);
    if (field.type === "file" && (field.max ?? 1) > 1) await say(bot, user, "SELESAI");
  }
  await say(bot, user, "KIRIM");
  return /Kode permohonan: (\d{1,2}-[A-Z0-9]{5})/.exec(lastText(bot, user))?.[1] ?? "";
}

beforeAll(async () => {
  api = await startBotApiServer({ token: tokens[0]!, tokens: [tokens[1]!], files });
  const config = loadConfig({
    DATABASE_URL: await newDatabaseUrl(dir),
    FLOWS_DIR: path.join(repoRoot, "flows"),
    FILES_DIR: path.join(dir, "files"),
    DEMO_DATA: "false",
    DEFAULT_OFFICE: "kota-kupang",
    OFFICES: "kota-kupang,kota-batam",
    TELEGRAM_BOT_TOKENS: `kota-kupang=${tokens[0]},kota-batam=${tokens[1]}`,
    TELEGRAM_API_ROOT: api.url,
    FILE_ENCRYPTION_KEY: "ef".repeat(32),
    PUBLIC_RATE_LIMIT: "300",
  });
  // Pacing off: the fake clock stands still, and a paced row would wait for it.
  app = await createApp({ config, logger: createLogger("silent"), clock, telegram: { pacing: null }, awaitDelivery: true });
  // Each office's admin, on Telegram (nobody holds the SOP's positions: the admin is offered the step).
  await app.db.write(async (tx) => {
    for (const bot of [KUPANG, BATAM] as const) {
      const o = officials[bot];
      await tx.official.create({ data: { id: `adm-${bot}`, officeId: office[bot], name: o.name, isAdmin: true } });
      await tx.chatIdentity.create({
        data: { id: `adm-${bot}-c`, channel: "telegram", externalId: String(o.id), officialId: `adm-${bot}` },
      });
    }
    // Batam's bot held an update before a crash (the process died before handling it).
    const held = { update_id: 77, ...textMessage(903, "/bantuan", 77) };
    await tx.inboundHold.create({
      data: { channel: "telegram@kota-batam", messageId: "77", payload: JSON.stringify(held), holder: "single", heldAt: clock.now() },
    });
  });
  clock.advanceMinutes(1);
  runtime = await startTelegram(app, config.telegram!, createLogger("silent"), () => undefined, clock);
}, 30_000);

afterAll(async () => {
  await runtime?.stop();
  await app?.close();
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("two offices in one process, each with its own bot", () => {
  it("polls each bot with a runner of its own, and replays an update a bot held before a crash through that bot", async () => {
    expect(api.calls.filter((c) => c.method === "getMe").map((c) => c.bot)).toEqual([KUPANG, BATAM]);
    const help = await api.waitFor((c) => c.method === "sendMessage" && String(c.payload["chat_id"]) === "903");
    expect(help.bot).toBe(BATAM);
    expect(String(help.payload["text"])).toContain("Perintah yang tersedia");
    expect(await app.db.prisma.inboundHold.count()).toBe(0);
  });

  it("an applicant of each office reaches that office on its bot, and only its officials", async () => {
    for (const bot of [KUPANG, BATAM] as const) {
      const other = bot === KUPANG ? BATAM : KUPANG;
      const before = api.calls.length;
      const code = await apply(bot);
      expect(code).not.toBe("");
      codes[bot] = code;
      const kase = await app.db.prisma.case.findUniqueOrThrow({ where: { code } });
      expect(kase.officeId).toBe(office[bot]);
      // The applicant's documents are theirs: stored under the chat the case was opened from.
      const uploads = await app.db.prisma.storedFile.findMany({ where: { caseId: kase.id } });
      expect(uploads.length).toBeGreaterThan(0);
      expect(new Set(uploads.map((f) => f.uploaderId))).toEqual(new Set([kase.openerChatId]));
      const calls = api.calls.slice(before);
      // No office to choose: the first answer is the office's own service menu.
      const menu = String(to(applicants[bot].id, calls)[0]?.payload["text"]);
      expect(menu).toContain(`Selamat datang di layanan ${app.catalog.offices.get(office[bot])!.office.name}.`);
      expect(menu).not.toContain("KANTOR");
      // Everything to the applicant went through their office's bot.
      expect(new Set(to(applicants[bot].id, calls).map((c) => c.bot))).toEqual(new Set([bot]));
      // The office's official is told, through the office's bot; the other office's official hears nothing.
      const told = to(officials[bot].id, calls);
      expect(told.some((c) => String(c.payload["text"]).includes(code))).toBe(true);
      expect(new Set(told.map((c) => c.bot))).toEqual(new Set([bot]));
      expect(to(officials[other].id, calls)).toEqual([]);
    }
  }, 30_000);

  it("one office's official can neither see nor press the other office's case", async () => {
    const code = codes[KUPANG] ?? "";
    const task = to(officials[KUPANG].id).find((c) => String(c.payload["text"]).includes(code) && c.payload["reply_markup"]);
    const button = (task?.payload["reply_markup"] as { inline_keyboard: { callback_data: string }[][] }).inline_keyboard.flat()[0];
    expect(button).toBeDefined();
    const rina = officials[BATAM].id;
    await say(BATAM, rina, `/kasus ${code}`);
    expect(lastText(BATAM, rina)).toContain(`Kasus ${code} tidak ditemukan di antara kasus yang dapat Anda lihat.`);
    await say(BATAM, rina, "/tugas");
    expect(lastText(BATAM, rina)).not.toContain(code);
    // Her press of Kupang's button (its reference copied to her own bot) is refused and changes nothing.
    const before = api.calls.length;
    const steps = await app.db.prisma.stepTask.findMany({ where: { case: { code } }, orderBy: { visit: "asc" } });
    const chat = { id: rina, type: "private" as const, first_name: "Rina" };
    const press = {
      callback_query: {
        id: "press-1",
        from: { id: rina, is_bot: false, first_name: "Rina" },
        chat_instance: "ci",
        data: button!.callback_data,
        message: { message_id: task?.messageId ?? 0, date: 0, chat, text: "" },
      },
    } as Omit<Update, "update_id">;
    api.push(press, BATAM);
    const alert = await api.waitFor((c) => c.method === "answerCallbackQuery" && c.payload["callback_query_id"] === "press-1");
    expect(alert.bot).toBe(BATAM);
    expect(alert.payload).toMatchObject({ show_alert: true });
    expect(alert.payload["text"]).toBe(refusals.notYours);
    expect(await app.db.prisma.stepTask.findMany({ where: { case: { code } }, orderBy: { visit: "asc" } })).toEqual(steps);
    expect(api.calls.slice(before).filter((c) => c.method === "editMessageText")).toEqual([]);
  });

  it("the morning digests go at 07:30 in each office's own time zone (WITA, WIB), each through its office's bot", async () => {
    const digests = (from: number) =>
      api.calls.slice(from).filter((c) => c.method === "sendMessage" && String(c.payload["text"]).startsWith("Selamat pagi."));
    // Friday 13 March, 07:31 WITA is 06:31 WIB: Kupang's official gets hers, Batam's not yet.
    clock.set(new Date("2026-03-13T07:31:00+08:00"));
    let from = api.calls.length;
    await app.tick();
    expect(digests(from).map((c) => [c.bot, c.payload["chat_id"]])).toEqual([[KUPANG, String(officials[KUPANG].id)]]);
    expect(String(digests(from)[0]?.payload["text"])).toContain(codes[KUPANG]);
    // 07:31 WIB: Batam's, through Batam's bot, with Batam's case; nobody gets a second one.
    clock.set(new Date("2026-03-13T07:31:00+07:00"));
    from = api.calls.length;
    await app.tick();
    expect(digests(from).map((c) => [c.bot, c.payload["chat_id"]])).toEqual([[BATAM, String(officials[BATAM].id)]]);
    expect(String(digests(from)[0]?.payload["text"])).toContain(codes[BATAM]);
    expect(String(digests(from)[0]?.payload["text"])).not.toContain(codes[KUPANG]);
  });

  it("an official's press on their office's bot is answered there, by editing the task in place", async () => {
    const code = codes[KUPANG] ?? "";
    const yulius = officials[KUPANG].id;
    const task = to(yulius).find((c) => String(c.payload["text"]).includes(code) && c.payload["reply_markup"]);
    const done = (task?.payload["reply_markup"] as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard
      .flat()
      .find((b) => b.text === "Selesai");
    const before = api.calls.length;
    const chat = { id: yulius, type: "private" as const, first_name: "Yulius" };
    api.push(
      {
        callback_query: {
          id: "press-2",
          from: { id: yulius, is_bot: false, first_name: "Yulius" },
          chat_instance: "ci",
          data: done?.callback_data ?? "",
          message: { message_id: task?.messageId ?? 0, date: 0, chat, text: "" },
        },
      } as Omit<Update, "update_id">,
      KUPANG,
    );
    await settled("cb:press-2");
    const calls = api.calls.slice(before);
    expect(calls.find((c) => c.method === "answerCallbackQuery")).toMatchObject({ bot: KUPANG, payload: { text: "Diproses…" } });
    // The task he pressed is the message edited (his chat with his office's bot is the address his tasks go to).
    const edit = calls.find((c) => c.method === "editMessageText" && c.payload["message_id"] === task?.messageId);
    expect(edit).toMatchObject({ bot: KUPANG, payload: { chat_id: String(yulius) } });
    expect(String(edit?.payload["text"])).toContain("✔ Diselesaikan oleh Yulius Kupang");
    // No separate confirmation: the edit is the answer.
    expect(to(yulius, calls).filter((c) => String(c.payload["text"]).startsWith(`Kasus ${code}:`))).toEqual([]);
    expect(calls.filter((c) => c.bot !== KUPANG)).toEqual([]);
  });
});
