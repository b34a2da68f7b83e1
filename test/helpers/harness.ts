// Runs the whole bot in-process on a temporary SQLite file with a fake clock, driven through the
// console channel exactly as a person types. Each say() returns what the console printed for it.
import { rmSync } from "node:fs";
import path from "node:path";
import { PassThrough, Writable } from "node:stream";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { createApp, type App } from "../../src/app.ts";
import { verifyAuditChain } from "../../src/store/audit-verify.ts";
import { repoRoot } from "./run-bot.ts";
import { tempDir } from "./temp-db.ts";
import { newDatabaseUrl } from "./test-database.ts";

export class FakeClock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(at: Date | string): void {
    this.current = typeof at === "string" ? new Date(at) : at;
  }
  advanceMinutes(minutes: number): void {
    this.current = new Date(this.current.getTime() + minutes * 60_000);
  }
}

export interface Harness {
  app: App;
  clock: FakeClock;
  dir: string;
  /** DATABASE_URL of this harness's database (a SQLite file or a PostgreSQL database). */
  databaseUrl: string;
  /** Types a line into the console; returns what was printed because of it. */
  say(line: string): Promise<string>;
  /** Switches persona (/sebagai …) and returns the confirmation. */
  as(who: string): Promise<string>;
  /** Runs one scheduler tick; returns what was printed. */
  tick(): Promise<string>;
  transcript(): string;
  auditProblems(): Promise<string[]>;
  /** The app's log lines (JSON, level error and above) when started with captureLogs; else "". */
  logs(): string;
  /** Closes the app; restart() opens a new one on the same database (a process restart). */
  close(): Promise<void>;
  restart(): Promise<Harness>;
  cleanup(): Promise<void>;
}

/** WITA local time "2026-03-16 08:00" → Date. */
export const wita = (local: string) => new Date(`${local.replace(" ", "T")}:00+08:00`);

export async function startHarness(options: {
  now: Date;
  dir?: string;
  clock?: FakeClock;
  flowsDir?: string;
  secondsPerMessage?: number;
  demoStaff?: boolean;
  databaseUrl?: string;
  captureLogs?: boolean;
  /** More settings, as in .env (e.g. OFFICES). */
  env?: Record<string, string>;
}): Promise<Harness> {
  const dir = options.dir ?? tempDir();
  const databaseUrl = options.databaseUrl ?? (await newDatabaseUrl(dir));
  const clock = options.clock ?? new FakeClock(options.now);
  let printed = "";
  const output = new Writable({
    write(chunk, _enc, done) {
      printed += chunk.toString();
      done();
    },
  });
  let logged = "";
  const logSink = new Writable({
    write(chunk, _enc, done) {
      logged += chunk.toString();
      done();
    },
  });
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    FILES_DIR: path.join(dir, "files"),
    FLOWS_DIR: options.flowsDir ?? path.join(repoRoot, "flows"),
    LOG_LEVEL: "silent",
    DEMO_STAFF: options.demoStaff ? "true" : "false",
    ...options.env,
  });
  const app = await createApp({
    config,
    logger: options.captureLogs ? createLogger("error", logSink) : createLogger("silent"),
    clock,
    console: { input: new PassThrough(), output, interactive: false },
  });
  const consoleChannel = app.consoleChannel;
  if (!consoleChannel) throw new Error("console channel missing");
  const capture = async (fn: () => Promise<void>) => {
    const start = printed.length;
    await fn();
    return printed.slice(start);
  };
  const harness: Harness = {
    app,
    clock,
    dir,
    databaseUrl,
    say: (line) => {
      // A person takes a few seconds per message (keeps the public flood limit out of the way).
      if (options.secondsPerMessage) clock.advanceMinutes(options.secondsPerMessage / 60);
      return capture(() => consoleChannel.submit(line));
    },
    as: (who) => capture(() => consoleChannel.submit(`/sebagai ${who}`)),
    tick: () => capture(() => app.tick()),
    transcript: () => printed,
    auditProblems: async () => (await verifyAuditChain(app.db)).problems.map((p) => p.message),
    logs: () => logged,
    close: () => app.close(),
    restart: async () => {
      await app.close();
      return startHarness({
        now: clock.now(),
        dir,
        clock,
        databaseUrl,
        ...(options.flowsDir ? { flowsDir: options.flowsDir } : {}),
        ...(options.secondsPerMessage ? { secondsPerMessage: options.secondsPerMessage } : {}),
        ...(options.demoStaff ? { demoStaff: true } : {}),
        ...(options.captureLogs ? { captureLogs: true } : {}),
        ...(options.env ? { env: options.env } : {}),
      });
    },
    cleanup: async () => {
      await app.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** The case code of a case just opened: "Kasus 18-XXXXX dibuka", or the opener's own first task. */
export function caseCode(text: string): string {
  const match = /Kasus (\d{1,2}-[A-Z0-9]{5}) dibuka/.exec(text) ?? /Tugas baru — kasus (\d{1,2}-[A-Z0-9]{5})/.exec(text);
  if (!match?.[1]) throw new Error(`no case code in:\n${text}`);
  return match[1];
}
