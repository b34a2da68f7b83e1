// Sends the outbox: every message was saved in the transaction that caused it; this sends the
// saved rows in order, marks them sent, retries what may succeed later with capped backoff
// (honouring a platform's retry-after), and parks permanent failures where an admin sees them.
// Delivery is at least once: a crash after sending and before marking repeats that one message.
//
// Several dispatchers (one per instance) share one outbox: each pass *claims* rows for a while, and
// only the oldest pending row of each chat can be claimed (edits of earlier messages wait until no new
// message does), so a chat's messages go out in order and
// two dispatchers never send the same row. Rows of different chats are sent concurrently.
import type { ActionRef, OutboxRow } from "./case-ports.ts";
import { errorInfo, errorSummary } from "./error-info.ts";
import type { EngineMetrics } from "./metrics-port.ts";
import { composeMerged, MERGE_MAX, mergeable, pickFollowers } from "./outbox-merge.ts";
import type { Clock } from "./ports.ts";
import { editableChannels, type ChannelName, type OutboundMessage } from "./types.ts";

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

/** Why a send failed, in a few words fit for a metric's label (never the platform's text). */
export type SendFailureReason = "rate-limited" | "timeout" | "blocked" | "not-connected" | "network" | "server-error" | "refused" | "other";

/** Sorts a failed send into a SendFailureReason, from its status (Telegram's error_code, Baileys' status code) and kind. */
export function sendFailureReason(error: unknown): SendFailureReason {
  if (!(error instanceof SendFailure)) {
    const info = errorInfo(error);
    return /timeout/i.test(info.errorKind) || [info.errorCode, info.causeCode].includes("ETIMEDOUT") ? "timeout" : "other";
  }
  const text = error.message;
  if (/^429\b/.test(text)) return "rate-limited";
  if (/is not (running|connected)/.test(text)) return "not-connected";
  if (/timed? ?out|ETIMEDOUT|AbortError|\b408\b/i.test(text)) return "timeout";
  if (/^403\b/.test(text)) return "blocked";
  if (/^5\d\d\b/.test(text)) return "server-error";
  if (/^network:/.test(text)) return "network";
  if (/^4\d\d\b/.test(text)) return "refused";
  return "other";
}

/**
 * One platform call of a message: a chunk of its text (the choices go with the last chunk), one of
 * its files, or the edit of an earlier message. Each part is recorded when it has been sent, so a
 * retry resumes at the first part not sent yet.
 */
export type OutboundPart =
  | { kind: "text"; index: number; text: string; withActions: boolean }
  | { kind: "file"; index: number; fileId: string }
  | { kind: "edit"; index: number };

/** A sender that sends a message in one go (the console), or part by part (Telegram, WhatsApp). */
export type ChannelSender =
  | {
      /** Sends (or edits) a message; returns the platform's id of a new message when it has one. */
      send(message: OutboundMessage): Promise<{ platformMessageId?: string } | void>;
    }
  | {
      /** Whether messages queued for one chat may be combined into one (paced channels). */
      merges?: boolean;
      /** The parts a message is sent as, always the same for the same message. */
      parts(message: OutboundMessage): OutboundPart[];
      /** Sends one part, paced like a message of its own; returns the platform's id of what it made. */
      sendPart(message: OutboundMessage, part: OutboundPart): Promise<{ platformMessageId?: string } | void>;
    };

/** A message's parts: its text in chunks of at most `limit` characters (cut at line breaks), then each file. */
export function messageParts(message: OutboundMessage, split: (text: string) => string[]): OutboundPart[] {
  if (message.edit) return [{ kind: "edit", index: 0 }];
  const chunks = split(message.text);
  const parts: OutboundPart[] = chunks.map((text, i) => ({ kind: "text", index: i, text, withActions: i === chunks.length - 1 }));
  for (const fileId of message.fileIds ?? []) parts.push({ kind: "file", index: parts.length, fileId });
  return parts;
}

/** The message an edit is aimed at, as a claim saw it. */
export interface EditTarget {
  /** The platform's id of the message to edit (a combined message's when the target joined one); null when not sent. */
  platformMessageId: string | null;
  /** The combined message the target joined, if any. */
  mergedIntoId: number | null;
}

