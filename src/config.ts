// Configuration, built by one function from an environment map and validated with zod.
// Nothing reads the environment at import time; main.ts passes it to loadConfig().
import { createHmac } from "node:crypto";
import path from "node:path";
import { z } from "zod";

const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], {
    error: () => "expected true or false",
  })
  .transform((v) => ["true", "1", "yes", "on"].includes(v));

/** A bot token from @BotFather: the bot's numeric id, a colon, and its secret part. */
const botTokenPattern = /^\d{5,}:[A-Za-z0-9_-]{30,}$/;
const botTokenHint = "expected a token from @BotFather, like 123456789:AA…";

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^(file:.+|postgres(ql)?:\/\/.+)/, {
      error:
        'expected "file:<path to the SQLite file>" (e.g. file:./data/sopbot.db) or a PostgreSQL URL ' +
        '"postgres://user:password@host:5432/sopbot"',
    })
    .default("file:./data/sopbot.db"),
  LOG_LEVEL: z.enum(logLevels, { error: () => `expected one of ${logLevels.join(", ")}` }).default("info"),
  FLOWS_DIR: z.string().min(1).default("./flows"),
  CONSOLE: z.enum(["auto", "on", "off"], { error: () => "expected auto, on or off" }).default("auto"),
  DEMO_DATA: booleanFlag.default(true),
  DEMO_STAFF: booleanFlag.default(true),
  DEFAULT_OFFICE: z
    .string()
    .regex(/^[a-z0-9-]+$/, { error: "expected an office id from flows/offices, e.g. ntt-provinsi" })
    .default("ntt-provinsi"),
  // Offices applicants of this deployment may write to, comma-separated (DEFAULT_OFFICE is always
  // one of them). Several: the applicant chooses their office first (one bot shared by the province
  // and its kabupaten/kota offices).
  OFFICES: z
    .string()
    .regex(/^[a-z0-9-]+(,[a-z0-9-]+)*$/, {
      error: "expected office ids from flows/offices, comma-separated, e.g. ntt-provinsi,kota-kupang",
    })
    .optional(),
  ESCALATION_FACTOR: z.coerce
    .number({ error: "expected a number, e.g. 2 (escalate at twice the standard time)" })
    .min(1, { error: "expected a number of at least 1" })
    .max(10, { error: "expected a number of at most 10" })
    .default(2),
  PUBLIC_RATE_LIMIT: z.coerce
    .number({ error: "expected a number of messages per minute" })
    .int({ error: "expected a whole number" })
    .min(5)
    .max(1000)
    .default(30),
  ENROLMENT_CODE_HOURS: z.coerce
    .number({ error: "expected a number of hours" })
    .int({ error: "expected a whole number of hours" })
    .min(1)
    .max(336)
    .default(72),
  TELEGRAM_BOT_TOKEN: z.string().regex(botTokenPattern, { error: botTokenHint }).optional(),
  // Offices with a bot of their own: "office-id=token" pairs, comma-separated (checked in parseBotTokens).
  TELEGRAM_BOT_TOKENS: z.string().optional(),
  TELEGRAM_MODE: z.enum(["polling", "webhook"], { error: () => "expected polling or webhook" }).default("polling"),
  TELEGRAM_WEBHOOK_URL: z
    .url({ protocol: /^https$/, error: "expected the public https URL Telegram should call, e.g. https://bot.example.go.id/telegram" })
    .optional(),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, { error: "expected 16–256 characters of A–Z, a–z, 0–9, _ and -" })
    .optional(),
  TELEGRAM_WEBHOOK_PORT: z.coerce.number({ error: "expected a port number" }).int().min(1).max(65535).default(8080),
  TELEGRAM_API_ROOT: z.url({ error: "expected the URL of a Bot API server, e.g. http://127.0.0.1:8081" }).optional(),
  // Telegram's pace: about one message a second per chat and 30 a second overall, with a margin.
  // Only a self-hosted Bot API or a test stand-in with scaled limits calls for other values.
  // Longest a Bot API call may take before it is abandoned and retried (long polls ask for less).
  TELEGRAM_API_TIMEOUT_SECONDS: z.coerce.number({ error: "expected seconds" }).int().min(2).max(120).default(30),
  TELEGRAM_CHAT_GAP_MS: z.coerce.number({ error: "expected milliseconds" }).int().min(10).max(60_000).default(1100),
  TELEGRAM_GLOBAL_GAP_MS: z.coerce.number({ error: "expected milliseconds" }).int().min(0).max(10_000).default(35),
  WHATSAPP_ENABLED: booleanFlag.default(false),
  WHATSAPP_ACCOUNT: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/, { error: "expected a short lower-case name, e.g. dinas-ntt" })
    .default("default"),
  // Offices with a WhatsApp number of their own: "office-id=account" pairs, comma-separated (checked in parseWhatsAppAccounts).
  WHATSAPP_OFFICE_ACCOUNTS: z.string().optional(),
  WHATSAPP_CHAT_GAP_MS: z.coerce.number({ error: "expected milliseconds" }).int().min(500).max(60_000).default(1500),
  WHATSAPP_GLOBAL_GAP_MS: z.coerce.number({ error: "expected milliseconds" }).int().min(100).max(60_000).default(600),
  // The first retry of a failed send waits this long, each further one twice as long (at most 5 minutes).
  OUTBOX_RETRY_BASE_MS: z.coerce.number({ error: "expected milliseconds" }).int().min(10).max(600_000).default(2000),
  FILE_ENCRYPTION_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, { error: "expected 64 hex characters (32 bytes); make one with: openssl rand -hex 32" })
    .optional(),
  // Keys the files were encrypted with before a rotation (comma-separated, 64 hex each); needed until
  // `npm run files:rotate-key` has re-encrypted every file to FILE_ENCRYPTION_KEY.
  FILE_ENCRYPTION_OLD_KEYS: z
    .string()
    .regex(/^[0-9a-fA-F]{64}(,[0-9a-fA-F]{64})*$/, { error: "expected keys of 64 hex characters separated by commas" })
    .optional(),
  FILES_DIR: z.string().min(1).default("./data/files"),
  FILE_MAX_MB: z.coerce.number({ error: "expected a number of megabytes" }).int().min(1).max(2000).default(20),
  INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,64}$/, { error: "expected letters, digits, '.', '_', ':' or '-' (at most 64), e.g. bot-1" })
    .optional(),
  LEASE_TTL_MS: z.coerce
    .number({ error: "expected a number of milliseconds, e.g. 30000" })
    .int()
    .min(1_000, { error: "expected at least 1000 ms" })
    .max(600_000, { error: "expected at most 600000 ms" })
    .default(30_000),
  // Health and metrics endpoints (/healthz, /readyz, /metrics) for a load balancer, systemd or Prometheus:
  // off unless a port is set (0: any free port, logged at start).
  HEALTH_PORT: z.coerce.number({ error: "expected a port number (0 for any free port)" }).int().min(0).max(65535).optional(),
  HEALTH_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:-]{1,253}$/, { error: "expected an address to listen on, e.g. 127.0.0.1 (this host only) or 0.0.0.0" })
    .default("127.0.0.1"),
  SHUTDOWN_GRACE_MS: z.coerce.number({ error: "expected a number of milliseconds" }).int().min(0).max(120_000).default(10_000),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  /** A SQLite file (one instance) or a PostgreSQL database (one or several instances). */
  database: { provider: "sqlite"; file: string } | { provider: "postgres"; url: string };
  /** Local files of this instance: the console's downloads and the embedded default's file key. */
  dataDir: string;
  /** This instance's name in leases and outbox claims (several instances may share PostgreSQL). */
  instanceId: string | undefined;
  /** How long the leader lease lasts without renewal: the longest a dead leader's jobs stay idle. */
  leaseTtlMs: number;
  logLevel: (typeof logLevels)[number];
  flowsDir: string;
  console: "auto" | "on" | "off";
  demoData: boolean;
  demoStaff: boolean;
  defaultOffice: string;
  /** The offices applicants may write to, the default one first. */
  offices: string[];
  shutdownGraceMs: number;
  /** Where /healthz, /readyz and /metrics are served; null: not served. */
  health: { host: string; port: number } | null;
  escalationFactor: number;
  enrolmentCodeHours: number;
  /** Messages a chat that is not an official's may send per minute. */
  publicRateLimit: number;
  /** The first retry of a failed send waits this long; each further one twice as long. */
  outboxRetryBaseMs: number;
  telegram: {
    /** The shared bot (TELEGRAM_BOT_TOKEN) first when there is one, then each office's own bot. */
    bots: TelegramBotConfig[];
    mode: "polling" | "webhook";
    /** Webhook mode: the shared bot's URL and secret (each bot's own are in `bots`), and the one local port. */
    webhook: { url: string; secret: string; port: number } | null;
    apiRoot: string | null;
    pacing: { perChatMs: number; overallMs: number };
    apiTimeoutSeconds: number;
  } | null;
  files: { dir: string; key: Buffer | null; oldKeys: Buffer[]; maxBytes: number };
  whatsapp: {
    /** The shared number (WHATSAPP_ENABLED, WHATSAPP_ACCOUNT) first when it is on, then each office's own. */
    accounts: WhatsAppAccountConfig[];
    /** Each account's own pace per chat and overall. */
    chatGapMs: number;
    globalGapMs: number;
  } | null;
}

