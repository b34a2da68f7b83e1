// Load benchmark, on SQLite or PostgreSQL (TEST_DATABASE_URL names the server; bench/run.ts starts
// a throw-away one): case transitions per second one at a time and 8 in flight (on PostgreSQL also
// with two instances on one database), latency at 200 updates/s open loop, what an /ekspor of 10,000
// cases and an /alur add to the presses' p99; notifications per second against a Bot API stand-in on
// loopback that enforces Telegram's limits (429 count); resident memory of a fresh bot process on a
// database with 10,000 open cases.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { InboundMessage } from "../src/engine/types.ts";
import { createOutboxDispatcher } from "../src/engine/outbox-dispatcher.ts";
import type { App } from "../src/app.ts";
import { createOutboxStore } from "../src/store/outbox-store.ts";
import setupTemplate from "../test/helpers/global-setup.ts";
import { newDatabaseUrl } from "../test/helpers/test-database.ts";
import { collectSetupGarbage, nextPresses, openCases, startBenchApp, TOKEN } from "./bench-app.ts";
import { createOpenLoop } from "./open-loop.ts";
import { benchMemory } from "./memory.ts";
import { startBotApiServer } from "../test/helpers/bot-api-server.ts";
import { isEntryPoint } from "../src/entry-point.ts";

const CASES = Number(process.env.BENCH_CASES ?? 300);
const OPEN_CASES = Number(process.env.BENCH_OPEN_CASES ?? 10_000);

const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
const ms = (n: number) => `${n.toFixed(2)} ms`;

export type LoadPart = "engine" | "notify" | "memory" | "instance";

/** A second bot process on the same database: it gets its presses, says "ready", and on "go" presses them (8 in flight). */
async function startSecondInstance(dir: string, databaseUrl: string, presses: InboundMessage[]): Promise<{ go(): Promise<number> }> {
  const file = path.join(dir, "second-presses.json");
  writeFileSync(file, JSON.stringify(presses));
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "instance", databaseUrl, file], {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env },
  });
  let out = "";
  const lines: ((line: string) => void)[] = [];
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    for (let nl = out.indexOf("\n"); nl >= 0; nl = out.indexOf("\n")) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      lines.shift()?.(line);
    }
  });
  const next = () => new Promise<string>((resolve) => lines.push(resolve));
  if ((await next()) !== "ready") throw new Error("the second instance did not start");
  return {
    async go() {
      const done = next();
      child.stdin.write("go\n");
      const ms = Number(await done);
      child.stdin.end();
      return ms;
    },
  };
}

/** Runs in the second bot process (see startSecondInstance). */
async function secondInstance(databaseUrl: string, file: string): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "sopbot-second-"));
  const app = await startBenchApp(dir, { databaseUrl, joining: true, instanceId: "bench-2" });
  const presses = (JSON.parse(readFileSync(file, "utf8")) as InboundMessage[]).map((p) => ({ ...p, receivedAt: new Date(p.receivedAt) }));
  const go = new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
  process.stdout.write("ready\n");
  await go;
  const t = performance.now();
  await inParallel(
    presses.map((p) => () => app.chat.handle(p)),
    8,
  );
  process.stdout.write(`${performance.now() - t}\n`);
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}

/** Runs `tasks` with at most `inFlight` at once; returns each one's latency (ms). */
async function inParallel(tasks: (() => Promise<unknown>)[], inFlight: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < tasks.length; i = next++) {
      const t = performance.now();
      await tasks[i]!();
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return latencies.sort((a, b) => a - b);
}

/** Moves every open case to its end, `inFlight` presses at a time, spread over the given apps; transitions/s. */
async function moveAll(
  apps: App[],
  seq: { n: number },
  inFlight: number,
): Promise<{ rate: number; latencies: number[]; transitions: number }> {
  collectSetupGarbage();
  let transitions = 0;
  let busy = 0;
  const latencies: number[] = [];
  for (;;) {
    const presses = await nextPresses(apps[0]!, seq);
    if (presses.length === 0) break;
    const t = performance.now();
    latencies.push(
      ...(await inParallel(
        presses.map((p, i) => () => apps[i % apps.length]!.chat.handle(p)),
        inFlight * apps.length,
      )),
    );
    busy += performance.now() - t;
    transitions += presses.length;
    await Promise.all(apps.map((a) => a.dispatcher.flush()));
  }
  return { rate: (transitions / busy) * 1000, latencies: latencies.sort((a, b) => a - b), transitions };
}

