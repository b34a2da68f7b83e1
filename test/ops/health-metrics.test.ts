// Health and metrics endpoints: the real bot process serves /healthz, /readyz and /metrics on
// loopback (HEALTH_PORT=0, the port read from its log), and its counters move when a case moves
// through the console; /readyz follows the Bot API's reachability and the leader's WhatsApp socket,
// and answers 503 naming the database when it is unreachable or lacks a migration; the scrape-time
// gauges count overdue steps and the outbox backlog; failed sends are sorted into a few reasons.
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startOps } from "../../src/app-ops.ts";
import { loadConfig } from "../../src/config.ts";
import type { EngineStore, EngineTx } from "../../src/engine/case-ports.ts";
import { countTransitions, type TransitionKind } from "../../src/engine/metrics-port.ts";
import { SendFailure, sendFailureReason } from "../../src/engine/outbox-dispatcher.ts";
import { startHealthServer } from "../../src/ops/health-server.ts";
import { addScrapeMetrics, createAppMetrics } from "../../src/ops/metrics.ts";
import { checkReadiness } from "../../src/ops/readiness.ts";
import { createOpsQueries } from "../../src/store/ops-queries.ts";
import { createLogger } from "../../src/logger.ts";
import { FakeClock, startHarness, wita } from "../helpers/harness.ts";
import { pairedDatabase, startWhatsAppApp } from "../helpers/wa-harness.ts";
import { startBotApiServer } from "../helpers/bot-api-server.ts";
import { collect, freePort, spawnBot } from "../helpers/run-bot.ts";
import { textMessage } from "../helpers/telegram-updates.ts";
import { openTempDb, tempDir } from "../helpers/temp-db.ts";
import { newDatabaseUrl, onPostgres, sqlClient } from "../helpers/test-database.ts";

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function get(base: string, p: string): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(`${base}${p}`);
  return { status: res.status, type: res.headers.get("content-type") ?? "", text: await res.text() };
}