/** One linked WhatsApp number of the deployment. */
export interface WhatsAppAccountConfig {
  /** The office whose own number this is (WHATSAPP_OFFICE_ACCOUNTS); null: the shared number (WHATSAPP_ENABLED). */
  office: string | null;
  /** The name its session is stored under in the database (what `npm run wa:pair` paired). */
  account: string;
}

/** One Telegram bot of the deployment. */
export interface TelegramBotConfig {
  /** The office whose own bot this is (TELEGRAM_BOT_TOKENS); null: the shared bot (TELEGRAM_BOT_TOKEN). */
  office: string | null;
  token: string;
  /**
   * Webhook mode: where Telegram calls this bot and the secret it sends back. The shared bot keeps
   * TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET; an office's bot gets the URL's path plus
   * "/<office id>" and a secret derived from TELEGRAM_WEBHOOK_SECRET and the office id.
   */
  webhook: { url: string; secret: string } | null;
}

export class ConfigError extends Error {
  readonly retryable = false;
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * TELEGRAM_BOT_TOKENS ("kota-kupang=<token>,kota-batam=<token>"): each office's own bot. Problems
 * name the entry or the office, never a token.
 */
function parseBotTokens(
  raw: string | undefined,
  served: string[],
  sharedToken: string | undefined,
): { pairs: { office: string; token: string }[]; problems: string[] } {
  const pairs: { office: string; token: string }[] = [];
  const problems: string[] = [];
  const name = "TELEGRAM_BOT_TOKENS";
  if (raw === undefined) return { pairs, problems };
  raw
    .split(",")
    .map((e) => e.trim())
    .forEach((entry, i) => {
      const match = /^([a-z0-9-]+)\s*=\s*(\S+)$/.exec(entry);
      if (!match) {
        problems.push(`${name}: entry ${i + 1} is not office-id=token (e.g. kota-kupang=123456789:AA…, pairs separated by commas)`);
        return;
      }
      const [, office = "", token = ""] = match;
      if (!botTokenPattern.test(token)) problems.push(`${name}: the token of ${office}: ${botTokenHint}`);
      else if (!served.includes(office))
        problems.push(`${name}: office "${office}" is not served here; add it to OFFICES (served: ${served.join(", ")})`);
      else if (pairs.some((p) => p.office === office)) problems.push(`${name}: office "${office}" is given twice`);
      else pairs.push({ office, token });
    });
  // One bot per office: the same bot (its numeric id, whatever the token) may not serve two of them.
  const botId = (token: string) => token.split(":")[0];
  const seen = new Map<string, string>(sharedToken ? [[botId(sharedToken) ?? "", "TELEGRAM_BOT_TOKEN"]] : []);
  for (const p of pairs) {
    const other = seen.get(botId(p.token) ?? "");
    if (other) problems.push(`${name}: the bot of ${p.office} is the same bot as ${other}'s; each office needs a bot of its own`);
    else seen.set(botId(p.token) ?? "", p.office);
  }
  return { pairs, problems };
}

/**
 * WHATSAPP_OFFICE_ACCOUNTS ("kota-kupang=kupang,kota-batam=batam"): each office's own number, by the
 * account name its session is stored under. `shared`: the shared number's account when it is on.
 */
function parseWhatsAppAccounts(raw: string | undefined, served: string[], shared: string | null) {
  const pairs: { office: string; account: string }[] = [];
  const problems: string[] = [];
  const owner = new Map<string, string>(shared ? [[shared, "the shared number (WHATSAPP_ACCOUNT)"]] : []);
  for (const [i, entry] of (raw?.split(",") ?? []).map((e) => e.trim()).entries()) {
    const [, office = "", account = ""] = /^([a-z0-9-]+)\s*=\s*([a-z0-9-]{1,32})$/.exec(entry) ?? [];
    let problem: string | null = null;
    if (!office) problem = `entry ${i + 1} is not office-id=account (e.g. kota-kupang=kupang, pairs separated by commas)`;
    else if (!served.includes(office)) problem = `office "${office}" is not served here; add it to OFFICES (served: ${served.join(", ")})`;
    else if (pairs.some((p) => p.office === office)) problem = `office "${office}" is given twice`;
    else if (owner.has(account))
      problem = `the account "${account}" of ${office} is already ${owner.get(account)}'s; each number needs its own`;
    if (problem) problems.push(`WHATSAPP_OFFICE_ACCOUNTS: ${problem}`);
    else {
      pairs.push({ office, account });
      owner.set(account, office);
    }
  }
  return { pairs, problems };
}

/** An office bot's webhook: the shared URL's path plus "/<office>", and a secret of its own derived from the shared one. */
function officeWebhook(base: { url: string; secret: string }, office: string): { url: string; secret: string } {
  const url = new URL(base.url);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/${office}`;
  return { url: url.toString(), secret: createHmac("sha256", base.secret).update(`telegram-webhook:${office}`).digest("base64url") };
}

/**
 * Builds the configuration from an environment map (main.ts passes the process environment). Empty strings count
 * as unset. Throws ConfigError naming every bad variable and what is expected; values of
 * variables are never included in the message.
 */
export function loadConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join(".") || "(environment)";
        const missing = typeof issue.path[0] === "string" && !(issue.path[0] in cleaned);
        const message = missing ? "is required" : issue.message;
        return `${name}: ${message}`;
      }),
    );
  }
  const e = parsed.data;
  const offices = [...new Set([e.DEFAULT_OFFICE, ...(e.OFFICES?.split(",") ?? [])])];
  // Requirements that depend on other variables.
  const botTokens = parseBotTokens(e.TELEGRAM_BOT_TOKENS, offices, e.TELEGRAM_BOT_TOKEN);
  const waAccounts = parseWhatsAppAccounts(e.WHATSAPP_OFFICE_ACCOUNTS, offices, e.WHATSAPP_ENABLED ? e.WHATSAPP_ACCOUNT : null);
  const missing: string[] = [...botTokens.problems, ...waAccounts.problems];
  const whatsappOn = e.WHATSAPP_ENABLED || waAccounts.pairs.length > 0;
  const withoutNumber = offices.filter((id) => !waAccounts.pairs.some((p) => p.office === id));
  if (e.WHATSAPP_OFFICE_ACCOUNTS && !e.WHATSAPP_ENABLED && waAccounts.problems.length === 0 && withoutNumber.length > 0)
    missing.push(
      `WHATSAPP_ENABLED: expected true (the shared number) for the offices served without a number of their own ` +
        `(${withoutNumber.join(", ")}); or give each of them one in WHATSAPP_OFFICE_ACCOUNTS`,
    );
  const telegramOn = Boolean(e.TELEGRAM_BOT_TOKEN || e.TELEGRAM_BOT_TOKENS);
  const withoutBot = offices.filter((id) => !botTokens.pairs.some((p) => p.office === id));
  if (e.TELEGRAM_BOT_TOKENS && !e.TELEGRAM_BOT_TOKEN && botTokens.problems.length === 0 && withoutBot.length > 0)
    missing.push(
      `TELEGRAM_BOT_TOKEN: is required for the offices served without a bot of their own (${withoutBot.join(", ")}); ` +
        "or give each of them one in TELEGRAM_BOT_TOKENS",
    );
  if (telegramOn && !e.FILE_ENCRYPTION_KEY)
    missing.push(
      "FILE_ENCRYPTION_KEY: is required when TELEGRAM_BOT_TOKEN or TELEGRAM_BOT_TOKENS is set (documents are stored encrypted); " +
        "make one with: openssl rand -hex 32",
    );
  if (whatsappOn && !e.FILE_ENCRYPTION_KEY)
    missing.push(
      "FILE_ENCRYPTION_KEY: is required when WHATSAPP_ENABLED=true or WHATSAPP_OFFICE_ACCOUNTS is set (documents are stored " +
        "encrypted); make one with: openssl rand -hex 32",
    );
  if (telegramOn && e.TELEGRAM_MODE === "webhook") {
    if (!e.TELEGRAM_WEBHOOK_URL) missing.push("TELEGRAM_WEBHOOK_URL: is required when TELEGRAM_MODE=webhook");
    if (!e.TELEGRAM_WEBHOOK_SECRET) missing.push("TELEGRAM_WEBHOOK_SECRET: is required when TELEGRAM_MODE=webhook");
  }
  if (!e.TELEGRAM_API_ROOT && e.FILE_MAX_MB > 20)
    missing.push(
      "FILE_MAX_MB: expected at most 20 with the cloud Bot API (its download limit); set " +
        "TELEGRAM_API_ROOT to a self-hosted Bot API server for larger files",
    );
  if (e.HEALTH_PORT && telegramOn && e.TELEGRAM_MODE === "webhook" && e.HEALTH_PORT === e.TELEGRAM_WEBHOOK_PORT)
    missing.push("HEALTH_PORT: expected a port other than TELEGRAM_WEBHOOK_PORT");
  if (missing.length > 0) throw new ConfigError(missing);
  const webhook =
    e.TELEGRAM_MODE === "webhook" && e.TELEGRAM_WEBHOOK_URL && e.TELEGRAM_WEBHOOK_SECRET
      ? { url: e.TELEGRAM_WEBHOOK_URL, secret: e.TELEGRAM_WEBHOOK_SECRET, port: e.TELEGRAM_WEBHOOK_PORT }
      : null;
  const bots: TelegramBotConfig[] = [
    ...(e.TELEGRAM_BOT_TOKEN
      ? [{ office: null, token: e.TELEGRAM_BOT_TOKEN, webhook: webhook && { url: webhook.url, secret: webhook.secret } }]
      : []),
    ...botTokens.pairs.map((p) => ({ office: p.office, token: p.token, webhook: webhook && officeWebhook(webhook, p.office) })),
  ];
  return {
    database: e.DATABASE_URL.startsWith("file:")
      ? { provider: "sqlite", file: path.resolve(cwd, e.DATABASE_URL.slice("file:".length)) }
      : { provider: "postgres", url: e.DATABASE_URL },
    dataDir: e.DATABASE_URL.startsWith("file:")
      ? path.dirname(path.resolve(cwd, e.DATABASE_URL.slice("file:".length)))
      : path.resolve(cwd, "data"),
    instanceId: e.INSTANCE_ID,
    leaseTtlMs: e.LEASE_TTL_MS,
    logLevel: e.LOG_LEVEL,
    flowsDir: path.resolve(cwd, e.FLOWS_DIR),
    console: e.CONSOLE,
    demoData: e.DEMO_DATA,
    demoStaff: e.DEMO_STAFF,
    defaultOffice: e.DEFAULT_OFFICE,
    offices,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    health: e.HEALTH_PORT === undefined ? null : { host: e.HEALTH_HOST, port: e.HEALTH_PORT },
    escalationFactor: e.ESCALATION_FACTOR,
    enrolmentCodeHours: e.ENROLMENT_CODE_HOURS,
    publicRateLimit: e.PUBLIC_RATE_LIMIT,
    outboxRetryBaseMs: e.OUTBOX_RETRY_BASE_MS,
    telegram:
      bots.length > 0
        ? {
            bots,
            mode: e.TELEGRAM_MODE,
            webhook,
            apiRoot: e.TELEGRAM_API_ROOT ?? null,
            pacing: { perChatMs: e.TELEGRAM_CHAT_GAP_MS, overallMs: e.TELEGRAM_GLOBAL_GAP_MS },
            apiTimeoutSeconds: e.TELEGRAM_API_TIMEOUT_SECONDS,
          }
        : null,
    whatsapp: whatsappOn
      ? {
          accounts: [...(e.WHATSAPP_ENABLED ? [{ office: null, account: e.WHATSAPP_ACCOUNT }] : []), ...waAccounts.pairs],
          chatGapMs: e.WHATSAPP_CHAT_GAP_MS,
          globalGapMs: e.WHATSAPP_GLOBAL_GAP_MS,
        }
      : null,
    files: {
      dir: path.resolve(cwd, e.FILES_DIR),
      key: e.FILE_ENCRYPTION_KEY ? Buffer.from(e.FILE_ENCRYPTION_KEY, "hex") : null,
      oldKeys: (e.FILE_ENCRYPTION_OLD_KEYS?.split(",") ?? []).map((k) => Buffer.from(k, "hex")),
      maxBytes: e.FILE_MAX_MB * 1024 * 1024,
    },
  };
}
