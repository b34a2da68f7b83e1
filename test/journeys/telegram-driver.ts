// The journey driver for Telegram: the real bot process (npm start) against the Bot API stand-in on
// loopback, which enforces Telegram's rate limits — one message per chat per window, 30 per window
// overall, 429 with retry_after — on a clock ten times faster than Telegram's, with the bot's own
// pace scaled the same way (TELEGRAM_CHAT_GAP_MS), so a journey takes seconds instead of minutes.
// Officials enrol with /start CODE; photos and PDFs are uploaded through getFile; a choice is a press
// of the inline button on the newest message that still shows it.
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { loadConfig } from "../../src/config.ts";
import { issueEnrolmentCode } from "../../src/engine/enrolment.ts";
import { derivedSecret } from "../../src/store/server-key.ts";

const fileKeyHex = "cd".repeat(32);
import { createLogger } from "../../src/logger.ts";
import { createApp } from "../../src/app.ts";
import { createEngineStore } from "../../src/store/engine-store.ts";
import { startBotApiServer, type RecordedCall } from "../helpers/bot-api-server.ts";
import { collect, repoRoot, spawnBot, type BotRun } from "../helpers/run-bot.ts";
import { textMessage } from "../helpers/telegram-updates.ts";
import { tempDir } from "../helpers/temp-db.ts";
import { newDatabaseUrl, sqlClient, type SqlClient } from "../helpers/test-database.ts";
import { officialNames, type Delivered, type JourneyDriver, type Person } from "./driver.ts";

const token = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz";
const users: Record<Person, number> = { applicant: 700101, admin: 700102, koordinator: 700103 };
/** Telegram's limits on a clock ten times faster (the bot keeps its 10 % margin over them). */
export const scaledLimits = { chatWindowMs: 100, overallWindowMs: 100, overallMax: 30 };

type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] } | undefined;

export interface TelegramJourneyDriver extends JourneyDriver {
  rejected429(): number;
  run(): Promise<BotRun>;
  /** The Bot API stand-in (its calls, faults). */
  api(): Awaited<ReturnType<typeof startBotApiServer>>;
  /** kill -9 of the bot process. */
  crash(): Promise<BotRun>;
  /** Starts the bot process again on the same database. */
  restart(): Promise<void>;
  /** Waits until every update was handled and nothing is left to send. */
  settle(): Promise<void>;
}

