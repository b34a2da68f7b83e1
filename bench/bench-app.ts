// The app as the benchmarks run it: the demo office on a fresh database, every demo official with a
// Telegram chat (user id 1000 + n), a Bot API that answers at once, and helpers to open cases and
// find the press that moves each open case next.
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import type { Transformer } from "grammy";
import type { Update } from "grammy/types";
import { createApp, type App } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import type { InboundMessage } from "../src/engine/types.ts";
import { createLogger } from "../src/logger.ts";
import type { StatementCounter } from "../src/store/statement-counter.ts";
import { botInfo } from "../test/helpers/fake-bot-api.ts";
import { newDatabaseUrl } from "../test/helpers/test-database.ts";

export const TOKEN = "123456:BENCH-token-abcdefghijklmnopqrstuvwxyz";

/** A Bot API that answers at once, without the network. */
export const instantApi: Transformer = async (_prev, method, payload) => {
  const p = (payload ?? {}) as Record<string, unknown>;
  if (method === "sendMessage")
    return { ok: true, result: { message_id: 1, date: 0, chat: { id: Number(p["chat_id"]), type: "private" }, text: "" } } as never;
  return { ok: true, result: true } as never;
};

export interface BenchAppOptions {
  apiRoot?: string;
  databaseUrl?: string;
  statementCounter?: StatementCounter;
  /** Another instance on the same database: the officials' chats exist already. */
  joining?: boolean;
  instanceId?: string;
  /** Whether an update waits for what it caused to be sent (default), or returns once recorded as in production. */
  awaitDelivery?: boolean;
}

export async function startBenchApp(dir: string, options: BenchAppOptions = {}): Promise<App> {
  const config = loadConfig({
    DATABASE_URL: options.databaseUrl ?? (await newDatabaseUrl(dir, "bench")),
    LOG_LEVEL: "silent",
    DEMO_STAFF: "false",
    TELEGRAM_BOT_TOKEN: TOKEN,
    FILE_ENCRYPTION_KEY: "ab".repeat(32),
    FILES_DIR: path.join(dir, "files"),
    ...(options.apiRoot ? { TELEGRAM_API_ROOT: options.apiRoot } : {}),
    ...(options.instanceId ? { INSTANCE_ID: options.instanceId } : {}),
  });
  const app = await createApp({
    config,
    logger: createLogger("silent"),
    telegram: { botInfo, ...(options.apiRoot ? {} : { transformer: instantApi, pacing: null }) },
    awaitDelivery: options.awaitDelivery ?? true,
    ...(options.statementCounter ? { statementCounter: options.statementCounter } : {}),
  });
  if (options.joining) return app;
  const officials = await app.db.prisma.official.findMany({ orderBy: { createdAt: "asc" } });
  await app.db.write(async (tx) => {
    for (const [i, o] of officials.entries()) {
      await tx.chatIdentity.create({ data: { id: `tg-${o.id}`, channel: "telegram", externalId: String(1000 + i), officialId: o.id } });
    }
  });
  return app;
}

/** Opens `count` cases of SOP 13 (six transitions each) by the Kasubag, as /buka would. */
export async function openCases(app: App, count: number, prefix: string): Promise<void> {
  const kasubag = await app.db.prisma.official.findFirstOrThrow({ where: { name: "Fransiska Nona Lodo" } });
  const openedBy = { id: kasubag.id, officeId: kasubag.officeId, name: kasubag.name, isAdmin: false, active: true };
  for (let i = 0; i < count; i++) await app.engine.openCase({ officeId: "ntt-provinsi", sopNumber: 13, title: `${prefix} ${i}`, openedBy });
  await app.dispatcher.flush();
}

/** The next press of each open case: who may press and which token (looked up, not timed). */
export async function nextPresses(app: App, seq: { n: number }): Promise<InboundMessage[]> {
  return (await nextPressesWithSteps(app, seq)).map((p) => p.press);
}

/** The next press of each open case, with the step it decides. */
export async function nextPressesWithSteps(
  app: App,
  seq: { n: number },
  titlePrefix?: string,
): Promise<{ press: InboundMessage; stepId: string }[]> {
  const tasks = await app.db.prisma.stepTask.findMany({
    where: { status: "open", ...(titlePrefix ? { case: { title: { startsWith: titlePrefix } } } : {}) },
    orderBy: { openedAt: "asc" },
  });
  const presses: { press: InboundMessage; stepId: string }[] = [];
  for (const t of tasks) {
    const row = await app.db.prisma.outboxMessage.findFirst({
      where: { taskId: t.id, actions: { not: null }, editOfId: null },
      orderBy: { id: "desc" },
    });
    if (!row?.actions) continue;
    const identity = await app.db.prisma.chatIdentity.findFirst({ where: { channel: "telegram", externalId: row.chatId } });
    if (!identity) continue;
    const token = (JSON.parse(row.actions) as { token: string; label: string }[])[0]?.token ?? "";
    presses.push({
      stepId: t.stepId,
      press: {
        channel: "telegram",
        chatId: row.chatId,
        senderId: row.chatId,
        messageId: `bench-${++seq.n}`,
        action: { token },
        receivedAt: new Date(),
      },
    });
  }
  return presses;
}

/** A button press as Telegram delivers it (a callback query from the user's private chat). */
export function callbackUpdate(userId: number, data: string, id: number): Update {
  return {
    update_id: id,
    callback_query: {
      id: `cq${id}`,
      from: { id: userId, is_bot: false, first_name: "x" },
      chat_instance: "ci",
      data,
      message: { message_id: 1, date: 0, chat: { id: userId, type: "private", first_name: "x" }, text: "" },
    },
  } as Update;
}

/**
 * Collects the garbage a benchmark's set-up left (seeding 10,000 cases through Prisma leaves about
 * 1 GB), so that a measured window does not pay for it: without this the first window after the
 * seeding met a 100 ms pause. The process's own work is measured with its own garbage, as it comes.
 */
export function collectSetupGarbage(): void {
  v8.setFlagsFromString("--expose-gc");
  (vm.runInNewContext("gc") as () => void)();
}
