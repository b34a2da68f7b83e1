// Starts the real bot as a child process the way `npm start` does: the compiled dist/main.js (the
// test run's global setup builds it when stale). Admin commands likewise run compiled.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams, type SpawnSyncReturns } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The compiled JavaScript of a source file: "src/cli/export.ts" → <repo>/dist/cli/export.js. */
export function compiled(source: string): string {
  return path.join(repoRoot, "dist", source.replace(/^src\//, "").replace(/\.ts$/, ".js"));
}

export interface BotRun {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Bots still running; killed when the test worker exits, so a failed or timed-out test leaves none behind. */
const running = new Set<ChildProcessWithoutNullStreams>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** The public webhook URL the process tests give the bot. */
export const webhookUrl = "https://bot.example.test/tg/hook";

/** The settings of a bot behind a webhook at `webhookUrl`, listening on `port`. */
export const webhookEnv = (secret: string, port?: number): Record<string, string> => ({
  TELEGRAM_MODE: "webhook",
  TELEGRAM_WEBHOOK_URL: webhookUrl,
  TELEGRAM_WEBHOOK_SECRET: secret,
  ...(port === undefined ? {} : { TELEGRAM_WEBHOOK_PORT: String(port) }),
});

export function spawnBot(env: Record<string, string>, cwd = repoRoot): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, [compiled("src/main.ts")], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_LEVEL: "warn", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

/** Feeds `lines` to the console and waits for the bot to exit when its input ends. */
export function runConsole(lines: string[], env: Record<string, string>, cwd?: string): Promise<BotRun> {
  const child = spawnBot(env, cwd);
  return collect(child, () => {
    child.stdin.end(lines.map((l) => `${l}\n`).join(""));
  });
}

export function collect(child: ChildProcessWithoutNullStreams, afterStart?: () => void): Promise<BotRun> {
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  afterStart?.();
  return new Promise((resolve) => {
    child.on("close", (code) => resolve({ stdout, stderr, code }));
  });
}

/** A TCP port free on loopback right now. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });

/** Runs an admin command (`src/cli/<file>`) as `npm run` does, with `env` (and PATH) only. */
export function runAdminCli(file: string, args: string[], env: Record<string, string>): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [compiled(`src/cli/${file}`), ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
  });
}

/** Issues an enrolment code with the admin CLI (`npm run officials -- code`); code is "" when refused. */
export function issueCode(
  env: Record<string, string>,
  name: string,
  office = "ntt-provinsi",
): { code: string; run: SpawnSyncReturns<string> } {
  const run = runAdminCli("officials.ts", ["code", "--office", office, "--name", name], env);
  return { code: /: ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(run.stdout)?.[1] ?? "", run };
}
