// Telegram forgets an update once it is confirmed: with long polling, by the next getUpdates (which
// the runner sends while the previous batch is still being handled); with a webhook, by our 200
// answer (given after 9 s even if the handling goes on). So every update is held in the database
// before it can be confirmed, released once handled, and handled again after a crash (the inbound
// receipt makes anything already done a no-op).
import type { Bot, Context, MiddlewareFn } from "grammy";
import type { Update } from "grammy/types";
import { errorInfo } from "../../engine/error-info.ts";
import type { Clock, EventLog, InboundHoldPort } from "../../engine/ports.ts";

export interface TelegramInbox {
  /** Holds a batch fetched by long polling, before the runner can confirm it. */
  holdFetched(updates: Update[]): Promise<void>;
  /** First middleware: holds an update not held yet (webhook, tests), releases it once handled. */
  middleware(): MiddlewareFn<Context>;
  /** Handles again what was held before `before` and never released (oldest first). */
  replay(bot: Bot, before: Date): Promise<number>;
}

/** `channel`: where this bot's updates are held (holdChannelOf: update ids are counted per bot). */
export function createTelegramInbox(
  port: InboundHoldPort,
  holder: string,
  clock: Clock,
  log: EventLog,
  channel = "telegram",
): TelegramInbox {
  /** Updates already held (by the poller, or taken back for a replay): the same objects reach the middleware. */
  const held = new WeakSet<Update>();
  const hold = async (updates: Update[]) => {
    try {
      const items = updates.map((u) => ({ messageId: String(u.update_id), payload: JSON.stringify(u) }));
      await port.hold(channel, items, holder, clock.now());
      for (const u of updates) held.add(u);
    } catch (error) {
      // Handling needs the same storage: it will tell the sender to send again if it is down too.
      log.error({ ...errorInfo(error), bot: channel }, "telegram updates not held");
    }
  };
  return {
    holdFetched: hold,
    middleware: () => async (ctx, next) => {
      if (!held.has(ctx.update)) await hold([ctx.update]);
      try {
        await next();
      } finally {
        // A failed release only means the update is handled again, as a no-op, after a restart.
        await port
          .release(channel, [String(ctx.update.update_id)])
          .catch((error: unknown) => log.warn(errorInfo(error), "telegram update release failed"));
      }
    },
    async replay(bot, before) {
      let handled = 0;
      for (;;) {
        const taken = await port.takeBack(channel, before, holder, clock.now(), 100);
        if (taken.length === 0) return handled;
        taken.sort((a, b) => Number(a.messageId) - Number(b.messageId));
        for (const t of taken) {
          const update = JSON.parse(t.payload) as Update;
          held.add(update);
          // The bot's error boundary answers the sender and logs; nothing else is left to do here.
          await bot.handleUpdate(update).catch((error: unknown) => log.error(errorInfo(error), "telegram held update failed"));
          handled += 1;
        }
      }
    },
  };
}
