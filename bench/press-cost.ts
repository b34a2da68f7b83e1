// What one press costs: SQL statements (and transactions) per case transition, the statements by
// shape, and where the CPU goes — our code, Prisma, the database driver, grammY, Node itself —
// from a CPU profile of the presses (node:inspector). SQLite, or PostgreSQL with TEST_DATABASE_URL.
import { mkdtempSync, rmSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { isEntryPoint } from "../src/entry-point.ts";
import { createStatementCounter, type StatementCounter } from "../src/store/statement-counter.ts";
import setupTemplate from "../test/helpers/global-setup.ts";
import { callbackUpdate, nextPresses, openCases, startBenchApp } from "./bench-app.ts";

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
  hitCount?: number;
}

/** Which part of the program a profiled function belongs to. */
function ownerOf(url: string, name: string): string {
  if (url.includes("/node_modules/@prisma/") || url.includes("/src/store/generated") || url.startsWith("wasm://")) return "Prisma";
  if (url.includes("/node_modules/better-sqlite3/") || url.includes("/node_modules/pg")) return "database driver";
  // better-sqlite3's native calls carry no script URL.
  if (!url && ["Statement", "all", "run", "get", "iterate", "exec", "prepare", "columns", "raw", "bind"].includes(name))
    return "database driver";
  if (url.includes("/node_modules/grammy/") || url.includes("/node_modules/@grammyjs/")) return "grammY";
  if (url.includes("/src/")) return "sopbot";
  if (url.includes("/node_modules/")) return "other packages";
  if (name === "(garbage collector)") return "garbage collection";
  if (name === "(idle)" || name === "(program)") return "idle/native";
  return "Node.js";
}

/** Runs the presses one at a time under the profiler and prints what they cost. */
async function measure(label: string, counter: StatementCounter, count: number, run: () => Promise<void>): Promise<void> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  const before = { ...counter };
  counter.byShape.clear();
  counter.msByShape.clear();
  const started = performance.now();
  await run();
  const wall = (performance.now() - started) / count;
  const { profile } = (await session.post("Profiler.stop")) as { profile: { nodes: ProfileNode[] } };
  session.disconnect();
  const statements = (counter.statements - before.statements) / count;
  const transactions = (counter.transactions - before.transactions) / count;
  const hits = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const owner = ownerOf(node.callFrame.url, node.callFrame.functionName);
    if (owner === "idle/native" && node.callFrame.functionName === "(idle)") continue;
    hits.set(owner, (hits.get(owner) ?? 0) + (node.hitCount ?? 0));
    total += node.hitCount ?? 0;
  }
  console.log(`  ${label}:`);
  console.log(
    `    statements per press: ${statements.toFixed(1)} in ${transactions.toFixed(1)} transactions (target: about a dozen or fewer)`,
  );
  console.log(`    time per press, one at a time, under the profiler: ${wall.toFixed(2)} ms`);
  if (process.env.BENCH_SHAPES)
    for (const [sql, times] of [...counter.byShape].sort((a, b) => b[1] - a[1]).slice(0, 40))
      console.log(
        `      ${(times / count).toFixed(1)} × ${((1000 * (counter.msByShape.get(sql) ?? 0)) / times).toFixed(0).padStart(4)} µs ` +
          sql.replace(/\s+/g, " ").slice(0, 100),
      );
  if (process.env.BENCH_TOP) {
    const self = new Map<string, number>();
    for (const node of profile.nodes) {
      const key = `${node.callFrame.functionName || "(anon)"} ${node.callFrame.url.replace(/^.*\/(node_modules|src)\//, "$1/")}`;
      self.set(key, (self.get(key) ?? 0) + (node.hitCount ?? 0));
    }
    for (const [key, h] of [...self]
      .filter(([k]) => !process.env.BENCH_TOP_FILTER || k.includes(process.env.BENCH_TOP_FILTER))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25))
      console.log(`      ${((100 * h) / total).toFixed(1)}% ${key}`);
  }
  const shares = [...hits].sort((a, b) => b[1] - a[1]).map(([owner, h]) => `${owner} ${((100 * h) / total).toFixed(0)}%`);
  console.log(`    CPU while pressing (profile samples): ${shares.join(", ")}`);
}

export async function benchPressCost(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "sopbot-cost-"));
  const dialect = process.env.TEST_DATABASE_URL ? "PostgreSQL" : "SQLite";
  await setupTemplate();
  const counter = createStatementCounter();
  const app = await startBenchApp(dir, { statementCounter: counter });
  try {
    console.log(`press cost (${dialect}, 200 presses of SOP 13 each way):`);
    await openCases(app, 200, "Biaya");
    const presses = await nextPresses(app, { n: 0 });
    await measure("the press itself (the chat service: the case transaction)", counter, presses.length, async () => {
      for (const press of presses) await app.chat.handle(press);
    });
    // The whole path of a Telegram button: held, prechecked, answered, the case moved, its messages
    // sent (a Bot API that answers at once), released.
    await openCases(app, 200, "Tombol");
    const bot = app.telegram?.bot;
    if (!bot) throw new Error("no telegram");
    const buttons = await nextPresses(app, { n: 0 });
    let id = 70_000;
    await measure("the whole Telegram update (hold, precheck, press, sends, release)", counter, buttons.length, async () => {
      for (const p of buttons) {
        await bot.handleUpdate(callbackUpdate(Number(p.senderId), `a:${p.action?.token ?? ""}`, id++));
        await app.dispatcher.flush();
      }
    });
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) {
  benchPressCost().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
