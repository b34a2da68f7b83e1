// Pure parts of the WhatsApp channel: reconnect decisions, classification of upserts (hand-made
// from Baileys' proto types, see test/helpers/wa-fixtures.ts),
// numbered-choice rendering and pacing; and the session round-trip through the database.
import { initAuthCreds, proto, type WAMessage } from "@whiskeysockets/baileys";
import { afterEach, describe, expect, it } from "vitest";
import { useDatabaseAuthState } from "../../../src/channels/whatsapp/auth-state.ts";
import { classify } from "../../../src/channels/whatsapp/inbound.ts";
import { renderForWhatsApp } from "../../../src/channels/whatsapp/outbound.ts";
import { createPacer } from "../../../src/engine/pacer.ts";
import { decideOnClose } from "../../../src/channels/whatsapp/reconnect-policy.ts";
import { createKeyValueStore } from "../../../src/store/key-value-store.ts";
import { openTempDb, type TempDb } from "../../helpers/temp-db.ts";
import { fixture } from "../../helpers/wa-fixtures.ts";

describe("reconnect decisions", () => {
  it.each([
    [515, 1, { action: "reconnect", delayMs: 0 }],
    [428, 1, { action: "reconnect", delayMs: 1000 }],
    [408, 3, { action: "reconnect", delayMs: 4000 }],
    [503, 8, { action: "reconnect", delayMs: 60_000 }],
    [500, 2, { action: "reconnect", delayMs: 2000 }],
    [undefined, 1, { action: "reconnect", delayMs: 1000 }],
    [undefined, 13, { action: "stop", clearSession: false, tellAdmin: true }],
    [401, 1, { action: "stop", clearSession: true, tellAdmin: true }],
    [440, 1, { action: "stop", clearSession: false, tellAdmin: true }],
    [411, 1, { action: "stop", clearSession: true, tellAdmin: true }],
    [403, 1, { action: "stop", clearSession: false, tellAdmin: true }],
  ] as const)("code %s, attempt %s → %j", (code, attempt, expected) => {
    expect(decideOnClose(code, attempt)).toMatchObject(expected);
  });
});

describe("classifying messages.upsert events", () => {
  it("reads plain text", () => {
    const [m] = fixture("text").messages;
    expect(classify(m as WAMessage, "notify")).toMatchObject({
      kind: "message",
      senderId: "6281100000001@s.whatsapp.net",
      alias: null,
      text: "BANTUAN",
      quotedId: null,
      media: null,
    });
  });
  it("reads a quoted reply", () => {
    const [m] = fixture("quoted-reply").messages;
    expect(classify(m as WAMessage, "notify")).toMatchObject({ kind: "message", text: "1", quotedId: "QUOTED-ID" });
  });
  it("resolves a LID sender to the phone-number JID and keeps the LID as alias", () => {
    const [m] = fixture("lid-sender").messages;
    expect(classify(m as WAMessage, "notify")).toMatchObject({
      kind: "message",
      senderId: "6281100000002@s.whatsapp.net",
      alias: "204175869307459@lid",
      text: "SAYA",
    });
  });
  it("reads an image and a document (inside documentWithCaptionMessage) with their declared sizes", () => {
    expect(classify(fixture("image").messages[0] as WAMessage, "notify")).toMatchObject({
      media: { type: "image", name: null, declaredSize: 48213 },
    });
    expect(classify(fixture("document").messages[0] as WAMessage, "notify")).toMatchObject({
      text: "SK pangkat terakhir terlampir",
      media: { type: "document", name: "SK Pangkat Kristina Bere.pdf", declaredSize: 182734 },
    });
  });
  it("ignores own, status, group, newsletter and reaction messages", () => {
    expect(fixture("ignored").messages.map((m) => classify(m, "notify"))).toEqual([
      { kind: "ignore", why: "own message" },
      { kind: "ignore", why: "status or broadcast" },
      { kind: "ignore", why: "group" },
      { kind: "ignore", why: "newsletter" },
      { kind: "ignore", why: "protocol or reaction" },
    ]);
  });
  it("takes an append that waited on the server while the bot was offline, but not history or a notification", () => {
    const since = 1773620400 - 600; // the session's mark, less the slack
    expect(classify(fixture("offline-append").messages[0] as WAMessage, "append", { appendSince: since })).toMatchObject({
      kind: "message",
      text: "TUGAS",
      timestamp: 1773620700,
    });
    expect(classify(fixture("history-append").messages[0] as WAMessage, "append", { appendSince: since })).toEqual({
      kind: "ignore",
      why: "history",
    });
    expect(classify(fixture("stub-append").messages[0] as WAMessage, "append", { appendSince: since })).toEqual({
      kind: "ignore",
      why: "notification",
    });
    expect(classify(fixture("text").messages[0] as WAMessage, "prepend")).toEqual({ kind: "ignore", why: "upsert type prepend" });
  });
  it.each([
    ["voice", "voice"],
    ["video", "video"],
    ["sticker", "sticker"],
    ["location", "location"],
    ["contact", "contact"],
  ])("knows a %s message as content it cannot read", (name, kind) => {
    expect(classify(fixture(name).messages[0] as WAMessage, "notify")).toMatchObject({
      kind: "message",
      text: null,
      media: null,
      unsupported: kind,
    });
  });
});

