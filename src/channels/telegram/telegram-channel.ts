// The Telegram adapter (grammY): updates become InboundMessages for the engine; outbox rows become
// Bot API calls. Button presses are answered at once; the real reply comes from the outbox.
import { sequentialize } from "@grammyjs/runner";
import { Bot, HttpError, InlineKeyboard, InputFile, type BotError, type Context, type Transformer } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { TelegramInbox } from "./telegram-inbox.ts";
import { botChatOf, chatIdOn } from "./telegram-chats.ts";
import type { FilePort } from "../../engine/file-ports.ts";
import { messageParts, SendFailure, type ChannelSender } from "../../engine/outbox-dispatcher.ts";
import { createSlotPacer, telegramPacing, type PacingOptions } from "../../engine/pacer.ts";
import type { EventLog } from "../../engine/ports.ts";
import { storageFailureOf } from "../../engine/storage-unavailable.ts";
import { errorInfo } from "../../engine/error-info.ts";
import { messages } from "../../engine/messages.ts";
import type { InboundMessage, OutboundMessage } from "../../engine/types.ts";
import { isHarmlessEditError, toSendFailure } from "./telegram-errors.ts";

/** Telegram allows 4096 characters per message. */
export const TEXT_LIMIT = 4096;
/** The cloud Bot API serves downloads up to 20 MB. */
export const CLOUD_DOWNLOAD_LIMIT = 20 * 1024 * 1024;
/**
 * Longest a Bot API call may take before it is abandoned (default; TELEGRAM_API_TIMEOUT_SECONDS):
 * a hung send then fails as a network error (retryable; the outbox sends it again). Long polling
 * must ask for less (longPollSeconds).
 */
export const API_TIMEOUT_SECONDS = 30;

export interface TelegramChannelDeps {
  token: string;
  /**
   * The office whose own bot this is (TELEGRAM_BOT_TOKENS): its chats are known as "<chat id>@<office>"
   * and its messages name the office. Null or unset: the shared bot.
   */
  office?: string | null;
  apiRoot?: string | null;
  /** Known bot identity (tests, or to skip getMe). */
  botInfo?: UserFromGetMe;
  /** Test hook: intercepts every Bot API call. */
  transformer?: Transformer;
  receive(message: InboundMessage): Promise<void>;
  /** Refusal text for a button press that cannot act (foreign, stale, repeated), or null. */
  precheck(message: InboundMessage): Promise<string | null>;
  /** True when the Telegram user is an enrolled official (for the command menu). */
  isOfficial(userId: string): Promise<boolean>;
  files: FilePort;
  log: EventLog;
  now(): Date;
  /** Sending pace (defaults to Telegram's published limits); null turns pacing off. */
  pacing?: PacingOptions | null;
  /** Longest a Bot API call may take (default API_TIMEOUT_SECONDS). */
  apiTimeoutSeconds?: number;
  /** Keeps each update in the database from arrival until handled (see telegram-inbox.ts). */
  inbox?: TelegramInbox;
}

export const publicCommands = [
  { command: "layanan", description: "Daftar layanan dan pendaftaran" },
  { command: "status", description: "Posisi permohonan Anda: /status KODE" },
  { command: "bantuan", description: "Cara memakai layanan ini" },
];

export const officialCommands = [
  { command: "tugas", description: "Tugas saya yang masih terbuka" },
  { command: "kasus", description: "Status dan riwayat kasus: /kasus KODE" },
  { command: "dokumen", description: "Berkas sebuah kasus: /dokumen KODE" },
  { command: "buka", description: "Buka kasus baru: /buka NOMOR-SOP perihal" },
  { command: "delegasi", description: "Tetapkan atau akhiri Plt./Plh." },
  { command: "batalkan", description: "Batalkan kasus: /batalkan KODE alasan" },
  { command: "jatuhtempo", description: "Tenggat KGB, pensiun, kenaikan pangkat" },
  { command: "pejabat", description: "Daftar jabatan dan pejabat" },
  { command: "saya", description: "Siapa saya menurut sistem" },
  { command: "bantuan", description: "Bantuan" },
];

const apology = "Maaf, terjadi kesalahan pada sistem saat memproses pesan Anda. Silakan coba lagi sebentar lagi.";

