// Composition root: the only file that wires configuration, flows, store, engine, scheduler and
// channels into an app. main.ts runs it as a process; tests and benchmarks build the same app
// in-process with createApp(). With no tokens configured it runs on its embedded default: a SQLite
// file and the console chat with demo data.
import { createConsoleChannel, type ConsoleChannel } from "./channels/console/console-channel.ts";
import type { TelegramChannel } from "./channels/telegram/telegram-channel.ts";
import { createTelegramBots, officeBotAddress, type TelegramBot } from "./app-telegram.ts";
import { createWhatsAppAccounts, officeNumberAddress, type WhatsAppAccount, type WhatsAppHooks } from "./app-whatsapp.ts";
import type { Transformer } from "grammy";
import type { WhatsAppChannel } from "./channels/whatsapp/whatsapp-channel.ts";
import { addressOfficialsThrough } from "./engine/official-addresses.ts";
import type { UserFromGetMe } from "grammy/types";
import type { Config } from "./config.ts";
import { engineCatalogOf, type Catalog } from "./domain/catalog.ts";
import { formsOf, loadCatalog, sopChartsOf, StartupError } from "./app-catalog.ts";
import { privacyMessages } from "./engine/privacy-messages.ts";
import { createPersonDataPort } from "./store/person-data.ts";
import { createCaseEngine, type CaseEngine } from "./engine/case-engine.ts";
import { createApplicantService } from "./engine/applicant-service.ts";
import { createChatService, type ChatService } from "./engine/chat/chat-service.ts";
import { createOutboxDispatcher, type OutboxDispatcher } from "./engine/outbox-dispatcher.ts";
import { countTransitions } from "./engine/metrics-port.ts";
import { createAppMetrics, type AppMetrics } from "./ops/metrics.ts";
import { outboxObservers } from "./ops/outbox-observers.ts";
import { errorInfo } from "./engine/error-info.ts";
import { systemClock, type Clock } from "./engine/ports.ts";
import type { InboundMessage } from "./engine/types.ts";
import type { Logger } from "./logger.ts";
import { createJobs } from "./scheduler/jobs.ts";
import { createScheduler, type Scheduler } from "./scheduler/scheduler.ts";
import { createConsolePersonas } from "./store/console-personas.ts";
import { openDatabase, type Database } from "./store/database.ts";
import type { StatementCounter } from "./store/statement-counter.ts";
import { seedDemoEmployees, seedDemoOfficials } from "./store/demo-seed.ts";
import { createDirectoryStore, syncOffices } from "./store/directory-store.ts";
import { createEngineStore } from "./store/engine-store.ts";
import { createOutboxStore } from "./store/outbox-store.ts";
import { latestSeal, sealAuditChains } from "./store/audit-chain.ts";
import { createInboundHoldStore } from "./store/inbound-hold-store.ts";
import { workCalendarsOf } from "./store/work-calendar.ts";
import { createStaffService, type StaffService } from "./engine/staff-service.ts";
import { localDate } from "./domain/working-time.ts";
import { createFileStore } from "./store/file-store.ts";
import { purgeExpiredData } from "./store/retention-purge.ts";
import { retentionYears } from "./domain/retention.ts";
import { derivedSecret, sealKeyOf, serverKeyRing } from "./store/server-key.ts";
import type { KeyRing } from "./store/file-keys.ts";
import { createPngRenderer } from "./store/png-renderer.ts";
import { toXlsx } from "./store/exporter.ts";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { FilePort } from "./engine/file-ports.ts";
import { createLeadership, type Leadership } from "./scheduler/leadership.ts";
import { createLeaseStore } from "./store/lease-store.ts";
import { classifyStorageError } from "./store/storage-errors.ts";

export { loadCatalog, StartupError } from "./app-catalog.ts";

