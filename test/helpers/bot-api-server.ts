// A Telegram Bot API stand-in on loopback: enough of the API for the bot to run against it for real
// (getMe, getUpdates long polling, webhooks, sendMessage, editMessageText, answerCallbackQuery,
// setMyCommands, getFile and downloads, sendDocument). Tests and benchmarks push updates into it and
// read what the bot called. It serves several bots at once (`tokens`), as a self-hosted Bot API
// server does: each has its own updates, webhook and rate limits, and each call records its bot. Optionally it enforces Telegram's rate limits with 429 + retry_after,
// and on demand it misbehaves like a Bot API having a bad day (faults(): 500s, hung requests, 429
// bursts) for the next calls of the methods named.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Update } from "grammy/types";

export interface RecordedCall {
  method: string;
  /** Which bot called: its index among the tokens (0: `token`, then `tokens` in order). */
  bot: number;
  payload: Record<string, unknown>;
  at: number;
  /** The HTTP status answered; 0 for a hung request that was never answered. */
  status: number;
  /** A hung request: how long until the client gave up (closed the connection); undefined if it never did. */
  abandonedAfterMs?: number;
  /** The message_id this stand-in gave a message it accepted (sendMessage, sendDocument, sendPhoto). */
  messageId?: number;
}

/** Faults for the next calls of `methods`, served in this order: 500s, then hangs, then 429s. */
export interface FaultPlan {
  /** Answer this many calls with 500 Internal Server Error. */
  status500?: number;
  /**
   * Hold this many calls without answering for `ms` (then drop the connection), or until the client
   * gives up. `accepted`: the call did take effect (the message exists, status 200 recorded) — only
   * the answer is lost, as when a connection breaks after Telegram has sent the message.
   */
  hang?: { count: number; ms: number; accepted?: boolean };
  /** Answer this many calls with 429 Too Many Requests and `retryAfter` seconds. */
  burst429?: { count: number; retryAfter: number };
  /** The methods the faults hit (default: sendMessage). */
  methods?: string[];
  /** Let this many calls of those methods through first. */
  after?: number;
}

type Fault = { kind: "500" } | { kind: "hang"; ms: number; accepted: boolean } | { kind: "429"; retryAfter: number } | { kind: "pass" };

export interface RateLimits {
  /** One message per chat in this window (Telegram: about 1000 ms). */
  chatWindowMs: number;
  /** At most `overallMax` messages in this window (Telegram: 30 per 1000 ms). */
  overallWindowMs: number;
  overallMax: number;
}

/** Telegram's published limits. */
export const telegramLimits: RateLimits = { chatWindowMs: 1000, overallWindowMs: 1000, overallMax: 30 };

export interface BotApiServerOptions {
  token: string;
  /** More bots served on the same address (bots 1, 2, …). */
  tokens?: string[];
  /** Enforce Telegram's limits (true) or the same rules on a scaled clock, with 429 + retry_after. */
  rateLimits?: boolean | RateLimits;
  files?: Map<string, Buffer>;
}

