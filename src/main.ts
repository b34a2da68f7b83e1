// Composition root: the only file that wires configuration, flows, store, engine, scheduler and
// channels. With no tokens configured the bot starts on its embedded default: a SQLite file and the
// console chat with demo data. Tests build the same app in-process with createApp().
import { existsSync } from "node:fs";
import { createConsoleChannel, type ConsoleChannel } from "./channels/console/console-channel.ts";
import { createTelegramChannel, type TelegramChannel } from "./channels/telegram/telegram-channel.ts";
import { createTelegramInbox, type TelegramInbox } from "./channels/telegram/telegram-inbox.ts";
import { startPolling, startWebhook, type TelegramRuntime } from "./channels/telegram/telegram-runtime.ts";
import type { Transformer } from "grammy";
import type { WhatsAppChannel, WhatsAppSocketLike } from "./channels/whatsapp/whatsapp-channel.ts";
import { createKeyValueStore } from "./store/key-value-store.ts";
import pino from "pino";
import type { UserFromGetMe } from "grammy/types";
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { buildCatalog, formatProblem, type Catalog } from "./domain/catalog.ts";
import { createCaseEngine, type CaseEngine } from "./engine/case-engine.ts";
import { createApplicantService } from "./engine/applicant-service.ts";
import { createChatService, type ChatService } from "./engine/chat/chat-service.ts";
import { createOutboxDispatcher, SendFailure, type OutboxDispatcher } from "./engine/outbox-dispatcher.ts";
import { errorInfo, stackFrames } from "./engine/error-info.ts";
import { systemClock, type Clock } from "./engine/ports.ts";
import type { InboundMessage } from "./engine/types.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createScheduler, type Scheduler } from "./scheduler/scheduler.ts";
import { createConsolePersonas } from "./store/console-personas.ts";
import { openDatabase, type Database } from "./store/database.ts";
import { seedDemoEmployees, seedDemoOfficials } from "./store/demo-seed.ts";
import { createDirectoryStore, syncOffices } from "./store/directory-store.ts";
import { createEngineStore } from "./store/engine-store.ts";
import { readFlows } from "./store/flow-reader.ts";
import { MigrationError } from "./store/migrator.ts";
import { createOutboxStore } from "./store/outbox-store.ts";
import { sealAuditChains } from "./store/audit-chain.ts";
import { createInboundHoldStore } from "./store/inbound-hold-store.ts";
import { workCalendarsOf } from "./store/work-calendar.ts";
import { createStaffService, type StaffService } from "./engine/staff-service.ts";
import { localDate, isOfficeTime } from "./domain/working-time.ts";
import { createFileStore, localFileKey } from "./store/file-store.ts";
import { renderSopChart } from "./domain/sop-chart.ts";
import { renderPng } from "./store/png-renderer.ts";
import { toXlsx } from "./store/exporter.ts";
import { sendWeeklyReportIn } from "./engine/report-service.ts";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { FilePort } from "./engine/file-ports.ts";
import { createLeadership, type Leadership } from "./scheduler/leadership.ts";
import { createLeaseStore } from "./store/lease-store.ts";
import { classifyStorageError } from "./store/storage-errors.ts";

export class StartupError extends Error {}

export async function loadCatalog(config: Config): Promise<Catalog> {
  const { catalog, problems } = buildCatalog(await readFlows(config.flowsDir));
  if (problems.length > 0) {
    throw new StartupError(
      `The flow files have ${problems.length} problem(s); fix them and start again (npm run flows:check lists them):\n${problems
        .slice(0, 50)
        .map((p) => `  ${formatProblem(p)}`)
        .join("\n")}`,
    );
  }
  if (!catalog.offices.has(config.defaultOffice)) {
    throw new StartupError(
      `DEFAULT_OFFICE: no office "${config.defaultOffice}" in flows/offices (known: ${[...catalog.offices.keys()].join(", ")}).`,
    );
  }
  return catalog;
}