export interface AppOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  console?: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; interactive: boolean };
  /** Test hooks for the Telegram channel: a known bot identity and a Bot API stand-in. */
  telegram?: { botInfo?: UserFromGetMe; transformer?: Transformer; pacing?: null };
  /** Test hooks for WhatsApp: a socket stand-in per account fed with recorded events, media bytes, timers. */
  whatsapp?: WhatsAppHooks;
  /** Tests and benchmarks: every inbound message waits until what it caused has been sent. */
  awaitDelivery?: boolean;
  /** Benchmarks: counts the statements the app sends to the database. */
  statementCounter?: StatementCounter;
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
  /** The Telegram bot of chats that name no office (the shared bot, else the default office's own). */
  telegram: TelegramChannel | undefined;
  /** Every Telegram bot: the shared one and the offices' own, each with its inbox (see app-telegram.ts). */
  telegramBots: TelegramBot[];
  /** The WhatsApp number of chats that name no office (the shared number, else the default office's own). */
  whatsapp: WhatsAppChannel | undefined;
  /** Every WhatsApp number: the shared one and the offices' own (see app-whatsapp.ts); the leader holds their sockets. */
  whatsappAccounts: WhatsAppAccount[];
  staff: StaffService;
  files: FilePort | undefined;
  /** Prometheus counters (served with the process's gauges on /metrics when HEALTH_PORT is set; see app-ops.ts). */
  metrics: AppMetrics;
  /** The secret enrolment codes are stored under (derived from the server's key). */
  enrolmentSecret: Buffer;
  /** The server's keys: files are encrypted and seals keyed under the current one. */
  keys: KeyRing;
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
  const db = await openDatabase({
    target: config.database,
    ...(options.statementCounter ? { statementCounter: options.statementCounter } : {}),
  });
  if (db.migration.applied.length > 0) logger.info({ applied: db.migration.applied }, "database migrated");
  await syncOffices(db, catalog.offices.values());
  if (config.demoData) {
    const seeded = await seedDemoOfficials(db, config.defaultOffice, new Date("2025-01-02T00:00:00Z"));
    if (seeded.created > 0) logger.info({ officials: seeded.created, skippedPositions: seeded.skippedPositions }, "demo officials seeded");
    if (config.demoStaff) {
      const employees = await seedDemoEmployees(
        db,
        config.defaultOffice,
        localDate(clock.now(), workCalendarsOf(catalog)(config.defaultOffice).timeZone),
      );
      if (employees > 0) logger.info({ employees }, "demo employees seeded");
    }
  }

  // Console-only (the embedded default) may run without FILE_ENCRYPTION_KEY: a local key is made.
  const keys = serverKeyRing(config);
  const enrolmentSecret = derivedSecret(keys.current, "enrolment-codes");
  const sealKey = sealKeyOf(keys);
  // Charts are drawn in a renderer process of their own (png-renderer.ts), stopped on close.
  const renderer = createPngRenderer();
  const renderPng = (svg: string) => renderer.render(svg);
  const files = createFileStore(db, { dir: config.files.dir, keys, maxBytes: config.files.maxBytes });
  const metrics = createAppMetrics();
  // Officials of an office with a Telegram bot or WhatsApp number of its own are written to through it.
  const store = addressOfficialsThrough(countTransitions(createEngineStore(db), metrics), [
    officeBotAddress(config.telegram),
    officeNumberAddress(config.whatsapp),
  ]);
  const calendar = workCalendarsOf(catalog);
  const engine = createCaseEngine({
    store,
    clock,
    ...engineCatalogOf(catalog),
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
    forms: formsOf(catalog),
    calendar,
    defaultOfficeId: config.defaultOffice,
    officeIds: config.offices,
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
    enrolmentSecret,
    publicRateLimit: config.publicRateLimit,
    sopTitle: (n) => catalog.sops.get(n)?.value.title,
    sopChart: sopChartsOf(catalog, renderPng),
    forms: formsOf(catalog),
    personData: createPersonDataPort(db, {
      rules: (id) => catalog.offices.get(id)?.office,
      filesDir: config.files.dir,
      secret: derivedSecret(keys.current, "corrections"),
      now: () => clock.now(),
      notice: (id) => privacyMessages.erasedNotice(catalog.offices.get(id)?.office.shortName ?? "Dinas"),
    }),
    ...(files ? { files } : {}),
    renderPng,
    toXlsx,
    calendar,
    sopStartKind: (n) => catalog.sops.get(n)?.value.start.kind,
    sopCount: Math.max(...catalog.sops.keys()),
    metrics,
  });

  // SQLite serves one instance: after a crash the restarted process is the same instance and takes
  // its lease and claims back at once. On PostgreSQL each process is its own instance.
  const instanceId =
    config.instanceId ?? (db.provider === "sqlite" ? "single" : `${hostname()}-${process.pid}-${randomBytes(2).toString("hex")}`);
  let consoleChannel: ConsoleChannel | undefined;
  let receiveRef: (message: InboundMessage) => Promise<void> = async () => undefined;
  if (config.telegram && !files) throw new StartupError("FILE_ENCRYPTION_KEY is required for the Telegram channel.");
  const telegram =
    config.telegram && files
      ? createTelegramBots({
          telegram: config.telegram,
          defaultOffice: config.defaultOffice,
          holds: createInboundHoldStore(db),
          instanceId,
          clock,
          logger,
          files,
          chat,
          receive: (message) => receiveRef(message),
          ...(options.telegram ? { hooks: options.telegram } : {}),
        })
      : undefined;
  const outboxStore = createOutboxStore(db);
  if (config.whatsapp && !files) throw new StartupError("FILE_ENCRYPTION_KEY is required for the WhatsApp channel.");
  const whatsapp =
    config.whatsapp && files
      ? await createWhatsAppAccounts({
          whatsapp: config.whatsapp,
          defaultOffice: config.defaultOffice,
          db,
          instanceId,
          clock,
          logger,
          files,
          sentText: (messageId) => outboxStore.sentText("whatsapp", messageId),
          receive: (message) => receiveRef(message),
          notifyAdmins: (text, officeId) => notifyAdmins(text, officeId),
          ...(options.whatsapp ? { hooks: options.whatsapp } : {}),
        })
      : undefined;
  const dispatcher = createOutboxDispatcher({
    outbox: outboxStore,
    clock,
    holder: instanceId,
    // A dead instance's claimed rows wait this long before another instance sends them.
    claimMs: 2 * config.leaseTtlMs,
    baseDelayMs: config.outboxRetryBaseMs,
    // WhatsApp rows go out only from the instance holding the sockets (the leader).
    canSend: (channel) => channel !== "whatsapp" || (whatsapp?.holding() ?? false),
    senders: {
      console: { send: (message) => (consoleChannel ? consoleChannel.deliver(message) : Promise.resolve()) },
      ...(telegram ? { telegram: telegram.sender } : {}),
      ...(whatsapp ? { whatsapp: whatsapp.sender } : {}),
    },
    ...outboxObservers(logger, metrics),
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
  const retention = [...catalog.offices.values()].map(({ office }) => ({ id: office.id, years: retentionYears(office) }));
  const jobs = createJobs({
    store,
    engine,
    staff,
    clock,
    logger,
    officeIds: [...catalog.offices.keys()],
    defaultOfficeId: config.defaultOffice,
    calendar,
    officeName: (id) => catalog.offices.get(id)?.office.shortName,
    weeklyReport: { renderPng, ...(files ? { files } : {}) },
    flush: () => dispatcher.flush(),
    seal: (at) => sealAuditChains(db, at, sealKey),
    latestSeal: () => latestSeal(db),
    purge: (now) => purgeExpiredData(db, { offices: retention, filesDir: config.files.dir, now }),
    // An update held this long and never released was cut short (its instance died): handle it again.
    ...(telegram ? { replayHeld: () => telegram.replayHeld(new Date(clock.now().getTime() - HELD_UPDATE_STALE_MS)) } : {}),
  });
  const notifyAdmins = jobs.notifyAdmins;
  const leadership: Leadership = createLeadership({
    leases: createLeaseStore(db),
    holder: instanceId,
    ttlMs: config.leaseTtlMs,
    clock,
    onGain: async () => {
      logger.info(
        { instance: instanceId },
        whatsapp ? "leader: running the scheduled jobs and the WhatsApp sockets" : "leader: running the scheduled jobs",
      );
      // The scheduler's start-up catch-up run is not awaited: renewing the lease must not wait for it.
      void scheduler.start().catch((error: unknown) => logger.error(errorInfo(error), "scheduler start failed"));
      // Every account's socket: the leader holds them all.
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
    tick: jobs.tick,
    coordinator: leadership.coordinator,
    daily: jobs.daily,
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
    telegram: telegram?.main.channel,
    telegramBots: telegram?.bots ?? [],
    whatsapp: whatsapp?.main.channel,
    whatsappAccounts: whatsapp?.accounts ?? [],
    staff,
    files,
    metrics,
    enrolmentSecret,
    keys,
    leadership,
    receive,
    tick: jobs.tick,
    close: async () => {
      await leadership.stop();
      await whatsapp?.stop();
      await scheduler.stop();
      await dispatcher.settled();
      await renderer.close();
      await db.close();
    },
  };
}
