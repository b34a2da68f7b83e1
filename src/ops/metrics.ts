// The bot's Prometheus metrics (prom-client), on a registry of its own (several apps may live in one
// test process). The counters implement the engine's EngineMetrics port and count from the start;
// the gauges and Node's process metrics are added when /metrics is served, and the gauges read the
// database on a scrape, at most once per `cacheMs`. Labels are channels, offices and fixed
// vocabularies: no chat, person or case.
import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import { transitionKinds, type EngineMetrics } from "../engine/metrics-port.ts";
import type { ChannelName } from "../engine/types.ts";

const channels: ChannelName[] = ["console", "telegram", "whatsapp"];

export interface AppMetrics extends EngineMetrics {
  readonly registry: Registry;
}

/** The counters (cheap: in memory until scraped). */
export function createAppMetrics(): AppMetrics {
  const registry = new Registry();
  const registers = [registry];
  const received = new Counter({
    name: "sopbot_updates_received_total",
    help: "Messages (updates) received from chats, by channel",
    labelNames: ["channel"] as const,
    registers,
  });
  const transitions = new Counter({
    name: "sopbot_case_transitions_total",
    help: "Case transitions committed, by kind: case-opened, step-<decision>, case-<how it closed>",
    labelNames: ["kind"] as const,
    registers,
  });
  const sent = new Counter({
    name: "sopbot_messages_sent_total",
    help: "Messages sent (a combined message counts once), by channel",
    labelNames: ["channel"] as const,
    registers,
  });
  const failed = new Counter({
    name: "sopbot_send_failures_total",
    help: "Failed sends (retried later or parked), by channel and reason",
    labelNames: ["channel", "reason"] as const,
    registers,
  });
  // Known series start at 0, so a rate is defined from the first scrape.
  for (const channel of channels) {
    received.inc({ channel }, 0);
    sent.inc({ channel }, 0);
  }
  for (const kind of transitionKinds) transitions.inc({ kind }, 0);
  return {
    registry,
    received: (channel) => received.inc({ channel }),
    transition: (kind) => transitions.inc({ kind }),
    sent: (channel) => sent.inc({ channel }),
    sendFailed: (channel, reason) => failed.inc({ channel, reason }),
  };
}

export interface ScrapeSources {
  outboxBacklog(): Promise<{ pending: number; failed: number; oldestPendingAt: Date | null }>;
  overdueSteps(now: Date): Promise<Map<string, number>>;
  /** The offices served (each gets a series, 0 when nothing is overdue). */
  officeIds: string[];
  isLeader(): boolean;
  /** Only when WhatsApp is enabled: each linked number ("whatsapp", "whatsapp@<office>") and whether its socket is open here. */
  whatsappConnected?: () => { account: string; connected: boolean }[];
  now(): Date;
  /** A scrape could not read the database (its gauges read NaN meanwhile). */
  onError(error: unknown): void;
}

interface Snapshot {
  backlog: { pending: number; failed: number; oldestPendingAt: Date | null };
  overdue: Map<string, number>;
  at: Date;
}

/** Adds the gauges read on a scrape and Node's default process metrics to the registry. */
export function addScrapeMetrics(registry: Registry, sources: ScrapeSources, cacheMs = 5_000): void {
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  let cached: { until: number; snapshot: Promise<Snapshot | null> } | undefined;
  const snapshot = (): Promise<Snapshot | null> => {
    if (cached && Date.now() < cached.until) return cached.snapshot;
    const at = sources.now();
    const read = (async () => ({ backlog: await sources.outboxBacklog(), overdue: await sources.overdueSteps(at), at }))().catch(
      (error: unknown) => {
        sources.onError(error);
        return null;
      },
    );
    cached = { until: Date.now() + cacheMs, snapshot: read };
    return read;
  };

  new Gauge({
    name: "sopbot_outbox_pending_messages",
    help: "Messages in the outbox not sent yet (shared by all instances)",
    registers,
    async collect() {
      this.set((await snapshot())?.backlog.pending ?? NaN);
    },
  });
  new Gauge({
    name: "sopbot_outbox_oldest_pending_age_seconds",
    help: "Age of the oldest message not sent yet (0 when none waits)",
    registers,
    async collect() {
      const s = await snapshot();
      const oldest = s?.backlog.oldestPendingAt;
      this.set(!s ? NaN : oldest ? Math.max(0, (s.at.getTime() - oldest.getTime()) / 1000) : 0);
    },
  });
  new Gauge({
    name: "sopbot_outbox_failed_messages",
    help: "Messages given up and parked (npm run outbox:failed lists them)",
    registers,
    async collect() {
      this.set((await snapshot())?.backlog.failed ?? NaN);
    },
  });
  new Gauge({
    name: "sopbot_overdue_steps",
    help: "Open steps past their due time, by office (steps waiting for the applicant not counted)",
    labelNames: ["office"] as const,
    registers,
    async collect() {
      const s = await snapshot();
      this.reset();
      for (const office of new Set([...sources.officeIds, ...(s?.overdue.keys() ?? [])]))
        this.set({ office }, s ? (s.overdue.get(office) ?? 0) : NaN);
    },
  });
  new Gauge({
    name: "sopbot_leader",
    help: "1 when this instance holds the leader lease (runs the scheduled jobs and the WhatsApp socket)",
    registers,
    collect() {
      this.set(sources.isLeader() ? 1 : 0);
    },
  });
  const whatsappConnected = sources.whatsappConnected;
  if (whatsappConnected)
    new Gauge({
      name: "sopbot_whatsapp_connected",
      help: "1 when this instance's socket of a WhatsApp number is open (only the leader holds them), per account",
      labelNames: ["account"],
      registers,
      collect() {
        for (const { account, connected } of whatsappConnected()) this.set({ account }, connected ? 1 : 0);
      },
    });
}