/** 10,000 closed cases of the last days, six steps each, written directly (the export's load). */
async function seedClosedCases(app: App, count: number): Promise<void> {
  const sample = await app.db.prisma.case.findFirstOrThrow({ where: { sopNumber: 13 } });
  const now = Date.now();
  for (let start = 0; start < count; start += 1000) {
    const ids = Array.from({ length: Math.min(1000, count - start) }, (_, i) => `closed-${start + i}`);
    await app.db.write(async (tx) => {
      await tx.case.createMany({
        data: ids.map((id, i) => ({
          id,
          code: `13-Z${String(start + i).padStart(4, "0")}`,
          officeId: "ntt-provinsi",
          sopNumber: 13,
          flowHash: sample.flowHash,
          title: `Arsip ${start + i}`,
          status: "completed",
          createdAt: new Date(now - 3 * 86_400_000),
          closedAt: new Date(now - 2 * 86_400_000),
        })),
      });
      await tx.stepTask.createMany({
        data: ids.flatMap((caseId) =>
          [1, 2, 3, 4, 5, 6].map((step) => ({
            id: `${caseId}-${step}`,
            caseId,
            stepId: String(step),
            visit: step,
            status: "done",
            candidates: "[]",
            openedAt: new Date(now - 3 * 86_400_000),
            closedAt: new Date(now - 2 * 86_400_000),
            decision: "done",
          })),
        ),
      });
    });
  }
}

