// The real bot process (npm start) against a Bot API stand-in on loopback: long polling and webhook.
import path from "node:path";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBotApiServer } from "../../helpers/bot-api-server.ts";
import { collect, freePort, spawnBot, webhookEnv, webhookUrl, issueCode } from "../../helpers/run-bot.ts";
import { tempDir } from "../../helpers/temp-db.ts";
import { newDatabaseUrl } from "../../helpers/test-database.ts";
import { textMessage } from "../../helpers/telegram-updates.ts";

const token = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz";
const dir = tempDir();
let api: Awaited<ReturnType<typeof startBotApiServer>>;
let env: Record<string, string>;

const text = textMessage;

beforeAll(async () => {
  api = await startBotApiServer({ token });
  env = {
    DATABASE_URL: await newDatabaseUrl(dir),
    FILES_DIR: path.join(dir, "files"),
    TELEGRAM_BOT_TOKEN: token,
    TELEGRAM_API_ROOT: api.url,
    FILE_ENCRYPTION_KEY: "cd".repeat(32),
  };
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the bot process on Telegram", () => {
  it("runs with long polling: enrolment by code, commands, and a clean stop", async () => {
    // An admin issues a code with the CLI before the official writes to the bot.
    const { run: issued } = issueCode(env, "Maria Goreti Bria");
    // The demo data is seeded by the bot's first start; the CLI finds no Maria before that.
    expect(issued.status).toBe(1);
    const first = spawnBot(env);
    const firstRun = collect(first);
    await api.waitFor((c) => c.method === "getUpdates");
    first.kill("SIGTERM");
    expect((await firstRun).code).toBe(0);

    const { code } = issueCode(env, "Maria Goreti Bria");
    expect(code).not.toBe("");

    const bot = spawnBot(env);
    const run = collect(bot);
    await api.waitFor((c) => c.method === "setMyCommands" && !c.payload["scope"]);
    api.push(text(111, `/start ${code.replace("-", "")}`, 1));
    const welcome = await api.waitFor(
      (c) => c.method === "sendMessage" && String(c.payload["text"]).includes("Terima kasih, Maria Goreti Bria"),
    );
    expect(welcome.payload["chat_id"]).toBe("111");
    await api.waitFor((c) => c.method === "setMyCommands" && (c.payload["scope"] as { chat_id?: number } | undefined)?.chat_id === 111);
    api.push(text(111, "/buka 13 Undangan rapat", 2));
    const task = await api.waitFor((c) => c.method === "sendMessage" && String(c.payload["text"]).includes("Kasus 13-"));
    expect(String(task.payload["text"])).toContain("dibuka");
    bot.kill("SIGTERM");
    const result = await run;
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain("Maria");
  });

  it("runs with a webhook: checks the path and the secret token", async () => {
    const port = await freePort();
    const secret = "webhook-secret-0123456789";
    const bot = spawnBot({
      ...env,
      DATABASE_URL: await newDatabaseUrl(dir, "hook"),
      ...webhookEnv(secret, port),
    });
    const run = collect(bot);
    const set = await api.waitFor((c) => c.method === "setWebhook");
    expect(set.payload).toMatchObject({ url: webhookUrl, secret_token: secret });
    const post = (p: string, key: string) =>
      fetch(`http://127.0.0.1:${port}${p}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": key },
        body: JSON.stringify({ update_id: 900, ...text(222, "/bantuan", 9) }),
      });
    expect((await post("/tg/hook", "wrong-secret")).status).toBe(401);
    expect((await post("/elsewhere", secret)).status).toBe(404);
    expect((await post("/tg/hook", secret)).status).toBe(200);
    const help = await api.waitFor((c) => c.method === "sendMessage" && c.payload["chat_id"] === "222");
    expect(String(help.payload["text"])).toContain("Perintah yang tersedia");
    bot.kill("SIGTERM");
    expect((await run).code).toBe(0);
  });
});