/** A sample's value from Prometheus text: `name{labels} value`; undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("health and metrics endpoints of the bot process", () => {
  it("serves /healthz, /readyz and /metrics, and the counters move when a case moves", async () => {
    const bot = spawnBot({
      DATABASE_URL: await newDatabaseUrl(dir, "process"),
      FILES_DIR: path.join(dir, "files"),
      DEMO_STAFF: "false",
      HEALTH_PORT: "0",
      LOG_LEVEL: "info",
    });
    const run = collect(bot);
    let stderr = "";
    let stdout = "";
    bot.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    bot.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    try {
      const listening = await until("the health endpoints' log line", async () => {
        const line = stderr.split("\n").find((l) => l.includes("health endpoints listening"));
        return line ? (JSON.parse(line) as { host: string; port: number }) : undefined;
      });
      expect(listening.host).toBe("127.0.0.1");
      const base = `http://127.0.0.1:${listening.port}`;

      const health = await get(base, "/healthz");
      expect(health.status).toBe(200);
      expect(health.type).toContain("application/json");
      expect(JSON.parse(health.text)).toMatchObject({ status: "ok" });

      // Ready, and leading once the lease is taken (right after start-up).
      const ready = await until("/readyz to report the leader", async () => {
        const r = await get(base, "/readyz");
        const body = JSON.parse(r.text) as { leader: boolean };
        return r.status === 200 && body.leader ? body : undefined;
      });
      expect(ready).toEqual({
        status: "ready",
        notReady: [],
        checks: {
          database: { ok: true, state: "reachable" },
          migrations: { ok: true, state: "applied" },
          console: { ok: true, state: "running" },
        },
        leader: true,
        // SQLite: "single"; PostgreSQL: host-pid-random.
        instance: onPostgres ? expect.stringContaining(String(bot.pid)) : "single",
      });

      const before = await get(base, "/metrics");
      expect(before.status).toBe(200);
      expect(before.type).toContain("text/plain");
      const m0 = before.text;
      for (const series of [
        "sopbot_leader",
        "sopbot_outbox_pending_messages",
        "sopbot_outbox_oldest_pending_age_seconds",
        "sopbot_outbox_failed_messages",
        'sopbot_overdue_steps{office="ntt-provinsi"}',
        'sopbot_overdue_steps{office="kota-batam"}',
        'sopbot_updates_received_total{channel="console"}',
        'sopbot_case_transitions_total{kind="case-opened"}',
        'sopbot_case_transitions_total{kind="step-done"}',
        'sopbot_messages_sent_total{channel="console"}',
        "process_cpu_user_seconds_total",
        "nodejs_heap_size_used_bytes",
      ])
        expect(sample(m0, series), series).toBeTypeOf("number");
      expect(sample(m0, "sopbot_leader")).toBe(1);
      expect(m0).not.toContain("sopbot_whatsapp_connected");

      // A case opened, then its first step done by the Sekretaris, through the console.
      bot.stdin.write("/buka 18 KGB Benediktus Nahak\n");
      await until("the case to reach the Sekretaris", async () =>
        stdout.includes("sopbot → Maria Goreti Bria (Sekretaris):") ? 1 : undefined,
      );
      bot.stdin.write("/sebagai Sekretaris\n1\n");
      const grew = (text: string, series: string, by: number) => (sample(text, series) ?? 0) - (sample(m0, series) ?? 0) >= by;
      // The step is counted when its transaction commits; what it caused is sent (and counted) right after.
      const m1 = await until("the step and its messages to be counted", async () => {
        const text = (await get(base, "/metrics")).text;
        const done = grew(text, 'sopbot_case_transitions_total{kind="step-done"}', 1);
        return done && grew(text, 'sopbot_messages_sent_total{channel="console"}', 3) ? text : undefined;
      });
      const delta = (series: string) => (sample(m1, series) ?? 0) - (sample(m0, series) ?? 0);
      expect(delta('sopbot_updates_received_total{channel="console"}')).toBe(2);
      expect(delta('sopbot_case_transitions_total{kind="case-opened"}')).toBe(1);
      expect(delta('sopbot_case_transitions_total{kind="step-done"}')).toBe(1);
      expect(delta('sopbot_case_transitions_total{kind="step-return"}')).toBe(0);
      expect(delta('sopbot_updates_received_total{channel="telegram"}')).toBe(0);
      // No personal data in any label: only channels, offices and the fixed kinds.
      expect(m1).not.toMatch(/Benediktus|Nahak|Maria|18-[A-Z0-9]{5}/);

      expect((await get(base, "/nothing")).status).toBe(404);
      expect((await fetch(`${base}/healthz`, { method: "POST" })).status).toBe(405);

      bot.stdin.end();
      const { code } = await run;
      expect(code).toBe(0);
      // The server closed with the process: nothing answers on the port any more.
      await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    } finally {
      bot.kill("SIGKILL");
    }
  });
});

describe("/readyz with Telegram", () => {
  it("says Telegram is connected while the Bot API answers, and not ready when it does not", async () => {
    const token = "123456:health-token-abcdefghijklmnopqrstuvwxyz";
    const api = await startBotApiServer({ token });
    const healthPort = await freePort();
    const bot = spawnBot({
      DATABASE_URL: await newDatabaseUrl(dir, "telegram"),
      FILES_DIR: path.join(dir, "files-telegram"),
      TELEGRAM_BOT_TOKEN: token,
      TELEGRAM_API_ROOT: api.url,
      FILE_ENCRYPTION_KEY: "cd".repeat(32),
      DEMO_STAFF: "false",
      HEALTH_PORT: String(healthPort),
    });
    const run = collect(bot);
    try {
      await api.waitFor((c) => c.method === "getUpdates");
      const base = `http://127.0.0.1:${healthPort}`;
      const ready = await until("/readyz to say ready", async () => {
        const r = await get(base, "/readyz").catch(() => undefined);
        return r?.status === 200 ? (JSON.parse(r.text) as { checks: Record<string, unknown> }) : undefined;
      });
      expect(ready.checks["telegram"]).toEqual({ ok: true, state: "connected" });
      expect(ready.checks["console"]).toBeUndefined();

      api.push(textMessage(700201, "/start", 1));
      await api.waitFor((c) => c.method === "sendMessage");
      const metrics = await until("the Telegram message to be counted", async () => {
        const text = (await get(base, "/metrics")).text;
        return (sample(text, 'sopbot_messages_sent_total{channel="telegram"}') ?? 0) >= 1 ? text : undefined;
      });
      expect(sample(metrics, 'sopbot_updates_received_total{channel="telegram"}')).toBe(1);

      await api.close(); // connection refused from now on: every poll fails
      const down = await until("/readyz to say Telegram is down", async () => {
        const r = await get(base, "/readyz");
        return r.status === 503 ? (JSON.parse(r.text) as { notReady: string[]; checks: Record<string, unknown> }) : undefined;
      });
      expect(down.notReady).toEqual(["telegram"]);
      expect(down.checks["telegram"]).toEqual({ ok: false, state: "bot api unreachable" });
      bot.kill("SIGTERM");
      expect((await run).code).toBe(0);
    } finally {
      bot.kill("SIGKILL");
      await api.close().catch(() => undefined);
    }
  });
});

describe("/readyz and /metrics with WhatsApp", () => {
  it("WhatsApp is the leader's: another instance is ready without it; the leader is ready once its socket is open", async () => {
    const clock = new FakeClock(wita("2026-03-16 08:00"));
    const databaseUrl = await newDatabaseUrl(dir, "whatsapp");
    await pairedDatabase(databaseUrl);
    const wa = await startWhatsAppApp({ databaseUrl, dir, clock });
    const ops = await startOps(wa.app, { host: "127.0.0.1", port: 0 }, createLogger("silent"), clock);
    const base = `http://127.0.0.1:${ops.address.port}`;
    const readyz = async () => {
      const r = await get(base, "/readyz");
      return { status: r.status, body: JSON.parse(r.text) as { leader: boolean; checks: Record<string, unknown> } };
    };
    try {
      // Not leading yet (this test's socket was opened by hand): WhatsApp is not this instance's to hold.
      const follower = await readyz();
      expect(follower.status).toBe(200);
      expect(follower.body.leader).toBe(false);
      expect(follower.body.checks["whatsapp"]).toEqual({ ok: true, state: "held by the leader" });
      expect(sample((await get(base, "/metrics")).text, "sopbot_leader")).toBe(0);

      // Leading: the socket starts again and the instance is ready once it is open.
      await wa.app.leadership.start();
      const connecting = await readyz();
      expect(connecting.status).toBe(503);
      expect(connecting.body.checks["whatsapp"]).toEqual({ ok: false, state: "connecting" });
      expect(sample((await get(base, "/metrics")).text, 'sopbot_whatsapp_connected{account="whatsapp"}')).toBe(0);
      wa.sock().emit("connection.update", { connection: "open" });
      const open = await readyz();
      expect(open.status).toBe(200);
      expect(open.body.checks["whatsapp"]).toEqual({ ok: true, state: "connected" });
      const metrics = (await get(base, "/metrics")).text;
      expect(sample(metrics, 'sopbot_whatsapp_connected{account="whatsapp"}')).toBe(1);
      expect(sample(metrics, "sopbot_leader")).toBe(1);
    } finally {
      await ops.close();
      await wa.app.close();
    }
  });
});

describe("/readyz", () => {
  it("answers 503 naming the migrations when one is missing, and the database when it is unreachable", async () => {
    const temp = await openTempDb();
    const url = temp.target.provider === "sqlite" ? `file:${temp.target.file}` : temp.target.url;
    const queries = createOpsQueries(temp.db);
    const server = await startHealthServer({
      host: "127.0.0.1",
      port: 0,
      registry: createAppMetrics().registry,
      log: silent,
      readiness: () =>
        checkReadiness({
          ping: () => queries.ping(),
          missingMigrations: () => queries.missingMigrations(),
          channels: () => ({ telegram: { ok: true, state: "connected" } }),
          isLeader: () => false,
          instance: "bot-2",
        }),
    });
    const base = `http://127.0.0.1:${server.address.port}`;
    try {
      const ready = await get(base, "/readyz");
      expect(ready.status).toBe(200);
      expect(JSON.parse(ready.text)).toMatchObject({ status: "ready", leader: false, instance: "bot-2" });

      const sql = await sqlClient(url);
      const [last] = await sql.all<{ name: string }>(
        'SELECT migration_name AS name FROM "_prisma_migrations" ORDER BY migration_name DESC',
      );
      await sql.run('DELETE FROM "_prisma_migrations" WHERE migration_name = ?', last?.name);
      await sql.close();
      const unmigrated = await get(base, "/readyz");
      expect(unmigrated.status).toBe(503);
      expect(JSON.parse(unmigrated.text)).toMatchObject({
        status: "not ready",
        notReady: ["migrations"],
        checks: { database: { ok: true }, migrations: { ok: false, state: `missing: ${last?.name}` }, telegram: { ok: true } },
      });

      await temp.db.close();
      const down = await get(base, "/readyz");
      expect(down.status).toBe(503);
      const body = JSON.parse(down.text) as { notReady: string[]; checks: { database: { ok: boolean; state: string } } };
      expect(body.notReady).toEqual(["database", "migrations"]);
      expect(body.checks.database).toMatchObject({ ok: false, state: "unreachable" });
      // Still alive: only readiness depends on the database.
      expect((await get(base, "/healthz")).status).toBe(200);
    } finally {
      await server.close();
      await temp.cleanup();
    }
  });
});

describe("metrics read on a scrape", () => {
  it("count overdue steps per office and the outbox backlog and its age", async () => {
    const h = await startHarness({ now: wita("2026-03-16 08:00") });
    try {
      await h.say("/buka 18 KGB Benediktus Nahak");
      // A message no channel here sends (Telegram is off): it waits in the outbox.
      await h.app.db.write((tx) =>
        tx.outboxMessage.create({
          data: { channel: "telegram", chatId: "1", text: "x", nextAttemptAt: h.clock.now(), createdAt: h.clock.now() },
        }),
      );
      const queries = createOpsQueries(h.app.db);
      addScrapeMetrics(
        h.app.metrics.registry,
        {
          outboxBacklog: () => queries.outboxBacklog(),
          overdueSteps: (now) => queries.overdueSteps(now),
          officeIds: [...h.app.catalog.offices.keys()],
          isLeader: () => true,
          whatsappConnected: () => [{ account: "whatsapp", connected: false }],
          now: () => h.clock.now(),
          onError: (error) => {
            throw error;
          },
        },
        0,
      );
      const scrape = () => h.app.metrics.registry.metrics();
      const now = await scrape();
      expect(sample(now, 'sopbot_overdue_steps{office="ntt-provinsi"}')).toBe(0);
      expect(sample(now, "sopbot_outbox_pending_messages")).toBe(1);
      expect(sample(now, 'sopbot_whatsapp_connected{account="whatsapp"}')).toBe(0);

      h.clock.advanceMinutes(30 * 24 * 60);
      const later = await scrape();
      expect(sample(later, 'sopbot_overdue_steps{office="ntt-provinsi"}')).toBe(1);
      expect(sample(later, 'sopbot_overdue_steps{office="kota-kupang"}')).toBe(0);
      expect(sample(later, "sopbot_outbox_oldest_pending_age_seconds")).toBe(30 * 24 * 3600);
      expect(sample(later, 'sopbot_updates_received_total{channel="console"}')).toBe(1);
      expect(sample(later, 'sopbot_case_transitions_total{kind="case-opened"}')).toBe(1);
    } finally {
      await h.cleanup();
    }
  });
});

describe("counting", () => {
  it("counts the transitions of a committed transaction once, and none of one rolled back", async () => {
    const counted: TransitionKind[] = [];
    const tx = { appendAudit: async () => undefined } as unknown as EngineTx;
    let runs = 0;
    const inner: EngineStore = {
      read: (fn) => fn(tx),
      // The first run loses to a concurrent transaction and is run again, as the real store does.
      transaction: async (fn) => {
        for (;;) {
          const result = await fn(tx);
          if (++runs > 1) return result;
        }
      },
    };
    const store = countTransitions(inner, { transition: (kind) => counted.push(kind) });
    const note = { at: new Date(0), actorLabel: "x" };
    await store.transaction(async (t) => {
      await t.appendAudit({ ...note, action: "step-approve" });
      await t.appendAudit({ ...note, action: "reminder-sent" });
    });
    expect(counted).toEqual(["step-approve"]);
    await expect(
      store.transaction(async (t) => {
        await t.appendAudit({ ...note, action: "case-completed" });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(counted).toEqual(["step-approve"]);
  });

  it("sorts failed sends into a few reasons", () => {
    const cases: [unknown, string][] = [
      [new SendFailure("429 Too Many Requests: retry after 5", true, 5000), "rate-limited"],
      [new SendFailure("403 Forbidden: bot was blocked by the user", false), "blocked"],
      [new SendFailure("network: AbortError", true), "timeout"],
      [new SendFailure("network: FetchError ECONNREFUSED", true), "network"],
      [new SendFailure("502 Bad Gateway", true), "server-error"],
      [new SendFailure("400 Bad Request: chat not found", false), "refused"],
      [new SendFailure("whatsapp is not connected", true, 30_000), "not-connected"],
      [new SendFailure("channel telegram is not running", true), "not-connected"],
      [new SendFailure("Error 408", true), "timeout"],
      [Object.assign(new Error("connect"), { code: "ETIMEDOUT" }), "timeout"],
      [new Error("something else"), "other"],
    ];
    for (const [error, reason] of cases) expect(sendFailureReason(error), String(error)).toBe(reason);
  });
});

describe("configuration", () => {
  it("serves nothing unless HEALTH_PORT is set; listens on loopback by default", () => {
    expect(loadConfig({}).health).toBeNull();
    expect(loadConfig({ HEALTH_PORT: "0" }).health).toEqual({ host: "127.0.0.1", port: 0 });
    expect(loadConfig({ HEALTH_PORT: "9464", HEALTH_HOST: "0.0.0.0" }).health).toEqual({ host: "0.0.0.0", port: 9464 });
    expect(() => loadConfig({ HEALTH_PORT: "http" })).toThrow(/HEALTH_PORT: expected a port number/);
    expect(() => loadConfig({ HEALTH_PORT: "9100", HEALTH_HOST: "a b" })).toThrow(/HEALTH_HOST: expected an address/);
  });
});