/** A claimed row, with what the claim saw around it: the reads a send would otherwise make first. */
export interface ClaimedRow extends OutboxRow {
  /** Whether rows due then were queued behind it in its chat. */
  behind: boolean;
  /** For an edit, the message it edits (null when that row is gone). */
  target?: EditTarget | null;
}

export interface OutboxPort {
  /**
   * Claims up to `limit` rows for `holder` until `until`: pending, due now, of the given channels,
   * each the oldest pending new message of its chat (an edit when no new message waits), and not
   * claimed by anyone else. Oldest first.
   * A chat whose oldest row waits for a retry therefore waits as a whole.
   */
  claim(now: Date, limit: number, channels: ChannelName[], holder: string, until: Date): Promise<ClaimedRow[]>;
  /** The marks end the claim. */
  markSent(id: number, at: Date, platformMessageId?: string): Promise<void>;
  /** Records that the first `partsSent` parts of a row went out (and the id of the message that carries its choices). */
  markPartSent(id: number, partsSent: number, platformMessageId?: string): Promise<void>;
  /** Rows queued behind `row` in its chat and due now, oldest first (at most `limit`). */
  queuedBehind(row: OutboxRow, now: Date, limit: number): Promise<OutboxRow[]>;
  /** The rows combined into `leadId` (messages, and the edits folded in), oldest first. */
  membersOf(leadId: number): Promise<OutboxRow[]>;
  /**
   * Makes `lead` the combined message of its members and `joining`: on the `first` merge (the lead
   * has no members yet) the lead's own message is kept as a member (edits aimed at it follow); the
   * joining rows leave the queue; the `sending` row (an edit re-drawing the combined message) joins
   * it and stays queued until marked sent. Returns the lead as it is to be sent now.
   */
  merge(
    lead: OutboxRow,
    joining: OutboxRow[],
    combined: { text: string; actions: ActionRef[] },
    first: boolean,
    sending?: number,
  ): Promise<OutboxRow>;
  /** Takes rows out of the queue that `byId` already carries (later edits of the same message); `byId` shows the latest. */
  supersede(ids: number[], byId: number, latest: { text: string; actions: ActionRef[] }): Promise<void>;
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
  /** Called once when a row is given up (parked as failed), with why. */
  onGiveUp?(row: OutboxRow, reason: string): void;
  /** This instance's name in claims (several instances may share the outbox). */
  holder?: string;
  /** How long a claim lasts: an instance that dies holding rows delays them this long. */
  claimMs?: number;
  /** Sends at most this many messages (of different chats) at once. */
  concurrency?: number;
  /** Whether a channel can send from here now (WhatsApp: only the instance holding the socket). */
  canSend?(channel: ChannelName): boolean;
  /** Counts sends and failed sends. */
  metrics?: Pick<EngineMetrics, "sent" | "sendFailed">;
}

export interface OutboxDispatcher {
  /** Sends everything due now; resolves after a full pass that started after the call. */
  flush(): Promise<{ sent: number; retried: number; failed: number }>;
  /** Resolves when no pass is running or queued (used before closing the database). */
  settled(): Promise<void>;
}

const WAKE_MARGIN_MS = 5;
const MAX_WAKES = 1_000;

export function backoffMs(attempt: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.max(0, attempt - 1));
}

