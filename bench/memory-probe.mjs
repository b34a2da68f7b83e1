// The fresh bot process of the memory benchmark (bench/memory.ts): the compiled bot (dist/, as
// `npm start` runs it, no tsx) on the given database; after start-up, a scheduler tick and a /tugas
// it prints {"rss","heap","open"} (MB, MB, open cases), measured as the process stands (no forced GC).
// Usage: node bench/memory-probe.mjs <DATABASE_URL>
import path from "node:path";
import { createApp } from "../dist/app.js";
import { loadConfig } from "../dist/config.js";
import { createLogger } from "../dist/logger.js";

const databaseUrl = process.argv[2] ?? "";
const botInfo = {
  id: 42,
  is_bot: true,
  first_name: "SOP Bot",
  username: "sopbot_bench_bot",
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
};
/** A Bot API that answers at once, without the network. */
const instantApi = async (_prev, method, payload) =>
  method === "sendMessage"
    ? { ok: true, result: { message_id: 1, date: 0, chat: { id: Number(payload?.chat_id), type: "private" }, text: "" } }
    : { ok: true, result: true };
const config = loadConfig({
  DATABASE_URL: databaseUrl,
  LOG_LEVEL: "silent",
  DEMO_STAFF: "false",
  TELEGRAM_BOT_TOKEN: "123456:BENCH-token-abcdefghijklmnopqrstuvwxyz",
  FILE_ENCRYPTION_KEY: "ab".repeat(32),
  FILES_DIR: path.join(path.dirname(databaseUrl.slice(5)), "files"),
});
const app = await createApp({ config, logger: createLogger("silent"), telegram: { botInfo, transformer: instantApi, pacing: null } });
await app.tick();
const kasubag = await app.db.prisma.chatIdentity.findFirst({ where: { official: { name: "Fransiska Nona Lodo" }, channel: "telegram" } });
if (kasubag) {
  await app.chat.handle({
    channel: "telegram",
    chatId: kasubag.externalId,
    senderId: kasubag.externalId,
    messageId: "probe-1",
    text: "/tugas",
    receivedAt: new Date(),
  });
}
await app.dispatcher.flush();
const open = await app.db.prisma.case.count({ where: { status: "open" } });
const mb = (n) => Math.round(n / 1024 / 1024);
process.stdout.write(JSON.stringify({ rss: mb(process.memoryUsage().rss), heap: mb(process.memoryUsage().heapUsed), open }));
await app.close();
