// How the Telegram bot receives updates: long polling through @grammyjs/runner (the default), or a
// webhook served on a local port behind the office's HTTPS proxy, checking the path and Telegram's
// secret token header.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createConcurrentSink, createRunner, createSource, createUpdateFetcher, type RunnerHandle } from "@grammyjs/runner";
import { webhookCallback, type Bot, type BotError } from "grammy";
import type { Update } from "grammy/types";
import { errorInfo } from "../../engine/error-info.ts";
import type { Clock, EventLog } from "../../engine/ports.ts";
import { API_TIMEOUT_SECONDS } from "./telegram-channel.ts";
import type { TelegramInbox } from "./telegram-inbox.ts";

export interface TelegramRuntime {
  stop(): Promise<void>;
}

const allowedUpdates = ["message", "callback_query"] as const;

/**
 * How long Telegram may hold one getUpdates call open. It must stay well under the client's
 * timeout (which also covers getUpdates): the runner's default of 30 s equals the default timeout,
 * so every quiet poll would be abandoned by the client just before Telegram answers, logged as an
 * error and retried. Two thirds of the timeout: 20 s of 30.
 */
export function longPollSeconds(apiTimeoutSeconds: number = API_TIMEOUT_SECONDS): number {
  return Math.max(1, Math.floor((apiTimeoutSeconds * 2) / 3));
}

export interface PollingOptions {
  log: EventLog;
  /** Hears when the runner gives up (after its 15 hours of retries). */
  onStopped?: (error: unknown) => void;
  apiTimeoutSeconds?: number;
  /** Holds each fetched batch before the next poll confirms it; replays what a crash left. */
  inbox?: { inbox: TelegramInbox; clock: Clock };
}

/**
 * Long polling through the runner's parts: updates are fetched while earlier ones are handled, and
 * fetching confirms everything fetched before, so each batch is held in the database first. Before
 * polling starts, what a crash left held is handled again. The runner's own console output is off
 * (it printed every failed poll with the request URL, token included); failures are logged by kind
 * in the channel's API transformer.
 */
export async function startPolling(bot: Bot, options: PollingOptions): Promise<TelegramRuntime> {
  const { log, inbox } = options;
  await bot.init();
  await bot.api.deleteWebhook();
  if (inbox) {
    const replayed = await inbox.inbox.replay(bot, inbox.clock.now());
    if (replayed > 0) log.info({ replayed }, "telegram updates held before a restart handled again");
  }
  const fetchUpdates = createUpdateFetcher(bot, {
    fetch: { allowed_updates: [...allowedUpdates], timeout: longPollSeconds(options.apiTimeoutSeconds ?? API_TIMEOUT_SECONDS) },
    silent: true,
  });
  const source = createSource<Update>({
    supply: async (batchSize, signal) => {
      const updates = await fetchUpdates(batchSize, signal);
      if (inbox) await inbox.inbox.holdFetched(updates);
      return updates;
    },
  });
  const sink = createConcurrentSink<Update, BotError>({ consume: (update) => bot.handleUpdate(update) }, async (error) => {
    try {
      await bot.errorHandler(error);
    } catch (failure) {
      log.error(errorInfo(failure), "telegram update failed outside the error boundary");
    }
  });
  const handle: RunnerHandle = createRunner(source, sink);
  handle.start();
  handle.task()?.catch((error: unknown) => {
    log.error(errorInfo(error), "telegram long polling stopped");
    options.onStopped?.(error);
  });
  log.info({ bot: bot.botInfo.username }, "telegram long polling started");
  return {
    stop: async () => {
      if (handle.isRunning()) await handle.stop();
    },
  };
}

/** A bot served by the webhook server: Telegram calls `url` (its path is served here) with `secret` in a header. */
export interface WebhookBot {
  bot: Bot;
  url: string;
  secret: string;
}

/**
 * One webhook server on one port for every bot of the deployment: each bot has a path of its own
 * (the path of its URL) and a secret of its own; a POST elsewhere gets 404, one without the path's
 * secret 401. Each bot's webhook is registered with Telegram once the server listens.
 */
export async function startWebhook(
  hooks: WebhookBot[],
  options: { port: number; host?: string },
  log: EventLog,
): Promise<TelegramRuntime & { server: Server }> {
  const byPath = new Map<string, (req: IncomingMessage, res: ServerResponse) => Promise<unknown>>();
  for (const hook of hooks) {
    await hook.bot.init();
    const path = new URL(hook.url).pathname;
    if (byPath.has(path)) throw new Error(`two bots on one webhook path: ${path}`);
    byPath.set(path, webhookCallback(hook.bot, "http", { secretToken: hook.secret, onTimeout: "return", timeoutMilliseconds: 9_000 }));
  }
  const server = createServer((req, res) => {
    const handle = req.method === "POST" ? byPath.get((req.url ?? "").split("?")[0] ?? "") : undefined;
    if (!handle) {
      res.writeHead(404).end();
      return;
    }
    handle(req, res).catch((error: unknown) => {
      log.error(errorInfo(error), "telegram webhook request failed");
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host ?? "0.0.0.0", resolve));
  for (const hook of hooks) {
    await hook.bot.api.setWebhook(hook.url, { secret_token: hook.secret, allowed_updates: [...allowedUpdates] });
    log.info({ bot: hook.bot.botInfo.username, port: options.port, path: new URL(hook.url).pathname }, "telegram webhook listening");
  }
  return {
    server,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
