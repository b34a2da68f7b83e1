// node-cron wiring only. One job a minute runs the engine's tick (deadlines, delegations, morning
// digests, outbox retries). Every job computes from stored rows and is idempotent, so it also runs
// once at start-up to catch up on whatever fell due while the bot was down: node-cron itself never
// runs a missed slot.
import cron from "node-cron";

export interface SchedulerDeps {
  tick(): Promise<void>;
  onError(error: unknown): void;
}

export interface Scheduler {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  let task: ReturnType<typeof cron.schedule> | undefined;
  let running: Promise<void> = Promise.resolve();
  const runTick = () => {
    running = running.then(deps.tick).catch(deps.onError);
    return running;
  };
  return {
    async start() {
      await runTick();
      task = cron.schedule("* * * * *", () => void runTick(), { noOverlap: true, name: "sopbot-tick" });
    },
    async stop() {
      await task?.stop();
      await running;
    },
  };
}
