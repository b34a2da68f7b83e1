// The Bot API answering 500s, hanging past the client's timeout and sending 429 bursts while the
// real bot process works through a load: nothing is lost. Every message is processed exactly once,
// every notification ends up sent (none pending or parked as failed), every opening notice reaches
// the user, and the audit chain is intact.
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startBotApiServer, type RecordedCall } from "../../helpers/bot-api-server.ts";
import { collect, spawnBot, issueCode, runAdminCli } from "../../helpers/run-bot.ts";
import { tempDir } from "../../helpers/temp-db.ts";
import { newDatabaseUrl, scalar, sqlClient } from "../../helpers/test-database.ts";
import { textMessage } from "../../helpers/telegram-updates.ts";

const token = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz";
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const message = textMessage;
/** The client's timeout in this test (the default is 30 s; a hung call waits it out). */
const API_TIMEOUT_SECONDS = 3;

const delivered = (c: RecordedCall, fragment: string) =>
  c.method === "sendMessage" && c.status === 200 && String(c.payload["text"]).includes(fragment);

describe("Bot API faults", () => {
  it("loses nothing while the Bot API answers 500s, hangs and sends 429 bursts", async () => {
    const api = await startBotApiServer({ token });
    const databaseUrl = await newDatabaseUrl(dir);
    const env = {
      DATABASE_URL: databaseUrl,
      FILES_DIR: path.join(dir, "files"),
      TELEGRAM_BOT_TOKEN: token,
      TELEGRAM_API_ROOT: api.url,
      FILE_ENCRYPTION_KEY: "cd".repeat(32),
      TELEGRAM_API_TIMEOUT_SECONDS: String(API_TIMEOUT_SECONDS),
      // The stand-in does not enforce Telegram's pace here; the bot's own is scaled down to keep the test short.
      TELEGRAM_CHAT_GAP_MS: "110",
      TELEGRAM_GLOBAL_GAP_MS: "4",
      // Failed sends are retried after 0.2 s, 0.4 s, 0.8 s … instead of 2 s, 4 s, 8 s.
      OUTBOX_RETRY_BASE_MS: "200",
    };
    const count = (sql: string) => scalar(databaseUrl, sql);
    try {
      // First start seeds the demo; then an admin issues Maria's code and she enrols.
      let bot = spawnBot(env);
      let run = collect(bot);
      await api.waitFor((c) => c.method === "getUpdates");
      bot.kill("SIGTERM");
      await run;
      const { code } = issueCode(env, "Maria Goreti Bria");
      expect(code).not.toBe("");
      bot = spawnBot(env);
      run = collect(bot);
      api.push(message(111, `/daftar ${code}`, 1));
      await api.waitFor((c) => delivered(c, "Terima kasih, Maria"), 20_000);

      // The load: case openings until the Bot API has failed sends in every way: 500 twice in a row,
      // one send left hanging far past the client's timeout, then a burst of 429s with retry_after.
      api.faults({ status500: 2, hang: { count: 1, ms: (API_TIMEOUT_SECONDS + 60) * 1000 }, burst429: { count: 3, retryAfter: 1 } });
      let total = 0;
      // (Each failed send backs off 0.2 s, 0.4 s, 0.8 s …: the faults are served over a few seconds.)
      const until = Date.now() + 40_000;
      while (api.pendingFaults > 0 && Date.now() < until) {
        api.push(message(111, `/buka 13 Surat X ${total}`, 100 + total));
        total += 1;
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(
        api.pendingFaults,
        JSON.stringify({ served: api.faultsServed, sends: api.calls.filter((c) => c.method === "sendMessage").map((c) => c.status) }),
      ).toBe(0);

      const deadline = Date.now() + 60_000;
      for (;;) {
        const cases = await count(`SELECT COUNT(*) AS n FROM "Case" WHERE title LIKE 'Surat X %'`);
        const pending = await count(`SELECT COUNT(*) AS n FROM "OutboxMessage" WHERE status = 'pending'`);
        if (cases === total && pending === 0) break;
        if (Date.now() > deadline) throw new Error(`${cases}/${total} cases, ${pending} notifications pending`);
        await new Promise((r) => setTimeout(r, 250));
      }
      bot.kill("SIGTERM");
      const stopped = await run;
      expect(stopped.code).toBe(0);

      // The faults did happen.
      expect(api.faultsServed).toEqual({ status500: 2, hang: 1, status429: 3 });
      // The hung send was abandoned by the bot at its client timeout (not left hanging for ever).
      const hung = api.calls.filter((c) => c.status === 0);
      expect(hung).toHaveLength(1);
      expect(hung[0]?.abandonedAfterMs).toBeGreaterThanOrEqual(API_TIMEOUT_SECONDS * 1000 - 1000);
      expect(hung[0]?.abandonedAfterMs).toBeLessThan(API_TIMEOUT_SECONDS * 1000 + 5000);
      // After a 429 the chat's next send waited at least retry_after.
      const sends = api.calls.filter((c) => c.method === "sendMessage");
      for (const [i, c] of sends.entries()) {
        if (c.status !== 429) continue;
        const next = sends.slice(i + 1).find((n) => n.payload["chat_id"] === c.payload["chat_id"]);
        expect(next).toBeDefined();
        expect(next!.at - c.at).toBeGreaterThanOrEqual(950);
      }
      // Long polling asks Telegram for less than the client's timeout (else quiet polls time out).
      const polls = api.calls.filter((c) => c.method === "getUpdates" && c.payload["timeout"] !== undefined);
      expect(polls.length).toBeGreaterThan(0);
      for (const p of polls) expect(Number(p.payload["timeout"])).toBeLessThan(API_TIMEOUT_SECONDS);

      // Every case exactly once; every notification sent; the failures were retried, not dropped.
      const d = await sqlClient(databaseUrl);
      const titles = (await d.all<{ title: string }>(`SELECT title FROM "Case" WHERE title LIKE 'Surat X %'`)).map((r) => r.title);
      const retried = await d.all<{ lastError: string | null; status: string }>(
        `SELECT "lastError", status FROM "OutboxMessage" WHERE "lastError" IS NOT NULL AND "lastError" != ''`,
      );
      await d.close();
      expect(titles).toHaveLength(total);
      expect(new Set(titles).size).toBe(total);
      // Sent, on its own or combined into the message sent before it to the same chat.
      expect(await count(`SELECT COUNT(*) AS n FROM "OutboxMessage" WHERE status NOT IN ('sent', 'merged')`)).toBe(0);
      const errors = retried.map((r) => r.lastError ?? "").join("\n");
      // (A row keeps its last error: the faults may all have hit the same row.)
      expect(errors).toMatch(/500|429|network/i);
      expect(retried.every((r) => r.status === "sent" || r.status === "merged")).toBe(true);
      // Every opening notice reached Maria.
      for (let i = 0; i < total; i++)
        expect(
          api.calls.some((c) => delivered(c, `Perihal: Surat X ${i}\n`)),
          `notice ${i}`,
        ).toBe(true);

      const verify = runAdminCli("audit-verify.ts", [], env);
      expect(verify.stdout).toContain("Audit trail intact");
      expect(verify.status).toBe(0);
    } finally {
      await api.close();
    }
  }, 120_000);
});
