// What may be logged about an error: its kind and codes, never its message. Messages carry values —
// a database error repeats the data it was given (a NIK, a phone number, a message text), a network
// error the URL it called (with a bot token in it). Pure.

export interface ErrorInfo {
  /** The error's class name ("HttpError", "PrismaClientKnownRequestError", "SendFailure" …). */
  errorKind: string;
  /** A driver, errno, SQLSTATE, Prisma or platform code when the error has one. */
  errorCode?: string;
  /** An HTTP-like status (Bot API error_code, Boom statusCode). */
  errorStatus?: number;
  /** The same for the error's cause, one level down. */
  causeKind?: string;
  causeCode?: string;
}

const codePattern = /^[A-Za-z0-9_.:-]{1,40}$/;

function kindOf(error: unknown): string {
  if (error instanceof Error) return error.name || error.constructor?.name || "Error";
  return error === null ? "null" : typeof error;
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code ?? (error as { errno?: unknown }).errno;
  if (typeof code === "string" && codePattern.test(code)) return code;
  if (typeof code === "number") return String(code);
  return undefined;
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const candidates = [
    (error as { error_code?: unknown }).error_code,
    (error as { status?: unknown }).status,
    (error as { statusCode?: unknown }).statusCode,
    (error as { output?: { statusCode?: unknown } }).output?.statusCode,
  ];
  const found = candidates.find((c) => typeof c === "number");
  return typeof found === "number" ? found : undefined;
}

/** The loggable facts of an error. */
export function errorInfo(error: unknown): ErrorInfo {
  const cause =
    typeof error === "object" && error !== null
      ? ((error as { cause?: unknown }).cause ?? (error as { error?: unknown }).error)
      : undefined;
  const code = codeOf(error);
  const status = statusOf(error);
  const causeCode = codeOf(cause);
  return {
    errorKind: kindOf(error),
    ...(code ? { errorCode: code } : {}),
    ...(status !== undefined ? { errorStatus: status } : {}),
    ...(cause instanceof Error ? { causeKind: kindOf(cause) } : {}),
    ...(causeCode ? { causeCode } : {}),
  };
}

/** One short line for a stored failure reason (outbox lastError): kind and codes only. */
export function errorSummary(error: unknown): string {
  const info = errorInfo(error);
  return [info.errorKind, info.errorStatus, info.errorCode, info.causeCode].filter((x) => x !== undefined).join(" ");
}

/** The stack frames of an error (file and line, no message): enough to find a bug, nothing it carried. */
export function stackFrames(error: unknown, limit = 8): string[] {
  if (!(error instanceof Error) || !error.stack) return [];
  return error.stack
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("at "))
    .slice(0, limit);
}
