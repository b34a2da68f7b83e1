// Wires the health and metrics endpoints (src/ops) to a running app: the database's answers
// (src/store/ops-queries.ts), the channels' connections and the leader lease. main.ts starts it when
// HEALTH_PORT is set, before the channels connect, and closes it on the way out.
import type { App } from "./app.ts";
import { StartupError } from "./app-catalog.ts";
import { botNameOf } from "./channels/telegram/telegram-chats.ts";
import { watchTelegram } from "./channels/telegram/telegram-health.ts";
import type { WhatsAppChannel } from "./channels/whatsapp/whatsapp-channel.ts";
import type { Config } from "./config.ts";
import { errorInfo } from "./engine/error-info.ts";
import { systemClock, type Clock } from "./engine/ports.ts";
import type { Logger } from "./logger.ts";
import { startHealthServer, type HealthServer } from "./ops/health-server.ts";
import { addScrapeMetrics } from "./ops/metrics.ts";
import { checkReadiness, type Check } from "./ops/readiness.ts";
import { createOpsQueries } from "./store/ops-queries.ts";

export async function startOps(
  app: App,
  health: NonNullable<Config["health"]>,
  logger: Logger,
  clock: Clock = systemClock,
): Promise<HealthServer> {
  const queries = createOpsQueries(app.db);
  // Each Telegram bot is a check of its own: "telegram" (the shared bot), "telegram@<office>" (an office's own).
  const telegram = app.telegramBots.map((b) => [botNameOf(b.office), watchTelegram(b.channel.bot)] as const);
  const { whatsappAccounts, leadership } = app;
  // WhatsApp: each number a check of its own ("whatsapp", "whatsapp@<office>"), its socket on the
  // leader; another instance is ready without them.
  const whatsappState = (channel: WhatsAppChannel): Check => {
    if (!leadership.isLeader()) return { ok: true, state: "held by the leader" };
    const status = channel.status();
    return { ok: status === "open", state: status === "open" ? "connected" : status };
  };
  let lastScrapeWarning = 0;
  addScrapeMetrics(app.metrics.registry, {
    outboxBacklog: () => queries.outboxBacklog(),
    overdueSteps: (now) => queries.overdueSteps(now),
    officeIds: [...app.catalog.offices.keys()],
    isLeader: () => leadership.isLeader(),
    ...(whatsappAccounts.length > 0
      ? { whatsappConnected: () => whatsappAccounts.map((a) => ({ account: a.name, connected: a.channel.status() === "open" })) }
      : {}),
    now: () => clock.now(),
    onError: (error) => {
      if (Date.now() - lastScrapeWarning < 60_000) return;
      lastScrapeWarning = Date.now();
      logger.warn(errorInfo(error), "metrics: the database could not be read");
    },
  });
  const channels = (): Record<string, Check> => {
    const states: Record<string, Check | undefined> = {
      console: app.consoleChannel ? { ok: true, state: "running" } : undefined,
      ...Object.fromEntries(telegram.map(([name, health]) => [name, health.state()])),
      ...Object.fromEntries(whatsappAccounts.map((a) => [a.name, whatsappState(a.channel)])),
    };
    return Object.fromEntries(Object.entries(states).filter((e): e is [string, Check] => e[1] !== undefined));
  };
  try {
    const server = await startHealthServer({
      host: health.host,
      port: health.port,
      registry: app.metrics.registry,
      log: logger,
      readiness: () =>
        checkReadiness({
          ping: () => queries.ping(),
          missingMigrations: () => queries.missingMigrations(),
          channels,
          isLeader: () => leadership.isLeader(),
          instance: leadership.holder,
        }),
    });
    logger.info({ host: server.address.host, port: server.address.port }, "health endpoints listening: /healthz /readyz /metrics");
    return server;
  } catch (error) {
    const { errorCode } = errorInfo(error);
    throw new StartupError(`HEALTH_PORT ${health.port} on ${health.host} cannot be used (${errorCode ?? "error"}).`);
  }
}
