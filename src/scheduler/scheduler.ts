// node-cron wiring only. One job a minute runs the engine's tick (deadlines, delegations, morning
// digests, outbox retries). Every job computes from stored rows and is idempotent, so it also runs
// once at start-up to catch up on whatever fell due while the bot was down: node-cron itself never
// runs a missed slot.
import cron, { type RunCoordinator } from "node-cron";

export interface DailyJob {
  name: string;
  /** A cron expression, e.g. "30 7 * * *" for 07:30. */
  at: string;
  /** The office's IANA time zone, e.g. Asia/Makassar. */
  timezone: string;
  run(): Promise<void>;
}

export interface SchedulerDeps {
  tick(): Promise<void>;
  /** Jobs at a fixed local time in an office's own time zone (staff deadlines at 07:30). */
  daily?: DailyJob[];
  onError(error: unknown): void;
  /** With several instances: decides which one runs each fire (see leadership.ts). */
  coordinator?: RunCoordinator;
}

export interface Scheduler {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  let task: ReturnType<typeof cron.schedule> | undefined;
  const dailyTasks: ReturnType<typeof cron.schedule>[] = [];
  let running: Promise<void> = Promise.resolve();
  const runTick = () => {
    running = running.then(deps.tick).catch(deps.onError);
    return running;
  };
  const coordination = deps.coordinator ? { distributed: true, runCoordinator: deps.coordinator, distributedLease: 60_000 } : {};
  return {
    async start() {
      if (task) return;
      task = cron.schedule("* * * * *", () => void runTick(), { noOverlap: true, name: "sopbot-tick", ...coordination });
      for (const job of deps.daily ?? []) {
        dailyTasks.push(
          cron.schedule(
            job.at,
            () => {
              running = running.then(job.run).catch(deps.onError);
            },
            { name: job.name, timezone: job.timezone, noOverlap: true, ...coordination },
          ),
        );
      }
      // Catch up on whatever fell due while no instance ran the jobs (after the tasks exist, so a
      // stop during this run also stops them).
      await runTick();
    },
    async stop() {
      await task?.destroy();
      task = undefined;
      for (const t of dailyTasks.splice(0)) await t.destroy();
      await running;
    },
  };
}
