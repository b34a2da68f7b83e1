// Two real bot processes on one PostgreSQL database behind Telegram webhooks (a round-robin front
// posts each update to one of them). The leader is killed with SIGKILL in the middle of a load; the
// front re-posts what the dead instance did not answer, as Telegram does. Afterwards: every update
// was processed exactly once, every notification was delivered, none twice beyond the rows the dead
// instance had in flight at the kill, the survivor leads (scheduled jobs, WhatsApp), and the audit
// chain is intact.
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startBotApiServer } from "../../helpers/bot-api-server.ts";
import { collect, freePort, spawnBot, type BotRun, issueCode, runAdminCli, webhookEnv } from "../../helpers/run-bot.ts";
import { tempDir } from "../../helpers/temp-db.ts";
import { newDatabaseUrl, onPostgres, sqlClient } from "../../helpers/test-database.ts";
import { textMessage } from "../../helpers/telegram-updates.ts";

const token = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz";
const secret = "webhook-secret-0123456789";
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const update = (updateId: number, userId: number, text: string) => ({ update_id: updateId, ...textMessage(userId, text, updateId) });

interface Instance {
  name: string;
  port: number;
  child: ChildProcessWithoutNullStreams;
  run: Promise<BotRun>;
  log: () => string;
}

describe.skipIf(!onPostgres)("several instances on PostgreSQL", () => {
  it("lose nothing and repeat nothing when the leader is killed in the middle of a load", async () => {
    const api = await startBotApiServer({ token });
    const databaseUrl = await newDatabaseUrl(dir);
    const base = {
      DATABASE_URL: databaseUrl,
      FILES_DIR: path.join(dir, "files"),
      TELEGRAM_BOT_TOKEN: token,
      TELEGRAM_API_ROOT: api.url,
      FILE_ENCRYPTION_KEY: "cd".repeat(32),
      ...webhookEnv(secret),
      LEASE_TTL_MS: "2000",
      LOG_LEVEL: "info",
    };
    const start = async (name: string): Promise<Instance> => {
      const port = await freePort();
      const child = spawnBot({ ...base, INSTANCE_ID: name, TELEGRAM_WEBHOOK_PORT: String(port) });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      return { name, port, child, run: collect(child), log: () => stderr };
    };
    const waitUntil = async (what: string, check: () => Promise<boolean> | boolean, ms = 30_000) => {
      const deadline = Date.now() + ms;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const query = async <T>(sql: string): Promise<T[]> => {
      const db = await sqlClient(databaseUrl);
      try {
        return await db.all<T>(sql);
      } finally {
        await db.close();
      }
    };
    const leader = async () =>
      (await query<{ holder: string }>(`SELECT holder FROM "Lease" WHERE key = 'leader' AND "expiresAt" > (now() AT TIME ZONE 'UTC')`))[0]
        ?.holder;
    /** The front: posts an update to an instance; true when that instance answered 200. */
    const post = async (to: Instance, body: unknown): Promise<boolean> => {
      try {
        const res = await fetch(`http://127.0.0.1:${to.port}/tg/hook`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(15_000),
        });
        return res.status === 200;
      } catch {
        return false;
      }
    };

    let a: Instance | undefined;
    let b: Instance | undefined;
    try {
      a = await start("A");
      const first = a;
      await waitUntil("A leads", async () => (await leader()) === "A");
      b = await start("B");
      const second = b;
      await waitUntil("B's webhook is up", () => second.log().includes("webhook"), 30_000).catch(() => undefined);
      await waitUntil("B answers", () => post(second, update(1, 999, "/bantuan")));
      expect(await leader()).toBe("A");

      // Four officials enrol (codes issued by the CLI against the same database), through instance B.
      // (Telegram allows about one message a second per chat: the load is spread over their chats.)
      const officials = ["Maria Goreti Bria", "Yosef Lamanepa", "Agustinus Tefa", "Stefanus Ola"];
      for (const [k, name] of officials.entries()) {
        const { code, run: issued } = issueCode(
          { DATABASE_URL: databaseUrl, DEMO_DATA: "false", FILE_ENCRYPTION_KEY: "cd".repeat(32) },
          name,
        );
        expect(code, issued.stderr).not.toBe("");
        expect(await post(second, update(2 + k, 111 + k, `/daftar ${code}`))).toBe(true);
      }
      const userOf = (n: number) => 111 + (n % officials.length);

      // The load: 40 case openings, posted round-robin, 4 at a time; A is killed after the 16th
      // update has been posted. What A did not answer goes to B again.
      const total = 40;
      const unanswered: { body: unknown }[] = [];
      let killedAt: { claimedByA: number } | undefined;
      const killA = async () => {
        first.child.kill("SIGKILL");
        await first.run;
        // Rows A had claimed and not marked: in flight at the kill, they may have gone out already.
        const rows = await query<{ n: string }>(`SELECT COUNT(*) AS n FROM "OutboxMessage" WHERE "claimedBy" = 'A' AND status = 'pending'`);
        killedAt = { claimedByA: Number(rows[0]?.n ?? 0) };
      };
      for (let i = 0; i < total; i += 4) {
        const batch = [0, 1, 2, 3].map((k) => i + k);
        // The batch at 16 goes to A alone, and A is killed while it works on it.
        const killBatch = i === 16;
        const posts = Promise.all(
          batch.map(async (n) => {
            const body = update(100 + n, userOf(n), `/buka 13 Surat beban ${n}`);
            const target = killBatch || (n % 2 === 0 && !killedAt) ? first : second;
            if (!(await post(target, body))) unanswered.push({ body });
          }),
        );
        if (killBatch) {
          await new Promise((r) => setTimeout(r, 15));
          await killA();
        }
        await posts;
      }
      expect(unanswered.length).toBeGreaterThan(0); // the kill really cut work in flight
      for (const u of unanswered) expect(await post(second, u.body)).toBe(true);

      // B takes the lead once A's lease expires, and finishes every notification, A's claims included.
      await waitUntil("B leads", async () => (await leader()) === "B", 20_000);
      await waitUntil(
        "every notification sent",
        async () =>
          Number((await query<{ n: string }>(`SELECT COUNT(*) AS n FROM "OutboxMessage" WHERE status NOT IN ('sent', 'merged')`))[0]?.n) ===
          0,
        60_000,
      ).catch(async (error: unknown) => {
        console.error(
          await query(
            `SELECT id, channel, "chatId", status, attempts, "nextAttemptAt", "claimedBy", "claimedUntil", "lastError" FROM "OutboxMessage" WHERE status NOT IN ('sent', 'merged')`,
          ),
        );
        throw error;
      });
      expect(second.log()).toContain('"instance":"B","msg":"leader: running the scheduled jobs"');

      const titles = (await query<{ title: string }>(`SELECT title FROM "Case" WHERE title LIKE 'Surat beban %'`)).map((r) => r.title);
      expect(titles).toHaveLength(total); // each update processed once: no case missing, none twice
      expect(new Set(titles).size).toBe(total);

      // Every case's opening notice reached its opener; repeats only within what A had in flight.
      const sent = api.calls.filter((c) => c.method === "sendMessage" && c.status === 200);
      let repeats = 0;
      for (let i = 0; i < total; i += 1) {
        const copies = sent.filter(
          (c) => c.payload["chat_id"] === String(userOf(i)) && String(c.payload["text"]).includes(`Perihal: Surat beban ${i}\n`),
        ).length;
        expect(copies, `notice of case ${i}`).toBeGreaterThanOrEqual(1);
        repeats += copies - 1;
      }
      expect(repeats).toBeLessThanOrEqual(killedAt?.claimedByA ?? 0);

      const verify = runAdminCli("audit-verify.ts", [], { DATABASE_URL: databaseUrl, FILE_ENCRYPTION_KEY: "cd".repeat(32) });
      expect(verify.stdout).toContain("Audit trail intact");

      second.child.kill("SIGTERM");
      expect((await second.run).code).toBe(0);
      // A clean stop gives the lease up at once.
      expect(await leader()).toBeUndefined();
    } finally {
      a?.child.kill("SIGKILL");
      b?.child.kill("SIGKILL");
      await api.close();
    }
  }, 150_000);
});
