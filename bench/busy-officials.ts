// A busy morning through the real bot process (npm start's code) against the Bot API stand-in on
// loopback enforcing Telegram's limits as they are (one message per chat per second, 30 per second
// overall, 429 otherwise): one official opens 100 cases of SOP 13 (a letter: Kasubag → Pengadministrasi
// → Kasubag → Sekretaris → Kepala Dinas → Pengadministrasi), and every holder presses as soon as a
// task shows. Figures: every case finishes; from a press to the next holder seeing the task (p50,
// p99); the time from the 100 /buka until the first holder has all 100 tasks; messages each official
// received per transition; 429s.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "../src/config.ts";
import { createLogger } from "../src/logger.ts";
import { createApp } from "../src/app.ts";
import { startBotApiServer, telegramLimits, type RecordedCall } from "../test/helpers/bot-api-server.ts";
import { collect, spawnBot } from "../test/helpers/run-bot.ts";
import { textMessage } from "../test/helpers/telegram-updates.ts";
import { newDatabaseUrl, scalar } from "../test/helpers/test-database.ts";
import { isEntryPoint } from "../src/entry-point.ts";

const TOKEN = "123456:BENCH-token-abcdefghijklmnopqrstuvwxyz";
const CASES = Number(process.env.BENCH_BUSY_CASES ?? 100);
const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;

type Button = { text: string; callback_data: string };
type Keyboard = { inline_keyboard: Button[][] } | undefined;

/** Every button a chat shows now, with the case it belongs to (from its label or its message). */
function openButtons(calls: RecordedCall[], chat: number): { code: string; label: string; data: string }[] {
  const messages = new Map<number, { text: string; keyboard: Keyboard }>();
  for (const c of calls) {
    if (c.status !== 200 || Number(c.payload["chat_id"]) !== chat) continue;
    if (c.method === "sendMessage" && c.messageId)
      messages.set(c.messageId, { text: String(c.payload["text"]), keyboard: c.payload["reply_markup"] as Keyboard });
    if (c.method === "editMessageText")
      messages.set(Number(c.payload["message_id"]), { text: String(c.payload["text"]), keyboard: c.payload["reply_markup"] as Keyboard });
  }
  const found: { code: string; label: string; data: string }[] = [];
  for (const m of messages.values()) {
    for (const b of m.keyboard?.inline_keyboard.flat() ?? []) {
      const labelled = /^(\d{1,2}-[A-Z0-9]{5}) · (.+)$/.exec(b.text);
      const code = labelled?.[1] ?? /kasus (\d{1,2}-[A-Z0-9]{5})/.exec(m.text)?.[1] ?? "";
      found.push({ code, label: labelled?.[2] ?? b.text, data: b.callback_data });
    }
  }
  return found;
}