export async function benchLoad(part: LoadPart): Promise<void> {
  if (part === "notify") return benchNotifications();
  if (part === "memory") return benchMemory();
  if (part === "instance") return secondInstance(process.argv[3] ?? "", process.argv[4] ?? "");
  const dir = mkdtempSync(path.join(tmpdir(), "sopbot-load-"));
  const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
  try {
    await setupTemplate(); // PostgreSQL: the migrated template each bench database is copied from
    console.log(`load (${onPostgres ? "PostgreSQL" : "SQLite"}, ${CASES} cases of SOP 13 per run, 6 transitions each):`);
    const databaseUrl = await newDatabaseUrl(dir, "bench");
    const app = await startBenchApp(dir, { databaseUrl, awaitDelivery: false, ...(onPostgres ? { instanceId: "bench-1" } : {}) });
    const seq = { n: 0 };

    // 1. One press at a time, straight into the chat service (one transaction each, outbox rows written).
    await openCases(app, CASES, "Surat");
    const one = await moveAll([app], seq, 1);
    console.log(
      `  case transitions, one at a time: ${one.transitions} → ${one.rate.toFixed(0)}/s (target ≥ 1000 on SQLite); ` +
        `p50 ${ms(pct(one.latencies, 0.5))}, p99 ${ms(pct(one.latencies, 0.99))}`,
    );

    // 2. Eight presses in flight (different cases): PostgreSQL runs them in parallel, SQLite in turn.
    await openCases(app, CASES, "Paralel");
    const eight = await moveAll([app], seq, 8);
    console.log(
      `  case transitions, 8 in flight: ${eight.rate.toFixed(0)}/s${onPostgres ? " (target ≥ 500 on one instance)" : ""}; ` +
        `p50 ${ms(pct(eight.latencies, 0.5))}, p99 ${ms(pct(eight.latencies, 0.99))}`,
    );

    // 3. PostgreSQL: one round of presses (the first step of 2 × CASES cases) by one instance, then
    // by two instances — this process and a second bot process on the same database — at once.
    if (onPostgres) {
      await openCases(app, 2 * CASES, "Eins");
      const alone = await nextPresses(app, seq);
      collectSetupGarbage();
      let t = performance.now();
      await inParallel(
        alone.map((p) => () => app.chat.handle(p)),
        8,
      );
      const oneRate = (alone.length / (performance.now() - t)) * 1000;
      await openCases(app, 2 * CASES, "Zwei");
      const both = await nextPresses(app, seq);
      const theirs = both.filter((_, i) => i % 2 === 1);
      const second = await startSecondInstance(dir, databaseUrl, theirs);
      collectSetupGarbage();
      t = performance.now();
      const [, secondMs] = await Promise.all([
        inParallel(
          both.filter((_, i) => i % 2 === 0).map((p) => () => app.chat.handle(p)),
          8,
        ),
        second.go(),
      ]);
      const twoRate = (both.length / Math.max(performance.now() - t, secondMs)) * 1000;
      console.log(
        `  one round of ${both.length} presses, 8 in flight per instance: one instance ${oneRate.toFixed(0)}/s, two instances (two processes) ` +
          `${twoRate.toFixed(0)}/s = ${(twoRate / oneRate).toFixed(2)}× (target ≥ 1.6×)`,
      );
    }

    // 4. Open loop (open-loop.ts): presses arriving at 200/s through grammY, latency from when each was due.
    const openLoop = createOpenLoop(app, seq);
    for (const spread of ["four officials", "one chat"] as const) {
      const { latencies: at200, chats } = await openLoop(200, 5, spread);
      console.log(
        `  open loop at 200 updates/s for 5 s, ${spread === "one chat" ? "all from one chat (its lane alone)" : `from ${chats} officials' chats`}: ` +
          `p50 ${ms(pct(at200, 0.5))}, p99 ${ms(pct(at200, 0.99))}${spread === "one chat" ? "" : " (target p99 < 50 ms)"}`,
      );
    }

    // 5. An /ekspor of 10,000 cases and an /alur while presses arrive at 20/s: what they add to p99.
    await seedClosedCases(app, 10_000);
    // After a bulk load, as autovacuum would do soon anyway: both windows below then run on the same
    // statistics, and no autovacuum of the seeded tables runs inside one of them.
    if (onPostgres) await app.db.prisma.$executeRawUnsafe("VACUUM ANALYZE");
    const sekretaris = await app.db.prisma.chatIdentity.findFirstOrThrow({
      where: { channel: "telegram", official: { holdings: { some: { position: { key: "sekretaris" } } } } },
    });
    const command = (text: string) => () =>
      app.chat.handle({
        channel: "telegram",
        chatId: sekretaris.externalId,
        senderId: sekretaris.externalId,
        messageId: `cmd-${++seq.n}`,
        text,
        receivedAt: new Date(),
      });
    const quiet = (await openLoop(20, 6, "four officials")).latencies;
    let exportMs = 0;
    const busy = (
      await openLoop(20, 6, "four officials", async () => {
        const t = performance.now();
        await Promise.all([command("/ekspor")(), command("/alur 13")()]);
        exportMs = performance.now() - t;
      })
    ).latencies;
    const exported = await app.db.prisma.auditEvent.findFirst({ where: { action: "export" }, orderBy: { id: "desc" } });
    console.log(
      `  presses at 20/s while /ekspor (${exported?.note ?? "?"}) and /alur 13 run (${(exportMs / 1000).toFixed(1)} s): ` +
        `p99 ${ms(pct(busy, 0.99))} vs ${ms(pct(quiet, 0.99))} without — adds ${ms(pct(busy, 0.99) - pct(quiet, 0.99))} (target < 20 ms)`,
    );
    await app.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchNotifications(): Promise<void> {
  // Notifications with attachments against the Bot API stand-in on loopback enforcing Telegram's
  // limits as they are: 50 chats, a text and three files each; every part is a message to Telegram.
  const api = await startBotApiServer({ token: TOKEN, rateLimits: true });
  const dir2 = mkdtempSync(path.join(tmpdir(), "sopbot-notify-"));
  const app2 = await startBenchApp(dir2, { apiRoot: api.url });
  try {
    const chats = 50;
    const expected = new Map<string, string[]>();
    const files = app2.files;
    if (!files) throw new Error("no file store");
    for (let c = 0; c < chats; c++) {
      const ids: string[] = [];
      const shas: string[] = [];
      for (let k = 0; k < 3; k++) {
        const bytes = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.from(`lampiran ${c}-${k}\n`), Buffer.alloc(20_000, 32)]);
        const saved = await files.save({ bytes, name: `lampiran-${c}-${k}.pdf`, channel: "system", uploaderId: "bench", at: new Date() });
        if (!saved.ok) throw new Error("file not saved");
        ids.push(saved.file.id);
        shas.push(saved.file.sha256.slice(0, 16));
      }
      expected.set(String(2000 + c), shas);
      await app2.db.write((tx) =>
        tx.outboxMessage.create({
          data: {
            channel: "telegram",
            chatId: String(2000 + c),
            text: `Tugas baru — berkas ${c}`,
            fileIds: JSON.stringify(ids),
            nextAttemptAt: new Date(0),
            createdAt: new Date(),
          },
        }),
      );
    }
    const dispatcher = createOutboxDispatcher({
      outbox: createOutboxStore(app2.db),
      senders: { telegram: app2.telegram?.sender ?? { send: async () => undefined } },
      clock: { now: () => new Date() },
    });
    const t = performance.now();
    while ((await app2.db.prisma.outboxMessage.count({ where: { status: "pending" } })) > 0) {
      await dispatcher.flush();
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (performance.now() - t) / 1000;
    let duplicated = 0;
    let lost = 0;
    for (const [chatId, shas] of expected) {
      const calls = api.calls.filter((c) => c.status === 200 && String(c.payload["chat_id"]) === chatId);
      const texts = calls.filter((c) => c.method === "sendMessage").length;
      const sent = calls.flatMap((c) => ((c.payload["files"] as { sha: string }[] | undefined) ?? []).map((f) => f.sha));
      duplicated += Math.max(0, texts - 1) + sent.length - new Set(sent).size;
      lost += (texts === 0 ? 1 : 0) + shas.filter((s) => !sent.includes(s)).length;
    }
    const parts = chats * 4;
    console.log(
      `  notifications with attachments: ${chats} chats × (text + 3 files) = ${parts} parts in ${seconds.toFixed(1)} s → ${(parts / seconds).toFixed(1)} parts/s (target ≥ 28/s: ${parts / seconds >= 28 ? "met" : "NOT met"}); duplicated parts ${duplicated}, lost parts ${lost}, 429 answers ${api.rejected429}`,
    );
  } finally {
    await app2.close();
    await api.close();
    rmSync(dir2, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) {
  benchLoad((process.argv[2] ?? "engine") as LoadPart).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
