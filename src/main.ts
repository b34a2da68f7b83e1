// The bot as a process (npm start runs the compiled dist/main.js): reads the environment, builds the
// app (app.ts), starts Telegram polling or its webhook, and stops cleanly on a signal, a lost output
// stream or an error nothing else caught, within the shutdown grace period.
import { existsSync } from "node:fs";
import { createApp, StartupError } from "./app.ts";
import { startOps } from "./app-ops.ts";
import { startTelegram } from "./app-telegram.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { errorInfo, stackFrames } from "./engine/error-info.ts";
import { isEntryPoint } from "./entry-point.ts";
import { createLogger } from "./logger.ts";
import { MigrationError } from "./store/migrator.ts";

async function run(): Promise<number> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const consoleWanted = config.console === "on" || (config.console === "auto" && !config.telegram && !config.whatsapp);
  if (!consoleWanted && !config.telegram && !config.whatsapp)
    throw new StartupError(
      "No chat channel is enabled: set TELEGRAM_BOT_TOKEN (or TELEGRAM_BOT_TOKENS) or WHATSAPP_ENABLED=true " +
        "(or WHATSAPP_OFFICE_ACCOUNTS), " +
        "or CONSOLE=auto or CONSOLE=on.",
    );
  const app = await createApp({
    config,
    logger,
    ...(consoleWanted ? { console: { input: process.stdin, output: process.stdout, interactive: Boolean(process.stdin.isTTY) } } : {}),
  });
  // Health and metrics endpoints (HEALTH_PORT), up before the channels connect: /readyz says when they have.
  const ops = config.health ? await startOps(app, config.health, logger) : undefined;

  // Every Telegram bot: its command menus, then its long polling or its webhook (app-telegram.ts).
  const runtime = config.telegram
    ? await startTelegram(app, config.telegram, logger, () => stop("telegram polling stopped", 1))
    : undefined;

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

  logger.info(
    {
      office: config.defaultOffice,
      database: app.db.location,
      telegram: config.telegram?.mode ?? "off",
      ...(config.telegram ? { telegramBots: config.telegram.bots.length } : {}),
      whatsapp: Boolean(config.whatsapp),
      ...(config.whatsapp ? { whatsappAccounts: config.whatsapp.accounts.length } : {}),
      console: consoleWanted,
    },
    "sopbot started",
  );
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
  await ops?.close();
  await app.close();
  logger.info({ exitCode }, "stopped");
  return exitCode;
}

if (isEntryPoint(import.meta.url)) {
  run().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof ConfigError || error instanceof MigrationError || error instanceof StartupError) {
        process.stderr.write(`sopbot cannot start.\n${error.message}\n`);
      } else {
        // Kind, codes and stack frames only: an error's message may carry values (a token, personal data).
        process.stderr.write(
          `sopbot stopped on an unexpected error: ${JSON.stringify(errorInfo(error))}\n  ${stackFrames(error).join("\n  ")}\n`,
        );
      }
      process.exit(1);
    },
  );
}
