// One instance at a time runs the scheduled jobs and holds the WhatsApp socket: the one holding the
// "leader" lease in the database. It renews the lease every third of its time to live; any other
// instance tries to take it at the same rhythm and succeeds once the lease has expired (its holder
// died or lost the database). A clean stop releases it at once.
//
// node-cron's run coordinator is built on the same leases: a scheduled fire runs only on the leader,
// and only if it also wins that fire's own lease ("run:<job>:<slot>"), so even the moment of a
// hand-over cannot run one fire twice.
import type { RunCoordinator } from "node-cron";
import type { Clock, LeasePort } from "../engine/ports.ts";

export const leaderKey = "leader";

export interface LeadershipOptions {
  leases: LeasePort;
  holder: string;
  ttlMs: number;
  clock: Clock;
  /** Became leader: start the jobs and the socket. */
  onGain(): Promise<void>;
  /** No longer leader (lost the lease, or stopping): stop them. */
  onLose(reason: "lost" | "stopping"): Promise<void>;
  onError(error: unknown): void;
  /** Each renewal round while leading (every third of the lease): sweeps such as orphaned outbox rows. */
  whileLeading?(): Promise<void>;
}

export interface Leadership {
  /** Tries at once (so a single instance leads before `start` returns), then keeps trying/renewing. */
  start(): Promise<void>;
  /** Stops renewing; a leader stops its jobs and releases the lease. */
  stop(): Promise<void>;
  isLeader(): boolean;
  readonly holder: string;
  /** node-cron's run coordinator: a fire runs on the leader, once. */
  coordinator: RunCoordinator;
  /** One round of renew/acquire (exposed for tests; the timer calls it). */
  round(): Promise<void>;
}

export function createLeadership(options: LeadershipOptions): Leadership {
  let leader = false;
  let lastRenewed = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;

  const transition = async (to: boolean, reason: "lost" | "stopping" = "lost") => {
    if (leader === to) return;
    leader = to;
    try {
      await (to ? options.onGain() : options.onLose(reason));
    } catch (error) {
      options.onError(error);
    }
  };

  const once = async () => {
    if (stopped) return;
    const now = options.clock.now();
    let held: boolean;
    try {
      held = await options.leases.acquire(leaderKey, options.holder, options.ttlMs, now);
    } catch (error) {
      options.onError(error);
      // Cannot reach the database: keep leading only while the lease we hold is surely still ours.
      held = leader && Date.now() - lastRenewed < options.ttlMs * 0.8;
    }
    if (held) lastRenewed = Date.now();
    await transition(held);
    if (held) {
      await options.leases.prune("run:", new Date(now.getTime() - 24 * 3_600_000)).catch(options.onError);
      // Not awaited: a long sweep must never delay the next renewal.
      void options.whileLeading?.().catch(options.onError);
    }
  };
  const round = () => {
    chain = chain.then(once);
    return chain;
  };

  return {
    holder: options.holder,
    isLeader: () => leader,
    round,
    async start() {
      await round();
      timer = setInterval(() => void round(), Math.max(200, Math.floor(options.ttlMs / 3)));
      timer.unref?.();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await chain;
      if (leader) {
        await transition(false, "stopping");
        await options.leases.release(leaderKey, options.holder).catch(options.onError);
      }
    },
    coordinator: {
      async shouldRun(key, ttlMs) {
        if (!leader) return false;
        return options.leases.acquire(`run:${key}`, options.holder, Math.max(ttlMs, 60_000), options.clock.now());
      },
    },
  };
}