export interface AppOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  console?: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; interactive: boolean };
  /** Test hooks for the Telegram channel: a known bot identity and a Bot API stand-in. */
  telegram?: { botInfo?: UserFromGetMe; transformer?: Transformer; pacing?: null };
  /** Test hooks for WhatsApp: a socket stand-in fed with recorded events, and media bytes. */
  whatsapp?: { makeSocket?: () => WhatsAppSocketLike; download?: (message: unknown) => Promise<Buffer>; schedule?: (fn: () => void, ms: number) => void };
  /** Tests and benchmarks: every inbound message waits until what it caused has been sent. */
  awaitDelivery?: boolean;
}

export interface App {
  db: Database;
  catalog: Catalog;
  engine: CaseEngine;
  chat: ChatService;
  dispatcher: OutboxDispatcher;
  scheduler: Scheduler;
  /** Whether this instance runs the scheduled jobs and the WhatsApp socket (a lease in the database). */
  leadership: Leadership;
  consoleChannel: ConsoleChannel | undefined;
  telegram: TelegramChannel | undefined;
  /** Telegram updates held from arrival until handled (replayed after a crash). */
  telegramInbox: TelegramInbox | undefined;
  whatsapp: WhatsAppChannel | undefined;
  staff: StaffService;
  files: FilePort | undefined;
  /** Handles one inbound message and sends what it caused. */
  receive(message: InboundMessage): Promise<void>;
  /** One scheduler tick: delegations, deadlines, digests, outbox. */
  tick(): Promise<void>;
  close(): Promise<void>;
}

/** A held update not released after this long was cut short by its instance's death. */
const HELD_UPDATE_STALE_MS = 2 * 60_000;

