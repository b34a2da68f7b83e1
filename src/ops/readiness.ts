// Whether this instance can do its work now, for /readyz: the database answers, it has every
// migration this version knows, and each configured channel is connected. Which instance leads is
// reported, not required (any instance takes messages; only the leader runs the jobs and WhatsApp).
import { errorInfo, type ErrorInfo } from "../engine/error-info.ts";

/** One condition: ok or not, and a few words on its state (no message of an error, no personal data). */
export type Check = { ok: boolean; state: string } & Partial<ErrorInfo>;

export interface ReadinessSources {
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  /** Migrations of this version the database lacks. */
  missingMigrations(): Promise<string[]>;
  /** The configured channels' states, by channel name. */
  channels(): Record<string, Check>;
  isLeader(): boolean;
  instance: string;
  /** Longest the database may take to answer before it counts as unreachable (default 2 s). */
  timeoutMs?: number;
}

export interface Readiness {
  status: "ready" | "not ready";
  /** The checks that failed, by name ("database", "migrations", "telegram" …). */
  notReady: string[];
  checks: Record<string, Check>;
  leader: boolean;
  instance: string;
}

class Timeout extends Error {
  override readonly name = "Timeout";
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function checkReadiness(sources: ReadinessSources): Promise<Readiness> {
  const ms = sources.timeoutMs ?? 2_000;
  const checks: Record<string, Check> = {};
  try {
    await within(sources.ping(), ms);
    checks["database"] = { ok: true, state: "reachable" };
    try {
      const missing = await within(sources.missingMigrations(), ms);
      checks["migrations"] = missing.length === 0 ? { ok: true, state: "applied" } : { ok: false, state: `missing: ${missing.join(", ")}` };
    } catch (error) {
      checks["migrations"] = { ok: false, state: "unreadable", ...errorInfo(error) };
    }
  } catch (error) {
    checks["database"] = { ok: false, state: error instanceof Timeout ? "no answer" : "unreachable", ...errorInfo(error) };
    checks["migrations"] = { ok: false, state: "unknown" };
  }
  Object.assign(checks, sources.channels());
  const notReady = Object.entries(checks)
    .filter(([, c]) => !c.ok)
    .map(([name]) => name);
  return {
    status: notReady.length === 0 ? "ready" : "not ready",
    notReady,
    checks,
    leader: sources.isLeader(),
    instance: sources.instance,
  };
}