/** The same error with the bot token cut out of its cause's message and stack (network failures name the URL). */
export function withoutToken(error: unknown, token: string): unknown {
  if (!(error instanceof HttpError)) return error;
  const cause = error.error;
  if (!(cause instanceof Error)) return error;
  const scrub = (text: string) => text.split(token).join("<token>");
  const safe = new Error(scrub(cause.message));
  safe.name = cause.name;
  safe.stack = scrub(cause.stack ?? "");
  const code = (cause as { code?: unknown }).code;
  if (code !== undefined) Object.assign(safe, { code });
  return new HttpError(scrub(error.message), safe);
}

/** Splits a long text at line breaks into parts Telegram accepts. */
export function splitText(text: string, limit = TEXT_LIMIT): string[] {
  if (text.length <= limit) return [text];
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf("\n", limit);
    if (cut < limit / 2) cut = limit;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, "");
  }
  if (rest) parts.push(rest);
  return parts;
}

/** Telegram shows a picture as a photo only up to 10 MB, width + height ≤ 10000 and a ratio ≤ 20. */
export function fitsAsPhoto(mime: string, bytes: Buffer): boolean {
  if (mime !== "image/png" && mime !== "image/jpeg") return false;
  if (bytes.length > 10 * 1024 * 1024) return false;
  if (mime === "image/jpeg") return true;
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  return width + height <= 10_000 && Math.max(width, height) / Math.max(1, Math.min(width, height)) <= 20;
}

export function keyboardOf(message: OutboundMessage): InlineKeyboard | undefined {
  if (!message.actions || message.actions.length === 0) return undefined;
  const keyboard = new InlineKeyboard();
  message.actions.forEach((a, i) => {
    keyboard.text(a.label, `a:${a.token}`);
    if (i % 2 === 1) keyboard.row();
  });
  return keyboard;
}

