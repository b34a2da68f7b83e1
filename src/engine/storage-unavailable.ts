// The one error the ports throw when the storage itself is unavailable (the database locked by
// another process, the disk or database full, the database server unreachable). The store decides
// which driver errors these are (src/store/storage-errors.ts); channels only recognise this type
// and tell the sender plainly that the message was not recorded.
import { messages } from "./messages.ts";

/** busy: locked or out of connections; full: database or disk full; unreachable: server gone. */
export type StorageFault = "busy" | "full" | "unreachable";

export class StorageUnavailableError extends Error {
  constructor(
    readonly fault: StorageFault,
    /** The driver's code (SQLITE_BUSY, SQLITE_FULL, ENOSPC, 53100, P1001 …); never personal data. */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(`storage unavailable (${fault}, ${code})`, options);
    this.name = "StorageUnavailableError";
  }
}

/** The storage failure behind `error`, following `cause` links, or null. */
export function storageFailureOf(error: unknown): StorageUnavailableError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth += 1) {
    if (current instanceof StorageUnavailableError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/** What to tell the sender when handling their message failed on the storage, or null. */
export function storageFailureReply(error: unknown): string | null {
  const failure = storageFailureOf(error);
  return failure ? messages.notRecorded(failure.fault) : null;
}
