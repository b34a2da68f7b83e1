// Telegram wiring (part of the composition root). A deployment runs one bot or several: the shared
// bot (TELEGRAM_BOT_TOKEN; applicants choose their office there when several are served) and each
// office's own (TELEGRAM_BOT_TOKENS; its applicants reach that office without a choice). Each bot is
// a channel of its own with its own inbox (held updates are replayed through the bot they came to)
// and its own pace (Telegram's limits are per bot); the outbox's one Telegram sender picks the bot
// from each row's chat id (telegram-chats.ts), and officials of an office with its own bot are
// written to through that bot. In the process, every bot gets its command menus and its long
// polling (one runner per bot) or its webhook (one path and secret per bot on the one port).
import type { Transformer } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { App } from "./app.ts";
import { botChatOf, botNameOf, chatIdOn } from "./channels/telegram/telegram-chats.ts";
import { createTelegramChannel, type TelegramChannel } from "./channels/telegram/telegram-channel.ts";
import { createTelegramInbox, type TelegramInbox } from "./channels/telegram/telegram-inbox.ts";
import { routeByBot } from "./channels/telegram/telegram-router.ts";
import { startPolling, startWebhook, type TelegramRuntime } from "./channels/telegram/telegram-runtime.ts";
import type { Config, TelegramBotConfig } from "./config.ts";
import type { ChatService } from "./engine/chat/chat-service.ts";
import { errorInfo } from "./engine/error-info.ts";
import type { FilePort } from "./engine/file-ports.ts";
import { accountOfPlainChats, officeAccountRule, type AddressRule } from "./engine/official-addresses.ts";
import type { ChannelSender } from "./engine/outbox-dispatcher.ts";
import { systemClock, type Clock, type InboundHoldPort } from "./engine/ports.ts";
import type { InboundMessage } from "./engine/types.ts";
import type { Logger } from "./logger.ts";

type TelegramConfig = NonNullable<Config["telegram"]>;

/** One bot of the deployment: its office (null: the shared bot), its channel and its inbox. */
export interface TelegramBot {
  office: string | null;
  config: TelegramBotConfig;
  channel: TelegramChannel;
  inbox: TelegramInbox;
}

export interface TelegramBots {
  bots: TelegramBot[];
  /** The bot of chat ids that name no office: the shared bot, else the default office's own. */
  main: TelegramBot;
  /** The outbox's Telegram sender: each message through the bot of its chat. */
  sender: ChannelSender;
  /** Handles again what each bot held before `before` and never released, through that bot. */
  replayHeld(before: Date): Promise<number>;
}

/**
 * Officials of an office with a bot of its own are written to through that bot: their Telegram address
 * becomes "<user id>@<office>" (official-addresses.ts). Null when no office has one.
 */
export function officeBotAddress(telegram: Config["telegram"]): AddressRule | null {
  const own = new Set((telegram?.bots ?? []).flatMap((b) => (b.office ? [b.office] : [])));
  return officeAccountRule("telegram", own, (chatId) => botChatOf(chatId).office, chatIdOn);
}

export interface TelegramBotsDeps {
  telegram: TelegramConfig;
  defaultOffice: string;
  holds: InboundHoldPort;
  instanceId: string;
  clock: Clock;
  logger: Logger;
  files: FilePort;
  chat: Pick<ChatService, "precheckAction" | "isOfficial">;
  receive(message: InboundMessage): Promise<void>;
  /** Test hooks, for every bot: a known bot identity, a Bot API stand-in, pacing off. */
  hooks?: { botInfo?: UserFromGetMe; transformer?: Transformer; pacing?: null };
}

export function createTelegramBots(deps: TelegramBotsDeps): TelegramBots {
  const { telegram, clock, logger, hooks } = deps;
  const bots = telegram.bots.map((config): TelegramBot => {
    const inbox = createTelegramInbox(deps.holds, deps.instanceId, clock, logger, botNameOf(config.office));
    const channel = createTelegramChannel({
      token: config.token,
      office: config.office,
      apiRoot: telegram.apiRoot,
      ...(hooks?.botInfo ? { botInfo: hooks.botInfo } : {}),
      ...(hooks?.transformer ? { transformer: hooks.transformer } : {}),
      // Each bot its own pacer: Telegram counts messages per bot.
      pacing: hooks?.pacing === null ? null : { ...telegram.pacing, jitterMs: 0 },
      apiTimeoutSeconds: telegram.apiTimeoutSeconds,
      inbox,
      receive: (message) => deps.receive(message),
      precheck: (message) => deps.chat.precheckAction(message),
      isOfficial: (userId) => deps.chat.isOfficial("telegram", userId),
      files: deps.files,
      log: logger,
      now: () => clock.now(),
    });
    return { office: config.office, config, channel, inbox };
  });
  const main = accountOfPlainChats(bots, deps.defaultOffice);
  if (!main) throw new Error("no Telegram bot configured");
  return {
    bots,
    main,
    // One bot: its own sender, exactly as before several were possible.
    sender:
      bots.length === 1
        ? main.channel.sender
        : routeByBot(
            bots.map((b) => b.channel),
            deps.defaultOffice,
          ),
    async replayHeld(before) {
      let replayed = 0;
      for (const b of bots) replayed += await b.inbox.replay(b.channel.bot, before);
      return replayed;
    },
  };
}

/**
 * Starts every bot of a running app: the public command menu, the officials' menus (each on the bot
 * they are written to through), and long polling (a runner per bot, each replaying what its bot held
 * before a crash first; `onStopped` hears when one gives up) or the webhook server (a path per bot).
 * Resolves with what stops them all.
 */
export async function startTelegram(
  app: App,
  telegram: TelegramConfig,
  logger: Logger,
  onStopped: () => void,
  clock: Clock = systemClock,
): Promise<TelegramRuntime> {
  const warn = (e: unknown) => logger.warn(errorInfo(e), "setMyCommands failed");
  const bots = app.telegramBots;
  for (const b of bots) await b.channel.setPublicCommands().catch(warn);
  const officials = await app.db.prisma.chatIdentity.findMany({
    where: { channel: "telegram", officialId: { not: null } },
    select: { externalId: true, official: { select: { officeId: true } } },
  });
  const main = bots.find((b) => b.channel === app.telegram);
  const botOf = (officeId: string | undefined) => bots.find((b) => b.office !== null && b.office === officeId) ?? main;
  for (const b of bots) {
    const chats = officials.filter((o) => botOf(o.official?.officeId) === b).map((o) => o.externalId);
    if (chats.length > 0) await b.channel.setOfficialCommands(chats).catch(warn);
  }
  if (telegram.webhook) {
    const hooks = bots.flatMap((b) => (b.config.webhook ? [{ bot: b.channel.bot, ...b.config.webhook }] : []));
    return startWebhook(hooks, { port: telegram.webhook.port }, logger);
  }
  const runners: TelegramRuntime[] = [];
  for (const b of bots) {
    runners.push(
      await startPolling(b.channel.bot, {
        log: logger,
        onStopped,
        apiTimeoutSeconds: telegram.apiTimeoutSeconds,
        inbox: { inbox: b.inbox, clock },
      }),
    );
  }
  return {
    stop: async () => {
      await Promise.all(runners.map((r) => r.stop()));
    },
  };
}
