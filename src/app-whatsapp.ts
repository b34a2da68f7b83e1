// WhatsApp wiring (part of the composition root). A deployment links one number or several: the shared
// number (WHATSAPP_ENABLED, WHATSAPP_ACCOUNT; applicants choose their office there when several are
// served) and each office's own (WHATSAPP_OFFICE_ACCOUNTS; its applicants reach that office without a
// choice). Each number is an account of its own: its session stored under its account name, its own
// socket, pace and inbox (held messages are replayed through the number they came to). The outbox's
// one WhatsApp sender picks the account from each row's chat id (whatsapp-chats.ts), and officials of
// an office with its own number are written to through it. The leader holds every account's socket.
import pino from "pino";
import type { WhatsAppAccountConfig, Config } from "./config.ts";
import { accountChatOf, accountNameOf, chatIdOn } from "./channels/whatsapp/whatsapp-chats.ts";
import type { WhatsAppChannel, WhatsAppSocketLike } from "./channels/whatsapp/whatsapp-channel.ts";
import { routeByAccount } from "./channels/whatsapp/whatsapp-router.ts";
import { errorInfo } from "./engine/error-info.ts";
import type { FilePort } from "./engine/file-ports.ts";
import { accountOfPlainChats, officeAccountRule, type AddressRule } from "./engine/official-addresses.ts";
import type { ChannelSender } from "./engine/outbox-dispatcher.ts";
import type { Clock } from "./engine/ports.ts";
import type { InboundMessage } from "./engine/types.ts";
import type { Logger } from "./logger.ts";
import type { Database } from "./store/database.ts";
import { createInboundHoldStore } from "./store/inbound-hold-store.ts";
import { createKeyValueStore } from "./store/key-value-store.ts";

type WhatsAppConfig = NonNullable<Config["whatsapp"]>;

/** One linked number of the deployment: its office (null: the shared number), its settings and its channel. */
export interface WhatsAppAccount {
  office: string | null;
  /** "whatsapp" or "whatsapp@<office>": its name in logs, readiness, metrics and held messages. */
  name: string;
  config: WhatsAppAccountConfig;
  channel: WhatsAppChannel;
}

