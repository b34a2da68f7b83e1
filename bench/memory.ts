// Resident memory of a bot with many open cases (part of bench/load.ts "memory"): this process opens
// them, then a fresh process of the compiled bot (bench/memory-probe.mjs) starts on that database and
// reports its own memory.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { startBenchApp } from "./bench-app.ts";

const OPEN_CASES = Number(process.env.BENCH_OPEN_CASES ?? 10_000);

/**
 * Resident memory of a bot with many open cases: this process opens them (through the engine, as
 * chat would), then a fresh bot process is started on that database, runs its start-up, a scheduler
 * tick and a task list, and reports its own resident memory.
 */
export async function benchMemory(): Promise<void> {
  const dir3 = mkdtempSync(path.join(tmpdir(), "sopbot-mem-"));
  const databaseUrl = `file:${path.join(dir3, "bench.db")}`;
  const app3 = await startBenchApp(dir3, { databaseUrl });
  const kasubag = await app3.db.prisma.official.findFirstOrThrow({ where: { name: "Fransiska Nona Lodo" } });
  const kasubagRow = { id: kasubag.id, officeId: kasubag.officeId, name: kasubag.name, isAdmin: false, active: true };
  const t = performance.now();
  for (let i = 0; i < OPEN_CASES; i++)
    await app3.engine.openCase({ officeId: "ntt-provinsi", sopNumber: 13, title: `Surat M${i}`, openedBy: kasubagRow });
  // Their notifications go out here: the probe measures a bot with that many open cases, not one
  // catching up on a backlog of 10,000 unsent messages.
  await app3.dispatcher.flush();
  await app3.close();
  const openingSeconds = (performance.now() - t) / 1000;
  const probe = (url: string) =>
    new Promise<{ rss: number; heap: number; open: number }>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(path.dirname(fileURLToPath(import.meta.url)), "memory-probe.mjs"), url], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
      });
      child.on("exit", (code) =>
        code === 0
          ? resolve(JSON.parse(out.trim()) as { rss: number; heap: number; open: number })
          : reject(new Error(`memory probe exited ${code}`)),
      );
    });
  const loaded = await probe(databaseUrl);
  const idle = await probe(`file:${path.join(dir3, "empty.db")}`);
  console.log(
    `  resident memory (RSS, no forced GC) of a fresh bot process with ${loaded.open} open cases (their notifications sent): ${loaded.rss} MB after start-up, a tick and a task list (target < 200 MB; JS heap in use ${loaded.heap} MB); the same on an empty database: ${idle.rss} MB (heap ${idle.heap} MB); opening the cases took ${openingSeconds.toFixed(0)} s`,
  );
  rmSync(dir3, { recursive: true, force: true });
}
