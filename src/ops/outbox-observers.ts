// What hears the outbox dispatcher's outcomes: the log (a failed send by its kind and codes, a
// message given up) and the metrics (sends and failed sends by channel and reason).
import { errorInfo } from "../engine/error-info.ts";
import type { EngineMetrics } from "../engine/metrics-port.ts";
import { SendFailure, type DispatcherOptions } from "../engine/outbox-dispatcher.ts";
import type { EventLog } from "../engine/ports.ts";

export function outboxObservers(log: EventLog, metrics: EngineMetrics): Pick<DispatcherOptions, "onError" | "onGiveUp" | "metrics"> {
  return {
    metrics,
    onError: (row, error) =>
      log.warn(
        { outboxId: row.id, channel: row.channel, ...errorInfo(error), ...(error instanceof SendFailure ? { reason: error.message } : {}) },
        "send failed",
      ),
    onGiveUp: (row, reason) =>
      log.error(
        { outboxId: row.id, channel: row.channel, attempts: row.attempts + 1, reason },
        "message given up: parked for npm run outbox:failed",
      ),
  };
}