/** The files of a multipart upload (grammY sends each as a part with a filename): name and content hash. */
function multipartFiles(raw: Buffer, contentType: string): { name: string; sha: string; size: number }[] {
  const boundary = /boundary=([^;\s]+)/.exec(contentType)?.[1];
  if (!boundary) return [];
  const files: { name: string; sha: string; size: number }[] = [];
  const delimiter = Buffer.from(`--${boundary}`);
  let at = raw.indexOf(delimiter);
  while (at >= 0) {
    const next = raw.indexOf(delimiter, at + delimiter.length);
    if (next < 0) break;
    const part = raw.subarray(at + delimiter.length + 2, next - 2);
    const split = part.indexOf("\r\n\r\n");
    const header = part.subarray(0, split).toString("latin1");
    const name = /filename="?([^"\r\n;]+)"?/.exec(header)?.[1];
    if (name) {
      const body = part.subarray(split + 4);
      files.push({ name, sha: createHash("sha256").update(body).digest("hex").slice(0, 16), size: body.length });
    }
    at = next;
  }
  return files;
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startBotApiServer(options: BotApiServerOptions) {
  const calls: RecordedCall[] = [];
  const tokens = [options.token, ...(options.tokens ?? [])];
  /** Each bot's own updates, webhook and rate limits (Telegram counts messages per bot). */
  const bots = tokens.map(() => ({
    queue: [] as Update[],
    waiters: [] as (() => void)[],
    nextUpdateId: 1,
    /** The highest update id confirmed by a getUpdates offset (forgotten, as Telegram does). */
    confirmedUpTo: 0,
    webhook: null as { url: string; secret?: string } | null,
    perChat: new Map<string, number[]>(),
    overall: [] as number[],
  }));
  let messageId = 5000;
  let rejected429 = 0;
  /** Why each 429 was given (for a test's failure message). */
  const refusals: { chatId: string; at: number; why: string }[] = [];
  const faultQueue: { fault: Fault; methods: string[] }[] = [];
  const faultsServed = { status500: 0, hang: 0, status429: 0 };
  const hung = new Set<{ timer: ReturnType<typeof setTimeout>; end: () => void }>();

  const limits = options.rateLimits === true ? telegramLimits : options.rateLimits || null;
  const limited = (bot: (typeof bots)[number], chatId: string, now: number): number | null => {
    if (!limits) return null;
    const { perChat, overall } = bot;
    const recentChat = (perChat.get(chatId) ?? []).filter((t) => now - t < limits.chatWindowMs);
    const recentAll = overall.filter((t) => now - t < limits.overallWindowMs);
    // retry_after is in whole seconds, as Telegram answers it.
    if (recentChat.length >= 1 || recentAll.length >= limits.overallMax) {
      refusals.push({
        chatId,
        at: now,
        why: recentChat.length >= 1 ? `chat: last ${now - (recentChat.at(-1) ?? 0)} ms ago` : `overall: ${recentAll.length} in window`,
      });
      return 1;
    }
    recentChat.push(now);
    perChat.set(chatId, recentChat);
    overall.splice(0, overall.length, ...recentAll, now);
    return null;
  };

  const server: Server = createServer(async (req, res) => {
    // A request counts against the limits from when it arrived, not from when its body (a file) was
    // read: parsing uploads on a busy test machine would otherwise bunch arrivals into one window.
    const arrived = Date.now();
    const url = req.url ?? "";
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url);
    if (file?.[2] && tokens.includes(file[1] ?? "")) {
      const bytes = options.files?.get(file[2]);
      if (!bytes) res.writeHead(404).end();
      else res.writeHead(200).end(bytes);
      return;
    }
    const match = /^\/bot([^/]+)\/(\w+)/.exec(url);
    const botIndex = tokens.indexOf(match?.[1] ?? "");
    const bot = bots[botIndex];
    if (!match || !bot) {
      res
        .writeHead(404, { "content-type": "application/json" })
        .end(JSON.stringify({ ok: false, error_code: 404, description: "Not Found" }));
      return;
    }
    const method = match[2] ?? "";
    const raw = await body(req);
    let payload: Record<string, unknown> = {};
    if ((req.headers["content-type"] ?? "").includes("application/json") && raw.length > 0)
      payload = JSON.parse(raw.toString()) as Record<string, unknown>;
    else if ((req.headers["content-type"] ?? "").includes("multipart/form-data")) {
      const chat = /name="chat_id"\r\n\r\n([^\r]+)/.exec(raw.toString("latin1"));
      payload = { chat_id: chat?.[1], multipart: true, files: multipartFiles(raw, req.headers["content-type"] ?? "") };
    }
    const reply = (status: number, data: unknown) => {
      const result = (data as { result?: { message_id?: number } }).result;
      calls.push({
        method,
        bot: botIndex,
        payload,
        at: Date.now(),
        status,
        ...(typeof result?.message_id === "number" ? { messageId: result.message_id } : {}),
      });
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(data));
    };
    const ok = (result: unknown) => reply(200, { ok: true, result });
    const faultAt = faultQueue.findIndex((f) => f.methods.includes(method));
    const fault = faultAt >= 0 ? faultQueue.splice(faultAt, 1)[0]!.fault : null;
    if (fault?.kind === "500") {
      faultsServed.status500 += 1;
      reply(500, { ok: false, error_code: 500, description: "Internal Server Error" });
      return;
    }
    if (fault?.kind === "429") {
      faultsServed.status429 += 1;
      reply(429, {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${fault.retryAfter}`,
        parameters: { retry_after: fault.retryAfter },
      });
      return;
    }
    if (fault?.kind === "hang") {
      // A hung request: recorded with status 0 (200 when it took effect); never answered; the
      // connection is dropped after `ms`.
      faultsServed.hang += 1;
      const call: RecordedCall = {
        method,
        bot: botIndex,
        payload,
        at: Date.now(),
        status: fault.accepted ? 200 : 0,
        ...(fault.accepted ? { messageId: ++messageId } : {}),
      };
      calls.push(call);
      const entry = {
        timer: setTimeout(() => entry.end(), fault.ms),
        end: () => {
          clearTimeout(entry.timer);
          hung.delete(entry);
          res.destroy();
        },
      };
      hung.add(entry);
      res.on("close", () => {
        if (hung.has(entry)) call.abandonedAfterMs = Date.now() - call.at;
        clearTimeout(entry.timer);
        hung.delete(entry);
      });
      return;
    }
    const chat = { id: Number(payload["chat_id"]), type: "private", first_name: "x" };
    if (["sendMessage", "sendDocument", "sendPhoto", "editMessageText"].includes(method)) {
      const wait = limited(bot, String(payload["chat_id"]), arrived);
      if (wait !== null) {
        rejected429 += 1;
        reply(429, {
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${wait}`,
          parameters: { retry_after: wait },
        });
        return;
      }
    }
    switch (method) {
      case "getMe":
        return ok({
          id: 42 + botIndex,
          is_bot: true,
          first_name: "SOP Bot",
          username: botIndex === 0 ? "sopbot_test_bot" : `sopbot_test_${botIndex}_bot`,
          can_join_groups: false,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        });
      case "deleteWebhook":
        bot.webhook = null;
        return ok(true);
      case "setWebhook":
        bot.webhook = { url: String(payload["url"]), ...(payload["secret_token"] ? { secret: String(payload["secret_token"]) } : {}) };
        return ok(true);
      case "getUpdates": {
        const { queue, waiters } = bot;
        const offset = Number(payload["offset"] ?? 0);
        // Telegram forgets every update below the offset the moment the request arrives.
        if (offset > 0) queue.splice(0, queue.length, ...queue.filter((u) => u.update_id >= offset));
        bot.confirmedUpTo = Math.max(bot.confirmedUpTo, offset - 1);
        if (queue.length === 0) {
          const timeout = Math.min(Number(payload["timeout"] ?? 0), 1) * 1000;
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, timeout);
            waiters.push(() => {
              clearTimeout(t);
              resolve();
            });
          });
        }
        return ok(queue.slice(0, Number(payload["limit"] ?? 100)));
      }
      case "sendMessage":
        return ok({ message_id: ++messageId, date: Math.floor(Date.now() / 1000), chat, text: payload["text"] });
      case "sendDocument":
        return ok({ message_id: ++messageId, date: Math.floor(Date.now() / 1000), chat, document: { file_id: "d", file_unique_id: "d" } });
      case "sendPhoto":
        return ok({
          message_id: ++messageId,
          date: Math.floor(Date.now() / 1000),
          chat,
          photo: [{ file_id: "p", file_unique_id: "p", width: 1, height: 1 }],
        });
      case "getFile":
        return ok({ file_id: payload["file_id"], file_unique_id: "u", file_path: `documents/${String(payload["file_id"])}` });
      default:
        return ok(true);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    get webhook() {
      return bots[0]?.webhook ?? null;
    },
    get confirmedUpTo() {
      return bots[0]?.confirmedUpTo ?? 0;
    },
    /** Bot `bot`'s webhook (index among the tokens). */
    webhookOf: (bot: number) => bots[bot]?.webhook ?? null,
    get rejected429() {
      return rejected429;
    },
    refusals,
    /** How many faults of each kind were served so far. */
    get faultsServed() {
      return { ...faultsServed };
    },
    /** Faults queued but not yet served. */
    get pendingFaults() {
      return faultQueue.length;
    },
    /** Queues faults for the next calls of `plan.methods` (default sendMessage); see FaultPlan. */
    faults(plan: FaultPlan): void {
      const methods = plan.methods ?? ["sendMessage"];
      for (let i = 0; i < (plan.after ?? 0); i++) faultQueue.push({ fault: { kind: "pass" }, methods });
      for (let i = 0; i < (plan.status500 ?? 0); i++) faultQueue.push({ fault: { kind: "500" }, methods });
      for (let i = 0; i < (plan.hang?.count ?? 0); i++)
        faultQueue.push({ fault: { kind: "hang", ms: plan.hang?.ms ?? 0, accepted: plan.hang?.accepted ?? false }, methods });
      for (let i = 0; i < (plan.burst429?.count ?? 0); i++)
        faultQueue.push({ fault: { kind: "429", retryAfter: plan.burst429?.retryAfter ?? 1 }, methods });
    },
    /** Queues an update for getUpdates (long polling) of bot `bot` (default the first); returns its update_id. */
    push(update: Omit<Update, "update_id">, bot = 0): number {
      const b = bots[bot];
      if (!b) throw new Error(`no bot ${bot}`);
      const id = b.nextUpdateId++;
      b.queue.push({ ...update, update_id: id } as Update);
      for (const w of b.waiters.splice(0)) w();
      return id;
    },
    /** Resolves when a call matching `predicate` was recorded (or rejects after `ms`). */
    async waitFor(predicate: (c: RecordedCall) => boolean, ms = 10_000): Promise<RecordedCall> {
      const start = Date.now();
      for (;;) {
        const found = calls.find(predicate);
        if (found) return found;
        if (Date.now() - start > ms)
          throw new Error(`no matching Bot API call within ${ms} ms; saw: ${calls.map((c) => c.method).join(", ")}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const b of bots) for (const w of b.waiters.splice(0)) w();
        for (const h of [...hung]) h.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