export function createOutboxDispatcher(options: DispatcherOptions): OutboxDispatcher {
  const maxAttempts = options.maxAttempts ?? 10;
  const base = options.baseDelayMs ?? 2_000;
  const max = options.maxDelayMs ?? 10 * 60_000;
  const holder = options.holder ?? "local";
  const claimMs = options.claimMs ?? 60_000;
  const concurrency = options.concurrency ?? 16;
  let chain: Promise<unknown> = Promise.resolve();
  /** When deferred or retried rows come due (sorted, bounded); the earliest has the timer. */
  const wakeTimes: number[] = [];
  let timerAt = Infinity;
  let wakeTimer: ReturnType<typeof setTimeout> | undefined;
  /** A deferred or retried row comes due soon: flush again then, not at the next scheduler tick. */
  function wakeUpAt(when: Date): void {
    const at = when.getTime();
    if (at - options.clock.now().getTime() > 60_000) return;
    if (!wakeTimes.includes(at)) {
      const index = wakeTimes.findIndex((t) => t > at);
      wakeTimes.splice(index < 0 ? wakeTimes.length : index, 0, at);
      // Beyond the bound the latest wait for the scheduler's tick, as they would without a timer.
      if (wakeTimes.length > MAX_WAKES) wakeTimes.length = MAX_WAKES;
    }
    armTimer();
  }

  function armTimer(): void {
    const first = wakeTimes[0];
    if (first === undefined || first >= timerAt) return;
    if (wakeTimer) clearTimeout(wakeTimer);
    timerAt = first;
    // A timer may fire a millisecond before the wall clock reaches `first`; the claim compares with
    // the wall clock, so the row would wait for the next scheduler tick. Wake a little late instead.
    wakeTimer = setTimeout(
      () => {
        timerAt = Infinity;
        wakeTimer = undefined;
        const now = options.clock.now().getTime();
        while (wakeTimes.length > 0 && (wakeTimes[0] as number) <= now) wakeTimes.shift();
        void flush()
          .catch(() => undefined)
          .finally(armTimer);
      },
      Math.max(0, first - options.clock.now().getTime()) + WAKE_MARGIN_MS,
    );
    wakeTimer.unref?.();
  }

  /** The pass queued behind the running one: every flush until it starts shares it. */
  let waiting: Promise<{ sent: number; retried: number; failed: number }> | undefined;
  function flush() {
    // A pass that has not started yet will see everything saved before this call: join it. Under
    // load this keeps one running and one waiting pass, not one pass (and its claims) per update.
    if (waiting) return waiting;
    const start = () => {
      waiting = undefined;
      return pass();
    };
    const run = chain.then(start, start);
    waiting = run;
    chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Before a paced channel sends a chat's oldest row, what queued up behind it joins it; an edit of
   * one part of a combined message re-draws the whole combined message.
   */
  async function combine(row: ClaimedRow): Promise<{ row: OutboxRow; editOf?: string } | null> {
    // Only what the claim saw queued behind the row is read (most rows have nothing behind them).
    const queuedBehind = async () => (row.behind ? options.outbox.queuedBehind(row, options.clock.now(), 2 * MERGE_MAX) : []);
    if (row.editOfId !== undefined) {
      const target = row.target;
      if (!target?.platformMessageId) return null;
      // Where messages cannot be edited (WhatsApp) nothing is re-drawn.
      if (!editableChannels.has(row.channel)) return { row, editOf: target.platformMessageId };
      // Edits queued right behind this one for the same message are folded in: one edit, showing the latest.
      const queued = await queuedBehind();
      if (target.mergedIntoId === null) {
        const later: OutboxRow[] = [];
        for (const q of queued) {
          if (q.editOfId !== row.editOfId) break;
          later.push(q);
        }
        const last = later.at(-1);
        if (!last) return { row, editOf: target.platformMessageId };
        const latest = { text: last.text, actions: last.actions ?? [] };
        await options.outbox.supersede(
          later.map((q) => q.id),
          row.id,
          latest,
        );
        return { row: { ...row, ...latest }, editOf: target.platformMessageId };
      }
      // A retried re-draw is a member already (it joined on its first try).
      const members = (await options.outbox.membersOf(target.mergedIntoId)).filter((m) => m.id !== row.id);
      const memberIds = new Set(members.filter((m) => m.editOfId === undefined).map((m) => m.id));
      const folded: OutboxRow[] = [];
      for (const q of queued) {
        if (q.editOfId === undefined || !memberIds.has(q.editOfId)) break;
        folded.push(q);
      }
      const combined = composeMerged([...members, row, ...folded]);
      // The edits join the combined message (later re-draws include them), and re-draw it all once.
      const lead = { ...row, id: target.mergedIntoId, text: combined.text, actions: combined.actions } as OutboxRow;
      const updated = await options.outbox.merge(lead, folded, combined, false, row.id);
      return { row: { ...updated, editOfId: row.editOfId, id: row.id }, editOf: target.platformMessageId };
    }
    if (row.partsSent > 0 || !mergeable(row)) return { row };
    const queued = await queuedBehind();
    if (queued.length === 0) return { row };
    const members = await options.outbox.membersOf(row.id);
    const base = members.length > 0 ? members : [row];
    const joining = pickFollowers(base, queued);
    if (joining.length === 0) return { row };
    return { row: await options.outbox.merge(row, joining, composeMerged([...base, ...joining]), members.length === 0) };
  }

  async function sendOne(claimed: ClaimedRow, counts: { sent: number; retried: number; failed: number }): Promise<void> {
    let row: OutboxRow = claimed;
    const sender = options.senders[row.channel];
    const attempts = row.attempts + 1;
    try {
      if (!sender) throw new SendFailure(`channel ${row.channel} is not running`, true);
      let edit: { platformMessageId: string } | undefined;
      if (!("send" in sender) && sender.merges) {
        const combined = await combine(claimed);
        if (!combined) {
          // Nothing (yet) to edit: the original was never sent or its channel has no ids. Skip.
          await options.outbox.markSent(row.id, options.clock.now());
          return;
        }
        row = combined.row;
        if (combined.editOf) edit = { platformMessageId: combined.editOf };
      } else if (row.editOfId !== undefined) {
        const target = claimed.target;
        if (!target?.platformMessageId) {
          await options.outbox.markSent(row.id, options.clock.now());
          return;
        }
        edit = { platformMessageId: target.platformMessageId };
      }
      const message: OutboundMessage = {
        channel: row.channel,
        chatId: row.chatId,
        text: row.text,
        ...(row.actions ? { actions: row.actions } : {}),
        ...(row.fileIds ? { fileIds: row.fileIds } : {}),
        ...(edit ? { edit } : {}),
        outboxId: row.id,
      };
      if ("send" in sender) {
        const result = await sender.send(message);
        await options.outbox.markSent(row.id, options.clock.now(), result?.platformMessageId);
      } else {
        // Part by part, from the first not yet sent: a retry never repeats a part that went out.
        const parts = sender.parts(message);
        let platformMessageId: string | undefined;
        for (let i = row.partsSent; i < parts.length; i++) {
          const part = parts[i] as OutboundPart;
          const result = await sender.sendPart(message, part);
          const id = part.kind === "text" && part.withActions ? result?.platformMessageId : undefined;
          if (id) platformMessageId = id;
          if (i < parts.length - 1) await options.outbox.markPartSent(row.id, i + 1, id);
        }
        await options.outbox.markSent(row.id, options.clock.now(), platformMessageId);
      }
      counts.sent += 1;
      options.metrics?.sent(row.channel);
    } catch (error) {
      if (error instanceof SendFailure && error.deferred) {
        const at = new Date(options.clock.now().getTime() + (error.retryAfterMs ?? 1000));
        await options.outbox.markRetry(row.id, row.attempts, at, row.lastError ?? "");
        wakeUpAt(at);
        return;
      }
      options.onError?.(row, error);
      options.metrics?.sendFailed(row.channel, sendFailureReason(error));
      // A send failure's text is ours (a status and the platform's description); any other error is
      // reduced to its kind and codes, so no value it carries is stored or logged.
      const message = error instanceof SendFailure ? error.message : errorSummary(error);
      const retryable = !(error instanceof SendFailure) || error.retryable;
      if (retryable && attempts < maxAttempts) {
        const wait = error instanceof SendFailure && error.retryAfterMs !== undefined ? error.retryAfterMs : backoffMs(attempts, base, max);
        const at = new Date(options.clock.now().getTime() + wait);
        await options.outbox.markRetry(row.id, attempts, at, message);
        wakeUpAt(at);
        counts.retried += 1;
      } else {
        await options.outbox.markFailed(row.id, attempts, message);
        options.onGiveUp?.(row, retryable ? `still failing after ${attempts} attempts: ${message}` : message);
        counts.failed += 1;
      }
    }
  }

  async function pass() {
    const counts = { sent: 0, retried: 0, failed: 0 };
    const channels = (Object.keys(options.senders) as ChannelName[]).filter((c) => options.canSend?.(c) ?? true);
    if (channels.length === 0) return counts;
    for (;;) {
      const now = options.clock.now();
      const rows = await options.outbox.claim(now, 100, channels, holder, new Date(now.getTime() + claimMs));
      if (rows.length === 0) return counts;
      // Each claimed row is the head of a different chat: sending them concurrently keeps every
      // chat's order. A mark that fails (database gone) leaves the claim to expire and the row to
      // be sent again later — at least once, never lost.
      let next = 0;
      const worker = async () => {
        while (next < rows.length) {
          const row = rows[next++]!;
          await sendOne(row, counts);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
    }
  }

  return { flush, settled: () => chain.then(() => undefined) };
}
