// Whether the Bot API answers this instance, for /readyz: the outcome of the latest Bot API call
// (with long polling there is always one, every few seconds). An error answer (blocked, 429, a bad
// request) is still an answer; no answer, or a 5xx, is not.
import type { Bot } from "grammy";

export interface TelegramHealth {
  state(): { ok: boolean; state: string };
}

/** Watches every Bot API call of `bot` from now on (install before polling or the webhook starts). */
export function watchTelegram(bot: Bot): TelegramHealth {
  let current = { ok: false, state: "starting" };
  bot.api.config.use(async (prev, method, payload, signal) => {
    try {
      const response = await prev(method, payload, signal);
      current = response.ok || response.error_code < 500 ? { ok: true, state: "connected" } : { ok: false, state: "bot api failing" };
      return response;
    } catch (error) {
      // Aborted by the bot itself (a stop) says nothing about the Bot API.
      if (!signal?.aborted) current = { ok: false, state: "bot api unreachable" };
      throw error;
    }
  });
  return { state: () => current };
}
