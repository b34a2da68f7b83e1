// Which bot a chat is with: the chat ids of an office's own bot carry the office; an outbox row goes
// out through the bot its chat id names, and a chat with a bot no longer configured is parked.
import { describe, expect, it } from "vitest";
import { botChatOf, botNameOf, chatIdOn } from "../../../src/channels/telegram/telegram-chats.ts";
import { routeByBot } from "../../../src/channels/telegram/telegram-router.ts";
import { accountOfPlainChats } from "../../../src/engine/official-addresses.ts";
import type { TelegramChannel } from "../../../src/channels/telegram/telegram-channel.ts";
import { SendFailure } from "../../../src/engine/outbox-dispatcher.ts";
import type { OutboundMessage } from "../../../src/engine/types.ts";

describe("Telegram chats of several bots", () => {
  it("names the office's bot in the chat id, and the shared bot's chats as before", () => {
    expect(chatIdOn(null, 700101)).toBe("700101");
    expect(chatIdOn("kota-kupang", 700101)).toBe("700101@kota-kupang");
    expect(botChatOf("700101@kota-kupang")).toEqual({ office: "kota-kupang", telegramChatId: "700101" });
    expect(botChatOf("700101")).toEqual({ office: null, telegramChatId: "700101" });
    expect(botChatOf("-100200@kota-batam")).toEqual({ office: "kota-batam", telegramChatId: "-100200" });
    expect([botNameOf(null), botNameOf("kota-batam")]).toEqual(["telegram", "telegram@kota-batam"]);
  });

  it("sends each message through the bot of its chat; plain chats through the shared bot, else the default office's", async () => {
    const sent: string[] = [];
    const bot = (office: string | null) =>
      ({
        office,
        sender: {
          merges: true,
          parts: () => [],
          sendPart: async (m: OutboundMessage) => void sent.push(`${office ?? "shared"} ${m.chatId}`),
        },
      }) as unknown as TelegramChannel;
    const part = { kind: "text", index: 0, text: "x", withActions: false } as const;
    const message = (chatId: string): OutboundMessage => ({ channel: "telegram", chatId, text: "x" });
    const withShared = routeByBot([bot(null), bot("kota-kupang")], "ntt-provinsi");
    const officesOnly = routeByBot([bot("kota-batam"), bot("kota-kupang")], "kota-kupang");
    if ("send" in withShared || "send" in officesOnly) throw new Error("expected part senders");
    await withShared.sendPart(message("1@kota-kupang"), part);
    await withShared.sendPart(message("2"), part);
    await officesOnly.sendPart(message("3"), part);
    expect(sent).toEqual(["kota-kupang 1@kota-kupang", "shared 2", "kota-kupang 3"]);
    // A chat with a bot that is not configured (any more): nobody else may write there; parked, not retried.
    const refused = await withShared.sendPart(message("4@kota-batam"), part).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SendFailure);
    expect(refused).toMatchObject({ retryable: false });
    expect(accountOfPlainChats([{ office: "a" }, { office: "b" }], "b")).toEqual({ office: "b" });
  });
});