export async function benchBusyOfficials(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "sopbot-busy-"));
  const api = await startBotApiServer({ token: TOKEN, rateLimits: telegramLimits });
  const databaseUrl = await newDatabaseUrl(dir, "busy");
  // The office as its first start leaves it, every official with a Telegram chat (user id 1000 + n).
  const seeded = await createApp({
    config: loadConfig({
      DATABASE_URL: databaseUrl,
      FLOWS_DIR: path.resolve("flows"),
      CONSOLE: "off",
      DEMO_STAFF: "false",
      LOG_LEVEL: "silent",
    }),
    logger: createLogger("silent"),
  });
  const officials = await seeded.db.prisma.official.findMany({ orderBy: { createdAt: "asc" } });
  const chatOf = new Map<string, number>();
  await seeded.db.write(async (tx) => {
    for (const [i, o] of officials.entries()) {
      chatOf.set(o.name, 1000 + i);
      await tx.chatIdentity.create({ data: { id: `tg-${o.id}`, channel: "telegram", externalId: String(1000 + i), officialId: o.id } });
    }
  });
  await seeded.close();
  const opener = chatOf.get("Fransiska Nona Lodo") ?? 0;
  const holders = ["Fransiska Nona Lodo", "Stefanus Ola", "Maria Goreti Bria", "Yosef Lamanepa"].map((n) => chatOf.get(n) ?? 0);
  const bot = spawnBot({
    DATABASE_URL: databaseUrl,
    FILES_DIR: path.join(dir, "files"),
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: api.url,
    FILE_ENCRYPTION_KEY: "ab".repeat(32),
    DEMO_STAFF: "false",
  });
  const run = collect(bot);
  try {
    await api.waitFor((c) => c.method === "getUpdates", 30_000);
    const started = Date.now();
    for (let i = 0; i < CASES; i++) api.push(textMessage(opener, `/buka 13 Surat edaran nomor ${i + 1}`, 10_000 + i));
    // The first holder (the opener, who holds step 1) has every task when every case showed a button there.
    let allTasksAt = 0;
    let allOpenAt = 0;
    const seenAtOpener = new Set<string>();
    const pressed = new Set<string>(); // callback data already pressed (a button stays until its edit arrives)
    const lastPress = new Map<string, number>(); // case code → when its last task was pressed
    const latencies: number[] = [];
    let updateId = 50_000;
    const deadline = Date.now() + 20 * 60_000;
    for (;;) {
      if (Date.now() > deadline) throw new Error("the busy morning did not finish in 20 minutes");
      const done = await scalar(databaseUrl, `SELECT COUNT(*) AS n FROM "Case" WHERE status = 'completed'`);
      if (done >= CASES) break;
      for (const chat of holders) {
        for (const b of openButtons(api.calls, chat)) {
          if (!b.code || !/^(Selesai|Setujui)$/.test(b.label) || pressed.has(b.data)) continue;
          if (chat === opener) seenAtOpener.add(b.code);
          // A new task of this case showed now: the press before it ends its wait here.
          const previous = lastPress.get(b.code);
          if (previous !== undefined) latencies.push(Date.now() - previous);
          pressed.add(b.data);
          lastPress.set(b.code, Date.now());
          api.push({
            callback_query: {
              id: `q${++updateId}`,
              from: { id: chat, is_bot: false, first_name: "x" },
              chat_instance: "ci",
              data: b.data,
              message: { message_id: 1, date: 0, chat: { id: chat, type: "private", first_name: "x" }, text: "" },
            },
          } as never);
        }
      }
      if (!allTasksAt && seenAtOpener.size >= CASES) allTasksAt = Date.now();
      if (!allOpenAt && (await scalar(databaseUrl, `SELECT COUNT(*) AS n FROM "Case"`)) >= CASES) allOpenAt = Date.now();
      await new Promise((r) => setTimeout(r, 50));
    }
    const total = (Date.now() - started) / 1000;
    const sorted = [...latencies].sort((a, b) => a - b);
    const transitions = await scalar(databaseUrl, `SELECT COUNT(*) AS n FROM "StepTask" WHERE status = 'done'`);
    console.log(`busy morning: ${CASES} SOP 13 cases through the real process, Telegram's limits enforced`);
    console.log(
      `  every case completed: yes (${CASES}) in ${total.toFixed(1)} s; ${transitions} transitions (${(transitions / total).toFixed(2)}/s)`,
    );
    console.log(
      `  /buka ×${CASES} → all ${CASES} cases open: ${((allOpenAt - started) / 1000).toFixed(1)} s; first holder has all ${CASES} tasks: ${((allTasksAt - started) / 1000).toFixed(1)} s`,
    );
    console.log(
      `  press → next holder sees the task: p50 ${(pct(sorted, 0.5) / 1000).toFixed(1)} s, p99 ${(pct(sorted, 0.99) / 1000).toFixed(1)} s (target p99 < 10 s: ${pct(sorted, 0.99) < 10_000 ? "met" : "NOT met"}), n=${sorted.length}`,
    );
    for (const [name, chat] of [...chatOf].filter(([, c]) => holders.includes(c))) {
      const received = api.calls.filter(
        (c) => c.status === 200 && Number(c.payload["chat_id"]) === chat && (c.method === "sendMessage" || c.method === "editMessageText"),
      );
      const theirs = await scalar(
        databaseUrl,
        `SELECT COUNT(*) AS n FROM "StepTask" t JOIN "Official" o ON o.id = t."decidedByOfficialId" WHERE o.name = '${name.replace(/'/g, "''")}'`,
      );
      console.log(
        `  ${name}: ${received.length} messages (${received.filter((c) => c.method === "editMessageText").length} edits) for ${theirs} decisions → ${(received.length / Math.max(1, theirs)).toFixed(2)} per transition`,
      );
    }
    console.log(`  429 answers from the stand-in: ${api.rejected429}`);
  } finally {
    bot.kill("SIGTERM");
    await run;
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) {
  benchBusyOfficials().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
