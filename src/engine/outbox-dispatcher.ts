// Sends the outbox: every message was saved in the transaction that caused it; this sends the
// saved rows in order, marks them sent, retries what may succeed later with capped backoff
// (honouring a platform's retry-after), and parks permanent failures where an admin sees them.
// Delivery is at least once: a crash after sending and before marking repeats that one message.
import type { OutboxRow } from "./case-ports.ts";
import type { Clock } from "./ports.ts";
import type { ChannelName, OutboundMessage } from "./types.ts";

/** A send that failed; `retryable` says whether trying again can help. */
export class SendFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    /** Not a failure: the channel asks to send later (pacing). Does not count as an attempt. */
    readonly deferred = false,
  ) {
    super(message);
    this.name = "SendFailure";
  }
}

export interface ChannelSender {
  /** Sends (or edits) a message; returns the platform's id of a new message when it has one. */
  send(message: OutboundMessage): Promise<{ platformMessageId?: string } | void>;
}

export interface OutboxPort {
  /** Pending rows due now, oldest first, leaving out the given chats ("channel:chatId"). */
  due(now: Date, limit: number, excludeChats?: Set<string>): Promise<OutboxRow[]>;
  /** Chats ("channel:chatId") with a pending message waiting for a later retry: their newer messages wait too. */
  waitingChats(now: Date): Promise<Set<string>>;
  markSent(id: number, at: Date, platformMessageId?: string): Promise<void>;
  /** The state of an earlier row, for edits of the message it produced. */
  platformMessageIdOf(id: number): Promise<{ status: string; platformMessageId: string | null } | null>;
  markRetry(id: number, attempts: number, nextAttemptAt: Date, error: string): Promise<void>;
  markFailed(id: number, attempts: number, error: string): Promise<void>;
}

export interface DispatcherOptions {
  outbox: OutboxPort;
  senders: Partial<Record<ChannelName, ChannelSender>>;
  clock: Clock;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onError?(row: OutboxRow, error: unknown): void;
}

export interface OutboxDispatcher {
  /** Sends everything due now; resolves after a full pass that started after the call. */
  flush(): Promise<{ sent: number; retried: number; failed: number }>;
}

export function backoffMs(attempt: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.max(0, attempt - 1));
}

export function createOutboxDispatcher(options: DispatcherOptions): OutboxDispatcher {
  const maxAttempts = options.maxAttempts ?? 10;
  const base = options.baseDelayMs ?? 2_000;
  const max = options.maxDelayMs ?? 10 * 60_000;
  let chain: Promise<unknown> = Promise.resolve();
  let wakeAt = Infinity;
  let wakeTimer: ReturnType<typeof setTimeout> | undefined;
  /** A deferred or retried row comes due soon: flush again then, not at the next scheduler tick. */
  function wakeUpAt(when: Date): void {
    const delay = when.getTime() - options.clock.now().getTime();
    if (delay > 60_000 || when.getTime() >= wakeAt) return;
    if (wakeTimer) clearTimeout(wakeTimer);
    wakeAt = when.getTime();
    wakeTimer = setTimeout(() => {
      wakeAt = Infinity;
      wakeTimer = undefined;
      void flush().catch(() => undefined);
    }, Math.max(0, delay));
    wakeTimer.unref?.();
  }

  function flush() {
    const run = chain.then(pass, pass);
    chain = run.catch(() => undefined);
    return run;
  }

  async function pass() {
    const counts = { sent: 0, retried: 0, failed: 0 };
    const blockedChats = await options.outbox.waitingChats(options.clock.now());
    for (;;) {
      const rows = await options.outbox.due(options.clock.now(), 100, blockedChats);
      if (rows.length === 0) return counts;
      for (const row of rows) {
        const chat = `${row.channel}:${row.chatId}`;
        if (blockedChats.has(chat)) continue; // keep a chat's messages in order
        const sender = options.senders[row.channel];
        const attempts = row.attempts + 1;
        try {
          if (!sender) throw new SendFailure(`channel ${row.channel} is not running`, true);
          let edit: { platformMessageId: string } | undefined;
          if (row.editOfId !== undefined) {
            const target = await options.outbox.platformMessageIdOf(row.editOfId);
            if (!target?.platformMessageId) {
              // Nothing (yet) to edit: the original was never sent or its channel has no ids. Skip.
              await options.outbox.markSent(row.id, options.clock.now());
              continue;
            }
            edit = { platformMessageId: target.platformMessageId };
          }
          const result = await sender.send({
            channel: row.channel,
            chatId: row.chatId,
            text: row.text,
            ...(row.actions ? { actions: row.actions } : {}),
            ...(row.fileIds ? { fileIds: row.fileIds } : {}),
            ...(edit ? { edit } : {}),
            outboxId: row.id,
          });
          await options.outbox.markSent(row.id, options.clock.now(), result?.platformMessageId);
          counts.sent += 1;
        } catch (error) {
          if (error instanceof SendFailure && error.deferred) {
            blockedChats.add(chat);
            const at = new Date(options.clock.now().getTime() + (error.retryAfterMs ?? 1000));
            await options.outbox.markRetry(row.id, row.attempts, at, row.lastError ?? "");
            wakeUpAt(at);
            continue;
          }
          options.onError?.(row, error);
          const message = error instanceof Error ? error.message : String(error);
          const retryable = !(error instanceof SendFailure) || error.retryable;
          blockedChats.add(chat);
          if (retryable && attempts < maxAttempts) {
            const wait = error instanceof SendFailure && error.retryAfterMs !== undefined ? error.retryAfterMs : backoffMs(attempts, base, max);
            const at = new Date(options.clock.now().getTime() + wait);
            await options.outbox.markRetry(row.id, attempts, at, message);
            wakeUpAt(at);
            counts.retried += 1;
          } else {
            await options.outbox.markFailed(row.id, attempts, message);
            counts.failed += 1;
          }
        }
      }
    }
  }

  return { flush };
}
