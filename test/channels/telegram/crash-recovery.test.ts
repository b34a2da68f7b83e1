// kill -9 in the middle of a load: after a restart every inbound message was processed exactly once
// (updates Telegram already forgot come back from the database, where each was held before it
// could be confirmed; the inbound ids make a repeat a no-op), every notification was delivered, and
// the audit chain is intact.
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startBotApiServer } from "../../helpers/bot-api-server.ts";
import { collect, spawnBot, issueCode, runAdminCli } from "../../helpers/run-bot.ts";
import { tempDir } from "../../helpers/temp-db.ts";
import { newDatabaseUrl, scalar, sqlClient } from "../../helpers/test-database.ts";
import { textMessage } from "../../helpers/telegram-updates.ts";

const token = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz";
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const message = textMessage;

describe("crash recovery", () => {
  it("processes every message once and delivers every notification after kill -9", async () => {
    const api = await startBotApiServer({ token });
    const databaseUrl = await newDatabaseUrl(dir);
    const env = {
      DATABASE_URL: databaseUrl,
      FILES_DIR: path.join(dir, "files"),
      TELEGRAM_BOT_TOKEN: token,
      TELEGRAM_API_ROOT: api.url,
      FILE_ENCRYPTION_KEY: "cd".repeat(32),
      LEASE_TTL_MS: "2000",
      TELEGRAM_CHAT_GAP_MS: "110",
      TELEGRAM_GLOBAL_GAP_MS: "4",
    };
    try {
      // First start seeds the demo; then an admin issues Maria's code and she enrols.
      let bot = spawnBot(env);
      let run = collect(bot);
      await api.waitFor((c) => c.method === "getUpdates");
      bot.kill("SIGTERM");
      await run;
      const { code } = issueCode(env, "Maria Goreti Bria");
      bot = spawnBot(env);
      run = collect(bot);
      api.push(message(111, `/daftar ${code}`, 1));
      await api.waitFor((c) => c.method === "sendMessage" && String(c.payload["text"]).includes("Terima kasih, Maria"));

      // A load of 40 case openings. The runner fetches the next batch while the first is handled,
      // which confirms all 40 to Telegram (forgotten there); the process is killed hard right then.
      const total = 40;
      let last = 0;
      for (let i = 0; i < total; i++) last = api.push(message(111, `/buka 13 Surat beban ${i}`, 100 + i));
      for (let i = 0; i < 2000 && api.confirmedUpTo < last; i++) await new Promise((r) => setTimeout(r, 2));
      bot.kill("SIGKILL");
      await run;
      const handledBeforeKill = await scalar(databaseUrl, `SELECT COUNT(*) AS n FROM "Case" WHERE title LIKE 'Surat beban %'`);
      expect(api.confirmedUpTo).toBe(last);
      expect(handledBeforeKill).toBeLessThan(total); // confirmed, yet not handled: only the held copies remain

      // Restart: the rest is fetched again (unconfirmed updates are redelivered) and finished.
      bot = spawnBot(env);
      run = collect(bot);
      const deadline = Date.now() + 60_000;
      const count = (sql: string) => scalar(databaseUrl, sql);
      for (;;) {
        const cases = await count(`SELECT COUNT(*) AS n FROM "Case" WHERE title LIKE 'Surat beban %'`);
        const pending = await count(`SELECT COUNT(*) AS n FROM "OutboxMessage" WHERE status = 'pending'`);
        if (cases === total && pending === 0) break;
        if (Date.now() > deadline) throw new Error(`after restart: ${cases}/${total} cases, ${pending} notifications pending`);
        await new Promise((r) => setTimeout(r, 250));
      }
      bot.kill("SIGTERM");
      expect((await run).code).toBe(0);

      const d = await sqlClient(databaseUrl);
      const titles = (await d.all<{ title: string }>(`SELECT title FROM "Case" WHERE title LIKE 'Surat beban %'`)).map((r) => r.title);
      await d.close();
      expect(titles).toHaveLength(total);
      expect(new Set(titles).size).toBe(total); // no duplicates
      // Sent, on its own or combined into the message sent before it to the same chat.
      expect(await count(`SELECT COUNT(*) AS n FROM "OutboxMessage" WHERE status NOT IN ('sent', 'merged')`)).toBe(0);
      expect(await count(`SELECT COUNT(*) AS n FROM "InboundHold"`)).toBe(0); // every held update handled and released
      const verify = runAdminCli("audit-verify.ts", [], env);
      expect(verify.stdout).toContain("Audit trail intact");
      // Every case's opening notice reached Maria (at least once; a send cut by the kill may repeat).
      for (let i = 0; i < total; i++) {
        expect(api.calls.some((c) => c.method === "sendMessage" && String(c.payload["text"]).includes(`Perihal: Surat beban ${i}\n`))).toBe(
          true,
        );
      }
    } finally {
      await api.close();
    }
  }, 120_000);
});