describe("outbound", () => {
  it("turns choices into a numbered line that names the case", () => {
    const text = renderForWhatsApp({
      channel: "whatsapp",
      chatId: "x",
      text: "Tugas baru — kasus 18-7QK3F\nLangkah 4",
      actions: [
        { label: "Setujui", token: "a" },
        { label: "Kembalikan", token: "b" },
      ],
    });
    expect(text).toContain("Balas 1 untuk Setujui, 2 untuk Kembalikan — kasus 18-7QK3F.");
  });
  it("paces sends per chat and overall", () => {
    const pacer = createPacer({ perChatMs: 1500, overallMs: 600, jitterMs: 0 });
    expect(pacer.reserve("a", 0)).toBe(0);
    expect(pacer.reserve("a", 1000)).toBe(500);
    expect(pacer.reserve("b", 300)).toBe(300);
    expect(pacer.reserve("b", 600)).toBe(0);
    expect(pacer.reserve("a", 1500)).toBe(0);
  });
});

describe("session in the database", () => {
  let t: TempDb | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it("saves and loads credentials and signal keys with their bytes intact", async () => {
    t = await openTempDb();
    const kv = createKeyValueStore(t.db, "dinas-ntt");
    const first = await useDatabaseAuthState(kv);
    expect(first.paired).toBe(false);
    first.state.creds.me = { id: "6281100000000:7@s.whatsapp.net", name: "Dinas" };
    first.state.creds.registered = true;
    await first.saveCreds();
    const session = new Uint8Array([1, 2, 3, 250]);
    await first.state.keys.set({
      session: { "6281100000001.0": session },
      "app-state-sync-key": { AAAA: proto.Message.AppStateSyncKeyData.fromObject({ keyData: new Uint8Array([9, 8, 7]), timestamp: 5 }) },
    });

    const again = await useDatabaseAuthState(createKeyValueStore(t.db, "dinas-ntt"));
    expect(again.paired).toBe(true);
    expect(again.state.creds.me?.id).toBe("6281100000000:7@s.whatsapp.net");
    expect(Buffer.from(again.state.creds.noiseKey.private).equals(Buffer.from(first.state.creds.noiseKey.private))).toBe(true);
    const loaded = await again.state.keys.get("session", ["6281100000001.0", "missing"]);
    expect(Buffer.from(loaded["6281100000001.0"] as Uint8Array)).toEqual(Buffer.from(session));
    expect(loaded["missing"]).toBeUndefined();
    const appKey = (await again.state.keys.get("app-state-sync-key", ["AAAA"]))["AAAA"];
    expect(appKey).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Buffer.from(appKey?.keyData as Uint8Array)).toEqual(Buffer.from([9, 8, 7]));

    await again.state.keys.set({ session: { "6281100000001.0": null } });
    expect(
      await (await useDatabaseAuthState(createKeyValueStore(t.db, "dinas-ntt"))).state.keys.get("session", ["6281100000001.0"]),
    ).toEqual({});
    // Another account's session is separate.
    expect((await useDatabaseAuthState(createKeyValueStore(t.db, "other"))).paired).toBe(false);
    expect(initAuthCreds().registered).toBe(false);
  });
});