export interface WhatsAppAccounts {
  accounts: WhatsAppAccount[];
  /** The account of chat ids that name no office: the shared number, else the default office's own. */
  main: WhatsAppAccount;
  /** The outbox's WhatsApp sender: each message through the number of its chat. */
  sender: ChannelSender;
  /** Whether this instance holds any account's socket (the leader does): only then are WhatsApp rows claimed here. */
  holding(): boolean;
  /** Starts every account's socket (the leader, on gaining the lease). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Test hooks, for every account: a socket stand-in (told which account it is for), media bytes, timers. */
export interface WhatsAppHooks {
  makeSocket?: (account: WhatsAppAccountConfig) => WhatsAppSocketLike;
  download?: (message: unknown) => Promise<Buffer>;
  schedule?: (fn: () => void, ms: number) => void;
}

/**
 * Officials of an office with a number of its own are written to through that number: their WhatsApp
 * address becomes "<jid>@<office>" (official-addresses.ts). Null when no office has one.
 */
export function officeNumberAddress(whatsapp: Config["whatsapp"]): AddressRule | null {
  const own = new Set((whatsapp?.accounts ?? []).flatMap((a) => (a.office ? [a.office] : [])));
  return officeAccountRule("whatsapp", own, (chatId) => accountChatOf(chatId).office, chatIdOn);
}

/** The command that pairs an account, as the admins are told when it is not (or no longer) linked. */
export function pairCommandOf(account: WhatsAppAccountConfig): string {
  return `npm run wa:pair -- ${account.office ? `--office ${account.office} ` : ""}<nomor telepon>`;
}

export interface WhatsAppAccountsDeps {
  whatsapp: WhatsAppConfig;
  defaultOffice: string;
  db: Database;
  instanceId: string;
  clock: Clock;
  logger: Logger;
  files: FilePort;
  /** The text of a message the bot sent on WhatsApp, by the id WhatsApp gave it (any account). */
  sentText(messageId: string): Promise<string | null>;
  receive(message: InboundMessage): Promise<void>;
  /** Tells an office's admins (its own number's office; the default office for the shared number). */
  notifyAdmins(text: string, officeId?: string): Promise<void>;
  hooks?: WhatsAppHooks;
}

export async function createWhatsAppAccounts(deps: WhatsAppAccountsDeps): Promise<WhatsAppAccounts> {
  const { whatsapp, clock, logger, hooks } = deps;
  const baileysLogger = pino({ level: "silent" });
  // Baileys is loaded only when WhatsApp is on: it is the largest library by resident memory.
  const { createWhatsAppChannel } = await import("./channels/whatsapp/whatsapp-channel.ts");
  const { createWhatsAppInbox } = await import("./channels/whatsapp/whatsapp-inbox.ts");
  const { default: makeWASocket, Browsers, downloadMediaMessage } = await import("@whiskeysockets/baileys");
  const holds = createInboundHoldStore(deps.db);
  const accounts = whatsapp.accounts.map((config): WhatsAppAccount => {
    const name = accountNameOf(config.office);
    const channel = createWhatsAppChannel({
      office: config.office,
      kv: createKeyValueStore(deps.db, config.account),
      makeSocket: hooks?.makeSocket
        ? () => (hooks.makeSocket as (a: WhatsAppAccountConfig) => WhatsAppSocketLike)(config)
        : (auth, socketOptions) =>
            makeWASocket({
              auth,
              logger: baileysLogger,
              browser: Browsers.ubuntu("sopbot"),
              markOnlineOnConnect: false,
              syncFullHistory: false,
              generateHighQualityLinkPreview: false,
              getMessage: socketOptions.getMessage,
            }) as unknown as WhatsAppSocketLike,
      download:
        (hooks?.download as ((m: unknown) => Promise<Buffer>) | undefined) ??
        ((m, ctx) =>
          downloadMediaMessage(
            m as Parameters<typeof downloadMediaMessage>[0],
            "buffer",
            {},
            ctx.reuploadRequest ? { logger: baileysLogger, reuploadRequest: ctx.reuploadRequest } : undefined,
          ) as Promise<Buffer>),
      sentText: deps.sentText,
      receive: (message) => deps.receive(message),
      files: deps.files,
      log: logger,
      now: () => clock.now(),
      notifyAdmins: (text) => deps.notifyAdmins(text, config.office ?? deps.defaultOffice),
      pairCommand: pairCommandOf(config),
      // Each number its own pacer: WhatsApp watches each account's sending on its own.
      pacing: { perChatMs: whatsapp.chatGapMs, overallMs: whatsapp.globalGapMs, jitterMs: 400 },
      inbox: createWhatsAppInbox(holds, deps.instanceId, () => clock.now(), logger, name),
      ...(hooks?.schedule ? { schedule: hooks.schedule } : {}),
    });
    return { office: config.office, name, config, channel };
  });
  const main = accountOfPlainChats(accounts, deps.defaultOffice);
  if (!main) throw new Error("no WhatsApp account configured");
  const held = (a: WhatsAppAccount) => a.channel.status() !== "idle" && a.channel.status() !== "stopped";
  return {
    accounts,
    main,
    // One number: its own sender, exactly as before several were possible.
    sender:
      accounts.length === 1
        ? main.channel.sender
        : routeByAccount(
            accounts.map((a) => ({ office: a.office, sender: a.channel.sender, held: () => held(a) })),
            deps.defaultOffice,
          ),
    holding: () => accounts.some(held),
    async start() {
      // Each account on its own: one that cannot connect (not paired) does not keep the others down.
      for (const a of accounts)
        await a.channel.start().catch((error: unknown) => logger.error({ account: a.name, ...errorInfo(error) }, "whatsapp start failed"));
    },
    async stop() {
      await Promise.all(accounts.map((a) => a.channel.stop()));
    },
  };
}