export async function createApp(options: AppOptions): Promise<App> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const catalog = await loadCatalog(config);
  const db = await openDatabase({ target: config.database });
  if (db.migration.applied.length > 0) logger.info({ applied: db.migration.applied }, "database migrated");
  await syncOffices(db, catalog.offices.values());
  if (config.demoData) {
    const seeded = await seedDemoOfficials(db, config.defaultOffice, new Date("2025-01-02T00:00:00Z"));
    if (seeded.created > 0) logger.info({ officials: seeded.created, skippedPositions: seeded.skippedPositions }, "demo officials seeded");
    if (config.demoStaff) {
      const employees = await seedDemoEmployees(db, config.defaultOffice, localDate(clock.now(), workCalendarsOf(catalog)(config.defaultOffice).timeZone));
      if (employees > 0) logger.info({ employees }, "demo employees seeded");
    }
  }

  // Console-only (the embedded default) may run without FILE_ENCRYPTION_KEY: a local key is made.
  const fileKey = config.files.key ?? (!config.telegram && !config.whatsapp ? localFileKey(path.join(config.dataDir, ".file-key")) : null);
  const files = fileKey ? createFileStore(db, { dir: config.files.dir, key: fileKey, maxBytes: config.files.maxBytes }) : undefined;
  const store = createEngineStore(db);
  const calendar = workCalendarsOf(catalog);
  const engine = createCaseEngine({
    store,
    clock,
    office: (id) => catalog.offices.get(id)?.office,
    sop: (n) => {
      const s = catalog.sops.get(n);
      return s ? { sop: s.value, hash: s.hash, text: s.text } : undefined;
    },
    calendar,
    escalationFactor: config.escalationFactor,
  });
  const directory = createDirectoryStore(db);
  const staff = createStaffService({
    store,
    engine,
    clock,
    office: (id) => catalog.offices.get(id)?.office,
    calendar,
    sopActors: (n) => catalog.sops.get(n)?.value.actors ?? [],
  });
  const applicants = createApplicantService({
    engine,
    clock,
    forms: () => [...catalog.forms.values()].map((f) => ({ form: f.value, hash: f.hash })),
    calendar,
    defaultOfficeId: config.defaultOffice,
  });
  const chat = createChatService({
    store,
    engine,
    applicants,
    staff,
    directory,
    clock,
    defaultOfficeId: config.defaultOffice,
    enrolmentTtlHours: config.enrolmentCodeHours,
    publicRateLimit: config.publicRateLimit,
    sopTitle: (n) => catalog.sops.get(n)?.value.title,
    sopChart: (n, officeId) => {
      const sop = catalog.sops.get(n)?.value;
      if (!sop) return [];
      const pages = renderSopChart(sop, { subtitle: catalog.offices.get(officeId)?.office.name ?? sop.unit.join(" / ") });
      return pages.map((p, i) => ({ name: `sop-${String(n).padStart(2, "0")}${pages.length > 1 ? `-${i + 1}` : ""}.png`, png: renderPng(p.svg) }));
    },
    ...(files ? { files } : {}),
    renderPng,
    toXlsx,
    calendar,
    sopStartKind: (n) => catalog.sops.get(n)?.value.start.kind,
    sopCount: Math.max(...catalog.sops.keys()),
  });

  // SQLite serves one instance: after a crash the restarted process is the same instance and takes
  // its lease and claims back at once. On PostgreSQL each process is its own instance.
  const instanceId = config.instanceId ?? (db.provider === "sqlite" ? "single" : `${hostname()}-${process.pid}-${randomBytes(2).toString("hex")}`);
  let consoleChannel: ConsoleChannel | undefined;
  let telegram: TelegramChannel | undefined;
  const telegramInbox = config.telegram ? createTelegramInbox(createInboundHoldStore(db), instanceId, clock, logger) : undefined;
  let receiveRef: (message: InboundMessage) => Promise<void> = async () => undefined;
  if (config.telegram) {
    if (!files) throw new StartupError("FILE_ENCRYPTION_KEY is required for the Telegram channel.");
    telegram = createTelegramChannel({
      token: config.telegram.token,
      apiRoot: config.telegram.apiRoot,
      ...(options.telegram?.botInfo ? { botInfo: options.telegram.botInfo } : {}),
      ...(options.telegram?.transformer ? { transformer: options.telegram.transformer } : {}),
      pacing: options.telegram?.pacing === null ? null : { ...config.telegram.pacing, jitterMs: 0 },
      apiTimeoutSeconds: config.telegram.apiTimeoutSeconds,
      ...(telegramInbox ? { inbox: telegramInbox } : {}),
      receive: (message) => receiveRef(message),
      precheck: (message) => chat.precheckAction(message),
      isOfficial: (userId) => chat.isOfficial("telegram", userId),
      files,
      log: logger,
      now: () => clock.now(),
    });
  }
  const outboxStore = createOutboxStore(db);
  let whatsapp: WhatsAppChannel | undefined;
  if (config.whatsapp) {
    if (!files) throw new StartupError("FILE_ENCRYPTION_KEY is required for the WhatsApp channel.");
    const baileysLogger = pino({ level: "silent" });
    // Baileys is loaded only when WhatsApp is on: it is the largest library by resident memory.
    const { createWhatsAppChannel } = await import("./channels/whatsapp/whatsapp-channel.ts");
    const { createWhatsAppInbox } = await import("./channels/whatsapp/whatsapp-inbox.ts");
    const { default: makeWASocket, Browsers, downloadMediaMessage } = await import("@whiskeysockets/baileys");
    whatsapp = createWhatsAppChannel({
      kv: createKeyValueStore(db, config.whatsapp.account),
      makeSocket:
        options.whatsapp?.makeSocket ??
        ((auth, socketOptions) =>
          makeWASocket({
            auth,
            logger: baileysLogger,
            browser: Browsers.ubuntu("sopbot"),
            markOnlineOnConnect: false,
            syncFullHistory: false,
            generateHighQualityLinkPreview: false,
            getMessage: socketOptions.getMessage,
          }) as unknown as WhatsAppSocketLike),
      download:
        (options.whatsapp?.download as ((m: unknown) => Promise<Buffer>) | undefined) ??
        ((m, ctx) =>
          downloadMediaMessage(m as Parameters<typeof downloadMediaMessage>[0], "buffer", {}, ctx.reuploadRequest ? { logger: baileysLogger, reuploadRequest: ctx.reuploadRequest } : undefined) as Promise<Buffer>),
      sentText: (messageId) => outboxStore.sentText("whatsapp", messageId),
      receive: (message) => receiveRef(message),
      files,
      log: logger,
      now: () => clock.now(),
      notifyAdmins: (text) => notifyAdmins(text),
      pacing: { perChatMs: config.whatsapp.chatGapMs, overallMs: config.whatsapp.globalGapMs, jitterMs: 400 },
      inbox: createWhatsAppInbox(createInboundHoldStore(db), instanceId, () => clock.now(), logger),
      ...(options.whatsapp?.schedule ? { schedule: options.whatsapp.schedule } : {}),
    });
  }
  const dispatcher = createOutboxDispatcher({
    outbox: outboxStore,
    clock,
    holder: instanceId,
    // A dead instance's claimed rows wait this long before another instance sends them.
    claimMs: 2 * config.leaseTtlMs,
    // WhatsApp rows go out only from the instance holding the socket (the leader).
    canSend: (channel) => channel !== "whatsapp" || (whatsapp !== undefined && whatsapp.status() !== "idle" && whatsapp.status() !== "stopped"),
    senders: {
      console: { send: (message) => (consoleChannel ? consoleChannel.deliver(message) : Promise.resolve()) },
      ...(telegram ? { telegram: telegram.sender } : {}),
      ...(whatsapp ? { whatsapp: whatsapp.sender } : {}),
    },
    onError: (row, error) => logger.warn({ outboxId: row.id, channel: row.channel, ...errorInfo(error), ...(error instanceof SendFailure ? { reason: error.message } : {}) }, "send failed"),
    onGiveUp: (row, reason) => logger.error({ outboxId: row.id, channel: row.channel, attempts: row.attempts + 1, reason }, "message given up: parked for npm run outbox:failed"),
  });

  const receive = async (message: InboundMessage) => {
    await chat.handle(message);
    // The message is recorded. Sending what it caused is the outbox's job: a failure there is
    // retried there and must never reach the sender as "not recorded".
    const sending = dispatcher.flush().then(
      () => undefined,
      (error: unknown) => logger.warn(errorInfo(error), "outbox pass failed; its rows are retried"),
    );
    // Chat platforms pace their sends (Telegram about 1/s per chat), and an update must not wait
    // for that. The console (a person at a terminal, unpaced) waits for its replies.
    if (message.channel === "console" || options.awaitDelivery) await sending;
  };
  receiveRef = receive;
  /** Tells the office's admins on any channel but WhatsApp (used when WhatsApp itself is down). */
  const notifyAdmins = async (text: string) => {
    await store.transaction(async (tx) => {
      for (const admin of (await tx.officialsOfOffice(config.defaultOffice)).filter((o) => o.isAdmin)) {
        const address = (await tx.addressesOf(admin.id)).find((a) => a.channel !== "whatsapp");
        if (address) await tx.enqueue({ ...address, text, dedupeKey: `admin:${admin.id}:${text}:${clock.now().toISOString().slice(0, 13)}` }, clock.now());
      }
    });
    await dispatcher.flush();
  };
  const officeIds = [...catalog.offices.keys()];
  // Offices whose register is scanned here: those with employees (checked cheaply per run).
  const lastStaffScan = new Map<string, string>();
  const scanStaff = async (officeId: string) => {
    const today = localDate(clock.now(), calendar(officeId).timeZone);
    if (!isOfficeTime(clock.now(), calendar(officeId))) return;
    const outcome = await staff.scanOffice(officeId);
    lastStaffScan.set(officeId, today);
    if (outcome.opened + outcome.reminded > 0) logger.info({ office: officeId, ...outcome }, "staff deadlines run");
  };
  const weekly = async (officeId: string) => {
    const office = catalog.offices.get(officeId)?.office;
    if (!office) return;
    await store.transaction((tx) => sendWeeklyReportIn(tx, { officeId, officeName: office.shortName, now: clock.now(), calendar: calendar(officeId), renderPng, ...(files ? { files } : {}) }));
  };
  const tick = async () => {
    await engine.applyDelegations(officeIds);
    await engine.fireDueDeadlines();
    await engine.sendDigests(officeIds);
    // The Monday 07:30 job sends the weekly report; this catches it up on Monday after downtime.
    for (const id of officeIds) await weekly(id);
    // The 07:30 job below runs the staff deadlines; this catches up once a day after downtime.
    for (const id of officeIds) {
      if (lastStaffScan.get(id) !== localDate(clock.now(), calendar(id).timeZone)) await scanStaff(id);
    }
    // An update held this long and never released was cut short (its instance died): handle it again.
    if (telegram && telegramInbox) await telegramInbox.replay(telegram.bot, new Date(clock.now().getTime() - HELD_UPDATE_STALE_MS));
    await sealAuditChains(db, clock.now());
    await dispatcher.flush();
  };
  const leadership: Leadership = createLeadership({
    leases: createLeaseStore(db),
    holder: instanceId,
    ttlMs: config.leaseTtlMs,
    clock,
    onGain: async () => {
      logger.info({ instance: instanceId }, whatsapp ? "leader: running the scheduled jobs and the WhatsApp socket" : "leader: running the scheduled jobs");
      // The scheduler's start-up catch-up run is not awaited: renewing the lease must not wait for it.
      void scheduler.start().catch((error: unknown) => logger.error(errorInfo(error), "scheduler start failed"));
      await whatsapp?.start();
    },
    onLose: async (reason) => {
      if (reason === "lost") logger.warn({ instance: instanceId }, "no longer leader: scheduled jobs (and WhatsApp) stopped here");
      await whatsapp?.stop();
      await scheduler.stop();
    },
    onError: (error) => logger.error(errorInfo(error), "leader lease failed"),
    // Rows claimed by an instance that died go out as soon as their claim expires, not at the next minute.
    whileLeading: async () => {
      await dispatcher.flush();
    },
  });
  const scheduler = createScheduler({
    tick,
    coordinator: leadership.coordinator,
    daily: officeIds.map((id) => ({
      name: `staff-deadlines-${id}`,
      at: "30 7 * * *",
      timezone: calendar(id).timeZone,
      run: async () => {
        await scanStaff(id);
        await weekly(id);
        await dispatcher.flush();
      },
    })),
    onError: (error) => logger.error(errorInfo(error), "scheduled job failed"),
  });

  if (options.console) {
    consoleChannel = createConsoleChannel({
      ...options.console,
      personas: createConsolePersonas(db, clock),
      ...(files ? { files } : {}),
      downloadsDir: path.join(config.dataDir, "console-files"),
      handle: receive,
      now: () => clock.now(),
      onError: (error) => {
        const storage = classifyStorageError(error);
        if (storage) logger.error({ storage: storage.fault, code: storage.code }, "console message not recorded: storage unavailable");
        else logger.error(errorInfo(error), "console message failed");
      },
    });
  }

  return {
    db,
    catalog,
    engine,
    chat,
    dispatcher,
    scheduler,
    consoleChannel,
    telegram,
    telegramInbox,
    whatsapp,
    staff,
    files,
    leadership,
    receive,
    tick,
    close: async () => {
      await leadership.stop();
      await whatsapp?.stop();
      await scheduler.stop();
      await dispatcher.settled();
      await db.close();
    },
  };
}