export function telegramDriver(): TelegramJourneyDriver {
  const dir = tempDir();
  let api: Awaited<ReturnType<typeof startBotApiServer>>;
  let databaseUrl = "";
  let db: SqlClient;
  let bot: ChildProcessWithoutNullStreams;
  let run: Promise<BotRun>;
  let nextMessageId = 1000;
  let env: Record<string, string> = {};
  let nextCallback = 1;
  /** Inbound ids the bot records once it has handled an update. */
  const expected: string[] = [];
  /** Files the stand-in serves for download, by file_path. */
  const files = new Map<string, Buffer>();

  async function settle(): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ids = expected.map((id) => `'${id}'`).join(",");
      const [handled] = await db.all<{ n: number | string }>(
        `SELECT COUNT(*) AS n FROM "InboundReceipt" WHERE channel = 'telegram' AND "messageId" IN (${ids || "''"})`,
      );
      const [pending] = await db.all<{ n: number | string }>(`SELECT COUNT(*) AS n FROM "OutboxMessage" WHERE status = 'pending'`);
      if (Number(handled?.n) === expected.length && Number(pending?.n) === 0) {
        // The rows are marked sent after the Bot API answered: what they caused has arrived.
        return;
      }
      if (Date.now() > deadline) throw new Error(`bot did not settle: ${handled?.n}/${expected.length} handled, ${pending?.n} pending`);
      await new Promise((r) => setTimeout(r, 15));
    }
  }

  function inbox(who: Person): (Delivered & { messageId: number; keyboard: Keyboard })[] {
    const chat = String(users[who]);
    const list: (Delivered & { messageId: number; keyboard: Keyboard })[] = [];
    const edited = new Map<number, Keyboard>();
    for (const c of api.calls) {
      if (c.status !== 200 || String(c.payload["chat_id"]) !== chat) continue;
      if (c.method === "editMessageText") edited.set(Number(c.payload["message_id"]), c.payload["reply_markup"] as Keyboard);
      if (c.method === "sendMessage") {
        const keyboard = c.payload["reply_markup"] as Keyboard;
        list.push({
          messageId: c.messageId ?? 0,
          text: String(c.payload["text"]),
          keyboard,
          choices: keyboard?.inline_keyboard.flat().map((b) => b.text) ?? [],
          files: [],
        });
      }
      if (c.method === "sendDocument" || c.method === "sendPhoto") {
        for (const f of (c.payload["files"] as { name: string; sha: string }[] | undefined) ?? [])
          list.at(-1)?.files.push({ name: f.name, key: f.sha });
      }
    }
    // A message whose buttons were removed by an edit no longer offers them.
    for (const m of list) if (edited.has(m.messageId)) m.keyboard = edited.get(m.messageId);
    return list;
  }

  async function say(who: Person, text: string): Promise<void> {
    const id = ++nextMessageId;
    push(textMessage(users[who], text, id), `${users[who]}:${id}`);
    await settle();
  }

  const push = (update: object, inboundId: string) => {
    expected.push(inboundId);
    api.push(update as Parameters<typeof api.push>[0]);
  };

  return {
    channel: "telegram",
    get databaseUrl() {
      return databaseUrl;
    },
    rejected429: () => api.rejected429,
    run: () => run,
    api: () => api,
    settle,
    async crash() {
      bot.kill("SIGKILL");
      return run;
    },
    async restart() {
      const polls = api.calls.filter((c) => c.method === "getUpdates").length;
      bot = spawnBot(env);
      run = collect(bot);
      await api.waitFor((c) => c.method === "getUpdates" && api.calls.filter((x) => x.method === "getUpdates").length > polls);
    },
    async start() {
      api = await startBotApiServer({ token, rateLimits: scaledLimits, files });
      databaseUrl = await newDatabaseUrl(dir);
      // The office's database as the first start leaves it (demo officials), and the admin's codes.
      const seeded = await createApp({
        config: loadConfig({ DATABASE_URL: databaseUrl, FLOWS_DIR: path.join(repoRoot, "flows"), CONSOLE: "off" }),
        logger: createLogger("silent"),
      });
      const codes: Partial<Record<Person, string>> = {};
      const store = createEngineStore(seeded.db);
      // The codes are kept under the bot process's secret (derived from its FILE_ENCRYPTION_KEY below).
      const botSecret = derivedSecret(Buffer.from(fileKeyHex, "hex"), "enrolment-codes");
      for (const who of ["admin", "koordinator"] as const) {
        const official = await seeded.db.prisma.official.findFirstOrThrow({ where: { name: officialNames[who] } });
        codes[who] = (await store.transaction((tx) => issueEnrolmentCode(tx, official, new Date(), 72, botSecret))).code;
      }
      await seeded.close();
      env = {
        DATABASE_URL: databaseUrl,
        FILES_DIR: path.join(dir, "files"),
        TELEGRAM_BOT_TOKEN: token,
        TELEGRAM_API_ROOT: api.url,
        FILE_ENCRYPTION_KEY: fileKeyHex,
        TELEGRAM_CHAT_GAP_MS: String(Math.round(scaledLimits.chatWindowMs * 1.1)),
        TELEGRAM_GLOBAL_GAP_MS: String(Math.ceil((scaledLimits.overallWindowMs / scaledLimits.overallMax) * 1.1)),
        // The applicant types ten times faster than a person, too.
        PUBLIC_RATE_LIMIT: "300",
        // A restart is the same instance coming back (as under a service manager): on PostgreSQL it
        // takes back its own claims at once instead of waiting for them to expire.
        INSTANCE_ID: "journey-bot",
      };
      bot = spawnBot(env);
      run = collect(bot);
      db = await sqlClient(databaseUrl);
      await api.waitFor((c) => c.method === "getUpdates");
      for (const who of ["admin", "koordinator"] as const) await say(who, `/start ${(codes[who] ?? "").replace("-", "")}`);
    },
    say,
    async sendFile(who, file) {
      const id = ++nextMessageId;
      const fileId = `f${id}`;
      files.set(`documents/${fileId}`, file.bytes);
      const chat = { id: users[who], type: "private" as const, first_name: who };
      const from = { id: users[who], is_bot: false, first_name: who };
      // A phone sends a picture as a photo and a PDF as a document.
      const content = file.mime.startsWith("image/")
        ? { photo: [{ file_id: fileId, file_unique_id: `u${fileId}`, width: 1080, height: 1350, file_size: file.bytes.length }] }
        : {
            document: {
              file_id: fileId,
              file_unique_id: `u${fileId}`,
              file_name: file.name,
              mime_type: file.mime,
              file_size: file.bytes.length,
            },
          };
      push({ message: { message_id: id, date: Math.floor(Date.now() / 1000), chat, from, ...content } }, `${users[who]}:${id}`);
      await settle();
    },
    async choose(who, label) {
      const offering = [...inbox(who)].reverse().find((m) => m.keyboard?.inline_keyboard.flat().some((b) => b.text === label));
      const button = offering?.keyboard?.inline_keyboard.flat().find((b) => b.text === label);
      if (!offering || !button) throw new Error(`${who} has no button "${label}"`);
      const callback = `q${++nextCallback}`;
      const chat = { id: users[who], type: "private" as const, first_name: who };
      push(
        {
          callback_query: {
            id: callback,
            from: { id: users[who], is_bot: false, first_name: who },
            chat_instance: "ci",
            data: button.callback_data,
            message: { message_id: offering.messageId, date: 0, chat, text: offering.text },
          },
        },
        `cb:${callback}`,
      );
      await settle();
    },
    inbox,
    async stop() {
      await db?.close();
      bot?.kill("SIGTERM");
      await run;
      await api?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type { RecordedCall };
