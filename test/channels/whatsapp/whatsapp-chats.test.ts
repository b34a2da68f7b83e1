// Which WhatsApp number a chat is with: the chat ids of an office's own number carry the office (a JID
// has one "@", a second one names the office); an outbox row goes out through the number its chat id
// names, a number whose socket is not running here makes its rows wait, and a number no longer
// configured parks them.
import { describe, expect, it } from "vitest";
import { accountChatOf, accountNameOf, chatIdOn } from "../../../src/channels/whatsapp/whatsapp-chats.ts";
import { routeByAccount } from "../../../src/channels/whatsapp/whatsapp-router.ts";
import { accountOfPlainChats } from "../../../src/engine/official-addresses.ts";
import { SendFailure } from "../../../src/engine/outbox-dispatcher.ts";
import type { OutboundMessage } from "../../../src/engine/types.ts";

const JID = "6281234567890@s.whatsapp.net";
const LID = "204175869307459@lid";

describe("WhatsApp chats of several numbers", () => {
  it("names the office's number in the chat id, and the shared number's chats as before", () => {
    expect(chatIdOn(null, JID)).toBe(JID);
    expect(chatIdOn("kota-kupang", JID)).toBe(`${JID}@kota-kupang`);
    expect(accountChatOf(`${JID}@kota-kupang`)).toEqual({ office: "kota-kupang", jid: JID });
    expect(accountChatOf(`${LID}@kota-batam`)).toEqual({ office: "kota-batam", jid: LID });
    expect(accountChatOf(JID)).toEqual({ office: null, jid: JID });
    expect(accountChatOf(LID)).toEqual({ office: null, jid: LID });
    expect(accountChatOf("wa-1")).toEqual({ office: null, jid: "wa-1" });
    expect([accountNameOf(null), accountNameOf("kota-batam")]).toEqual(["whatsapp", "whatsapp@kota-batam"]);
  });

  it("sends each message through the number of its chat; plain chats through the shared number, else the default office's", async () => {
    const sent: string[] = [];
    const running = new Set<string | null>([null, "kota-kupang", "kota-batam"]);
    const account = (office: string | null) => ({
      office,
      held: () => running.has(office),
      sender: {
        merges: true,
        parts: () => [],
        sendPart: async (m: OutboundMessage) => void sent.push(`${office ?? "shared"} ${m.chatId}`),
      },
    });
    const part = { kind: "text", index: 0, text: "x", withActions: false } as const;
    const message = (chatId: string): OutboundMessage => ({ channel: "whatsapp", chatId, text: "x" });
    const withShared = routeByAccount([account(null), account("kota-kupang")], "ntt-provinsi");
    const officesOnly = routeByAccount([account("kota-batam"), account("kota-kupang")], "kota-kupang");
    if ("send" in withShared || "send" in officesOnly) throw new Error("expected part senders");
    await withShared.sendPart(message(`${JID}@kota-kupang`), part);
    await withShared.sendPart(message(JID), part);
    await officesOnly.sendPart(message(LID), part);
    expect(sent).toEqual([`kota-kupang ${JID}@kota-kupang`, `shared ${JID}`, `kota-kupang ${LID}`]);
    // A number not configured (any more): nobody else may write there; parked, not retried.
    const refused = await withShared.sendPart(message(`${JID}@kota-batam`), part).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SendFailure);
    expect(refused).toMatchObject({ retryable: false });
    // A number whose socket is stopped here (not paired, logged out): its rows wait, uncounted.
    running.delete("kota-kupang");
    const waiting = await withShared.sendPart(message(`${JID}@kota-kupang`), part).catch((e: unknown) => e);
    expect(waiting).toMatchObject({ retryable: true, deferred: true });
    expect(accountOfPlainChats([{ office: "a" }, { office: "b" }], "b")).toEqual({ office: "b" });
  });
});