export function createTelegramChannel(deps: TelegramChannelDeps) {
  const bot = new Bot(deps.token, {
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
    client: { ...(deps.apiRoot ? { apiRoot: deps.apiRoot } : {}), timeoutSeconds: deps.apiTimeoutSeconds ?? API_TIMEOUT_SECONDS },
  });
  if (deps.transformer) bot.api.config.use(deps.transformer);
  // Outermost: no error leaves the Bot API client with the token in it (a network failure's cause
  // names the request URL, /bot<token>/…), whoever prints it — grammY, the runner, Node on an
  // unhandled rejection. Polling failures are logged here, by kind, at most once a minute.
  let lastPollWarning = 0;
  bot.api.config.use(async (prev, method, payload, signal) => {
    try {
      return await prev(method, payload, signal);
    } catch (error) {
      const safe = withoutToken(error, deps.token);
      // A poll aborted on purpose (the bot is stopping) is not a failure.
      if (method === "getUpdates" && !signal?.aborted && Date.now() - lastPollWarning > 60_000) {
        lastPollWarning = Date.now();
        deps.log.warn(errorInfo(safe), "telegram polling failed; retrying");
      }
      throw safe;
    }
  });
  const apiRoot = deps.apiRoot ?? "https://api.telegram.org";
  const maxBytes = deps.files.maxBytes;
  const maxMb = Math.round(maxBytes / 1024 / 1024);

  const office = deps.office ?? null;
  /** The engine's id of a chat with this bot (see telegram-chats.ts). */
  const chatOf = (telegramChatId: number) => chatIdOn(office, telegramChatId);
  const base = (ctx: Context, id: string): Omit<InboundMessage, "receivedAt"> => ({
    channel: "telegram",
    chatId: ctx.chat || ctx.from ? chatOf(ctx.chat?.id ?? ctx.from?.id ?? 0) : "",
    senderId: String(ctx.from?.id ?? ""),
    ...(ctx.from ? { senderName: [ctx.from.first_name, ctx.from.last_name].filter(Boolean).join(" ") } : {}),
    ...(office ? { office } : {}),
    messageId: id,
  });

  async function refreshMenu(ctx: Context): Promise<void> {
    if (!ctx.chat || !ctx.from) return;
    if (await deps.isOfficial(String(ctx.from.id))) {
      await bot.api
        .setMyCommands(officialCommands, { scope: { type: "chat", chat_id: ctx.chat.id } })
        .catch((e: unknown) => deps.log.warn(errorInfo(e), "setMyCommands failed"));
    }
  }

  // Held before anything else, so an update waiting for its chat's turn survives a crash too.
  if (deps.inbox) bot.use(deps.inbox.middleware());
  // One update at a time per chat (the runner fetches concurrently across chats).
  bot.use(sequentialize((ctx: Context) => (ctx.chat?.id ?? ctx.from?.id)?.toString()));

  // One bad update never stops the bot: log without personal data, apologize, go on. The boundary
  // holds in every mode (runner, webhook, handleUpdate), unlike bot.catch alone. When the storage
  // was locked, full or unreachable, nothing of the update was saved and the update counts as
  // handled (Telegram will not send it again): the sender is told to send it again.
  const answered = new WeakSet<Context>();
  const onError = async (err: BotError<Context>) => {
    const error = err.error;
    const storage = storageFailureOf(error);
    if (storage)
      deps.log.error(
        { update: err.ctx.update.update_id, storage: storage.fault, code: storage.code },
        "telegram update not recorded: storage unavailable",
      );
    else deps.log.error({ update: err.ctx.update.update_id, ...errorInfo(error) }, "telegram update failed");
    const text = storage ? messages.notRecorded(storage.fault) : apology;
    try {
      // A press already answered ("Diproses…") cannot be answered again: say it in the chat.
      if (err.ctx.callbackQuery && !answered.has(err.ctx)) await err.ctx.answerCallbackQuery({ text, show_alert: true });
      else if (err.ctx.chat) await err.ctx.reply(text);
    } catch {
      // The apology itself failed (e.g. Telegram is down); the update is already logged.
    }
  };
  bot.catch(onError);
  const safe = bot.errorBoundary(onError);

  // This bot serves private chats; in a group it says so once per command and ignores the rest.
  safe.use(async (ctx, next) => {
    if (ctx.chat && ctx.chat.type !== "private") {
      if (ctx.message?.text?.startsWith("/")) await ctx.reply("Layanan ini melalui chat pribadi. Silakan buka chat dengan bot ini.");
      return;
    }
    await next();
  });

  safe.on("callback_query:data", async (ctx) => {
    const match = /^a:([A-Za-z0-9_-]{6,40})$/.exec(ctx.callbackQuery.data);
    if (!match?.[1]) {
      await ctx.answerCallbackQuery({ text: "Tombol ini tidak dikenal.", show_alert: true });
      return;
    }
    const message: InboundMessage = { ...base(ctx, `cb:${ctx.callbackQuery.id}`), action: { token: match[1] }, receivedAt: deps.now() };
    const refusal = await deps.precheck(message);
    if (refusal) {
      await ctx.answerCallbackQuery({ text: refusal, show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery({ text: "Diproses…" });
    answered.add(ctx);
    await deps.receive(message);
  });

  safe.on("message:text", async (ctx) => {
    const text = ctx.message.text;
    await deps.receive({ ...base(ctx, `${chatOf(ctx.chat.id)}:${ctx.message.message_id}`), text, receivedAt: deps.now() });
    if (/^\/(start|daftar)\s+\S+/i.test(text)) await refreshMenu(ctx);
  });

  safe.on(["message:document", "message:photo"], async (ctx) => {
    const id = `${chatOf(ctx.chat.id)}:${ctx.message.message_id}`;
    const doc = ctx.message.document;
    const photo = ctx.message.photo?.at(-1);
    const declared = doc?.file_size ?? photo?.file_size ?? 0;
    const name = doc?.file_name ?? (photo ? `foto-${ctx.message.message_id}.jpg` : null);
    const caption = ctx.message.caption;
    const inbound = { ...base(ctx, id), ...(caption ? { text: caption } : {}), receivedAt: deps.now() };
    if (declared > maxBytes || declared > (deps.apiRoot ? Number.POSITIVE_INFINITY : CLOUD_DOWNLOAD_LIMIT)) {
      await deps.receive({ ...inbound, attachment: { rejected: "too-large", maxMb } });
      return;
    }
    let bytes: Uint8Array;
    try {
      const file = await ctx.getFile();
      if (!file.file_path) throw new Error("no file_path");
      const response = await fetch(`${apiRoot}/file/bot${deps.token}/${file.file_path}`);
      if (!response.ok) throw new Error(`download ${response.status}`);
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      deps.log.warn({ update: ctx.update.update_id, ...errorInfo(error) }, "telegram file download failed");
      await deps.receive({ ...inbound, attachment: { rejected: "failed", maxMb } });
      return;
    }
    // The uploader is the chat (on an office's own bot, "<id>@<office>"), as the case records its opener.
    const saved = await deps.files.save({ bytes, name, channel: "telegram", uploaderId: chatOf(ctx.chat.id), at: deps.now() });
    await deps.receive({ ...inbound, attachment: saved.ok ? { file: saved.file } : { rejected: saved.reason, maxMb } });
  });

  // Anything else (voice, video, stickers, locations, contacts …) is answered with what the bot reads.
  safe.on("message", async (ctx) => {
    const m = ctx.message;
    const unsupported =
      m.voice || m.audio
        ? "voice"
        : m.video || m.video_note || m.animation
          ? "video"
          : m.sticker
            ? "sticker"
            : m.location || m.venue
              ? "location"
              : m.contact
                ? "contact"
                : "other";
    await deps.receive({ ...base(ctx, `${chatOf(ctx.chat.id)}:${m.message_id}`), unsupported, receivedAt: deps.now() });
  });

  const pacer = deps.pacing === null ? null : createSlotPacer(deps.pacing ?? telegramPacing);
  const sender = {
    merges: true,
    parts: (message) => messageParts(message, (text) => splitText(text)),
    async sendPart(message, part) {
      // Telegram's own chat id (the engine's names this bot's chats with the office; telegram-chats.ts).
      const chatId = botChatOf(message.chatId).telegramChatId;
      // A file is read and decrypted before its slot is booked, so the request leaves when booked.
      const file = part.kind === "file" ? await deps.files.read(part.fileId) : null;
      if (part.kind === "file" && !file) return undefined; // removed since (a file that was not kept): nothing to send
      // Stay under Telegram's limits instead of running into its 429 answers: every part (a text
      // chunk, a file, an edit) is a message of its own to Telegram and takes its own slot. A chat
      // that must still wait puts the part back in the outbox for then (not counted as a failure),
      // so what queues for that chat meanwhile goes out with it, combined; a wait for the overall
      // rhythm only (other chats' messages) is waited in place, up to 1.5 s. Inbound messages do not
      // wait for these sends.
      const chatWait = pacer?.chatWait(chatId, Date.now()) ?? 0;
      if (chatWait > 0) throw new SendFailure("paced", true, chatWait, true);
      const slot = pacer?.book(chatId, Date.now(), 1500) ?? { booked: true, waitMs: 0 };
      if (!slot.booked) throw new SendFailure("paced", true, slot.retryAfterMs, true);
      if (slot.waitMs > 0) await new Promise((resolve) => setTimeout(resolve, slot.waitMs));
      // Timers fire late under load and wake together: what actually leaves keeps the overall rhythm.
      for (let wait = pacer?.admit(Date.now()) ?? 0; wait > 0; wait = pacer?.admit(Date.now()) ?? 0)
        await new Promise((resolve) => setTimeout(resolve, wait));
      try {
        if (part.kind === "edit") {
          if (!message.edit) return undefined;
          try {
            // An edit shows the outcome and removes the choices, or replaces them (a step just taken).
            await bot.api.editMessageText(chatId, Number(message.edit.platformMessageId), message.text.slice(0, TEXT_LIMIT), {
              reply_markup: keyboardOf(message) ?? { inline_keyboard: [] },
            });
          } catch (error) {
            if (!isHarmlessEditError(error)) throw error;
          }
          return undefined;
        }
        if (part.kind === "text") {
          const keyboard = part.withActions ? keyboardOf(message) : undefined;
          const sent = await bot.api.sendMessage(chatId, part.text, keyboard ? { reply_markup: keyboard } : {});
          return { platformMessageId: String(sent.message_id) };
        }
        if (!file) return undefined;
        if (fitsAsPhoto(file.mime, file.bytes))
          await bot.api.sendPhoto(chatId, new InputFile(file.bytes, file.name), { caption: file.name });
        else await bot.api.sendDocument(chatId, new InputFile(file.bytes, file.name));
        return undefined;
      } catch (error) {
        throw toSendFailure(error);
      } finally {
        pacer?.done(chatId, Date.now());
      }
    },
  } satisfies ChannelSender;

  return {
    bot,
    /** The office whose own bot this is; null: the shared bot. */
    office,
    sender,
    /** Sets the public command menu (officials get theirs per chat after enrolment). */
    async setPublicCommands(): Promise<void> {
      await bot.api.setMyCommands(publicCommands);
    },
    async setOfficialCommands(chatIds: string[]): Promise<void> {
      for (const id of chatIds)
        await bot.api.setMyCommands(officialCommands, { scope: { type: "chat", chat_id: Number(botChatOf(id).telegramChatId) } });
    },
  };
}

export type TelegramChannel = ReturnType<typeof createTelegramChannel>;
