// The real bot process (npm start) with two bots: the shared one (TELEGRAM_BOT_TOKEN, where the
// applicant chooses the office) and Kota Kupang's own (TELEGRAM_BOT_TOKENS, no choice), against the
// Bot API stand-in serving both. Long polling runs a runner per bot and paces each bot by itself;
// webhook mode serves a path and a secret per bot on one port. No token reaches the output.
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBotApiServer } from "../../helpers/bot-api-server.ts";
import { collect, freePort, spawnBot, webhookEnv, webhookUrl } from "../../helpers/run-bot.ts";
import { textMessage } from "../../helpers/telegram-updates.ts";
import { tempDir } from "../../helpers/temp-db.ts";
import { newDatabaseUrl } from "../../helpers/test-database.ts";

const SHARED = 0;
const KUPANG = 1;
const tokens = ["700010:SHARED-test-token-abcdefghijklmnopqrstuv", "700011:KUPANG-test-token-abcdefghijklmnopqrstuv"];
const kupangMenu = "Selamat datang di layanan Dinas Koperasi, Usaha Kecil dan Menengah Kota Kupang.";
const dir = tempDir();
let api: Awaited<ReturnType<typeof startBotApiServer>>;
let env: Record<string, string>;

beforeAll(async () => {
  api = await startBotApiServer({ token: tokens[0]!, tokens: [tokens[1]!] });
  env = {
    FILES_DIR: path.join(dir, "files"),
    OFFICES: "ntt-provinsi,kota-kupang",
    TELEGRAM_BOT_TOKEN: tokens[0]!,
    TELEGRAM_BOT_TOKENS: `kota-kupang=${tokens[1]}`,
    TELEGRAM_API_ROOT: api.url,
    FILE_ENCRYPTION_KEY: "cd".repeat(32),
    LOG_LEVEL: "debug",
  };
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

const sentBy = (bot: number, chat: number) => (c: { method: string; bot: number; payload: Record<string, unknown> }) =>
  c.method === "sendMessage" && c.bot === bot && String(c.payload["chat_id"]) === String(chat);

describe("the bot process with an office's own bot next to the shared one", () => {
  it("polls both bots; each answers through itself at its own pace; no token in the output", async () => {
    // Five seconds between two messages to one chat: were the bots paced together, the second answer would wait.
    const bot = spawnBot({ ...env, DATABASE_URL: await newDatabaseUrl(dir, "poll"), TELEGRAM_CHAT_GAP_MS: "5000" });
    const run = collect(bot);
    for (const b of [SHARED, KUPANG]) await api.waitFor((c) => c.method === "getUpdates" && c.bot === b, 20_000);
    expect(new Set(api.calls.filter((c) => c.method === "setMyCommands" && !c.payload["scope"]).map((c) => c.bot))).toEqual(
      new Set([SHARED, KUPANG]),
    );
    // One person writes to both bots at once: two chats, one per bot.
    api.push(textMessage(950, "Selamat pagi", 1), SHARED);
    api.push(textMessage(950, "Selamat pagi", 2), KUPANG);
    const shared = await api.waitFor(sentBy(SHARED, 950));
    const kupang = await api.waitFor(sentBy(KUPANG, 950));
    expect(String(shared.payload["text"])).toContain("Pilih kantor Dinas yang Anda tuju:");
    expect(String(kupang.payload["text"])).toContain(kupangMenu);
    expect(Math.abs(shared.at - kupang.at)).toBeLessThan(2500);
    bot.kill("SIGTERM");
    const result = await run;
    expect(result.code).toBe(0);
    for (const token of tokens)
      for (const secret of [token, token.split(":")[1] ?? token]) expect(result.stderr + result.stdout).not.toContain(secret);
  }, 40_000);

  it("serves a webhook path and secret per bot on one port", async () => {
    const port = await freePort();
    const secret = "webhook-secret-0123456789";
    const bot = spawnBot({
      ...env,
      DATABASE_URL: await newDatabaseUrl(dir, "hook"),
      ...webhookEnv(secret, port),
    });
    const run = collect(bot);
    await api.waitFor((c) => c.method === "setWebhook" && c.bot === KUPANG, 20_000);
    expect(api.webhookOf(SHARED)).toEqual({ url: webhookUrl, secret });
    const own = api.webhookOf(KUPANG);
    expect(own?.url).toBe(`${webhookUrl}/kota-kupang`);
    expect(own?.secret).toMatch(/^[A-Za-z0-9_-]{16,256}$/);
    expect(own?.secret).not.toBe(secret);
    const post = (p: string, key: string, user: number, id: number) =>
      fetch(`http://127.0.0.1:${port}${p}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": key },
        body: JSON.stringify({ update_id: id, ...textMessage(user, "Selamat pagi", id) }),
      });
    // Kupang's path takes only Kupang's secret; an office without a bot of its own has no path.
    expect((await post("/tg/hook/kota-kupang", secret, 961, 1)).status).toBe(401);
    expect((await post("/tg/hook/kota-batam", secret, 961, 1)).status).toBe(404);
    expect((await post("/tg/hook/kota-kupang", own?.secret ?? "", 961, 1)).status).toBe(200);
    expect(String((await api.waitFor(sentBy(KUPANG, 961))).payload["text"])).toContain(kupangMenu);
    expect((await post("/tg/hook", secret, 962, 1)).status).toBe(200);
    expect(String((await api.waitFor(sentBy(SHARED, 962))).payload["text"])).toContain("Pilih kantor Dinas yang Anda tuju:");
    expect(api.calls.filter((c) => c.method === "sendMessage" && ["961", "962"].includes(String(c.payload["chat_id"]))).length).toBe(2);
    bot.kill("SIGTERM");
    expect((await run).code).toBe(0);
  }, 40_000);
});
