// What to do when the WhatsApp connection closes, by the reason WhatsApp gives. Pure, table-tested.
import { DisconnectReason } from "@whiskeysockets/baileys";

export type CloseDecision =
  { action: "reconnect"; delayMs: number; reason: string } | { action: "stop"; reason: string; clearSession: boolean; tellAdmin: boolean };

export const maxReconnectAttempts = 12;

/** Backoff for the n-th consecutive reconnect (1-based): 1 s, 2 s, 4 s … capped at 60 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, attempt - 1));
}

export function decideOnClose(statusCode: number | undefined, attempt: number): CloseDecision {
  switch (statusCode) {
    case DisconnectReason.restartRequired:
      return { action: "reconnect", delayMs: 0, reason: "WhatsApp asked for a restart (normal after pairing)" };
    case DisconnectReason.loggedOut:
      return { action: "stop", reason: "logged out: the device was unlinked in WhatsApp", clearSession: true, tellAdmin: true };
    case DisconnectReason.connectionReplaced:
      return { action: "stop", reason: "another session replaced this one; not fighting it", clearSession: false, tellAdmin: true };
    case DisconnectReason.multideviceMismatch:
      return { action: "stop", reason: "multi-device mismatch: pair the device again", clearSession: true, tellAdmin: true };
    case DisconnectReason.forbidden:
      return { action: "stop", reason: "forbidden: the account may be banned or restricted", clearSession: false, tellAdmin: true };
    default:
      // Network drops, timeouts, a closed connection, a bad session, WhatsApp unavailable.
      if (attempt > maxReconnectAttempts) {
        return {
          action: "stop",
          reason: `gave up after ${maxReconnectAttempts} reconnect attempts (last code ${statusCode ?? "none"})`,
          clearSession: false,
          tellAdmin: true,
        };
      }
      return { action: "reconnect", delayMs: reconnectDelay(attempt), reason: `connection closed (code ${statusCode ?? "none"})` };
  }
}