async function run(): Promise<number> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const consoleWanted = config.console === "on" || (config.console === "auto" && !config.telegram && !config.whatsapp);
  if (!consoleWanted && !config.telegram && !config.whatsapp)
    throw new StartupError("No chat channel is enabled: set TELEGRAM_BOT_TOKEN or WHATSAPP_ENABLED=true, or CONSOLE=auto or CONSOLE=on.");
  const app = await createApp({
    config,
    logger,
    ...(consoleWanted ? { console: { input: process.stdin, output: process.stdout, interactive: Boolean(process.stdin.isTTY) } } : {}),
  });

  let runtime: TelegramRuntime | undefined;
  if (app.telegram && config.telegram) {
    await app.telegram.setPublicCommands().catch((e: unknown) => logger.warn(errorInfo(e), "setMyCommands failed"));
    const officialChats = await app.db.prisma.chatIdentity.findMany({ where: { channel: "telegram", officialId: { not: null } }, select: { externalId: true } });
    await app.telegram.setOfficialCommands(officialChats.map((c) => c.externalId)).catch((e: unknown) => logger.warn(errorInfo(e), "setMyCommands failed"));
    runtime = config.telegram.webhook
      ? await startWebhook(app.telegram.bot, config.telegram.webhook, logger)
      : await startPolling(app.telegram.bot, {
          log: logger,
          onStopped: () => stop("telegram polling stopped", 1),
          apiTimeoutSeconds: config.telegram.apiTimeoutSeconds,
          ...(app.telegramInbox ? { inbox: { inbox: app.telegramInbox, clock: systemClock } } : {}),
        });
  }

  let stopping = false;
  let exitCode = 0;
  let release: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    release = resolve;
  });
  const stop = (signal: string, code = 0) => {
    exitCode = Math.max(exitCode, code);
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping: no new input, finishing work in flight");
    app.consoleChannel?.stop();
    release();
  };
  // The log or console output is gone (the reader of its pipe died): writing more would only raise
  // the same error again. Stop logging and stop cleanly, for the supervisor to start a bot whose
  // output is read again.
  const outputLost = (stream: string) => () => {
    logger.level = "silent";
    stop(`${stream} lost`, 1);
  };
  process.stderr.on("error", outputLost("stderr"));
  process.stdout.on("error", outputLost("stdout"));
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  // Errors that escaped every boundary: the bot cannot know what state they left, so it logs what
  // they were (kind, codes, stack frames — never their message) and stops cleanly with code 1 for
  // the service manager to start it again. See README "Errors the bot survives".
  process.on("unhandledRejection", (reason) => {
    logger.fatal({ ...errorInfo(reason), frames: stackFrames(reason) }, "unhandled rejection: stopping");
    stop("unhandledRejection", 1);
  });
  process.on("uncaughtException", (error) => {
    logger.fatal({ ...errorInfo(error), frames: stackFrames(error) }, "uncaught exception: stopping");
    stop("uncaughtException", 1);
  });

  logger.info({ office: config.defaultOffice, database: app.db.location, telegram: config.telegram?.mode ?? "off", whatsapp: Boolean(config.whatsapp), console: consoleWanted }, "sopbot started");
  // The leader (at once, when this is the only instance) starts the scheduled jobs and WhatsApp.
  await app.leadership.start();
  if (app.consoleChannel) await app.consoleChannel.run();
  else await stopped;
  // From here the process ends within the grace period, whatever part of the shutdown hangs.
  const timer = setTimeout(() => {
    logger.error("shutdown took too long; exiting");
    process.exit(1);
  }, config.shutdownGraceMs);
  timer.unref();
  await runtime?.stop();
  await app.close();
  logger.info({ exitCode }, "stopped");
  return exitCode;
}

function isEntryPoint(): boolean {
  return import.meta.url === `file://${process.argv[1]}`;
}

if (isEntryPoint()) {
  run().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof ConfigError || error instanceof MigrationError || error instanceof StartupError) {
        process.stderr.write(`sopbot cannot start.\n${error.message}\n`);
      } else {
        // Kind, codes and stack frames only: an error's message may carry values (a token, personal data).
        process.stderr.write(`sopbot stopped on an unexpected error: ${JSON.stringify(errorInfo(error))}\n  ${stackFrames(error).join("\n  ")}\n`);
      }
      process.exit(1);
    },
  );
}
