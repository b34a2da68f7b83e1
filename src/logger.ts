// Structured logs (pino) on standard error, so the console chat on standard output stays readable.
// Personal data never goes into a log: the redact list below is a safety net, not a licence.
import pino, { type Logger } from "pino";

export type { Logger };

const personalKeys = ["nik", "nip", "phone", "phoneNumber", "email", "text", "caption", "fileName", "name", "birthDate"];
/** Secrets are never logged either; these keys (the settings' names among them) are a net under that rule. */
const secretKeys = ["token", "secret", "TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_TOKENS", "TELEGRAM_WEBHOOK_SECRET", "FILE_ENCRYPTION_KEY"];

export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    {
      level,
      base: { app: "sopbot" },
      redact: { paths: [...personalKeys, ...secretKeys].flatMap((k) => [k, `*.${k}`]), censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination as pino.DestinationStream,
  );
}
