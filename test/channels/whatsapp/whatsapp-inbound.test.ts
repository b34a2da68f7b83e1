// WhatsApp loses nothing: messages that waited on the server while the bot was offline (appends) are
// answered, history and repeats are not; a sender known only by their LID is the enrolled official;
// a channel stopped and started again still reconnects after a drop; a failing session write is
// logged and tried again while the bot goes on; content the bot cannot read gets a polite answer.
// The events are hand-made from Baileys' proto types (test/helpers/wa-fixtures.ts).
import { rmSync } from "node:fs";
import { Writable } from "node:stream";
import type { WAMessage } from "@whiskeysockets/baileys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueEnrolmentCode } from "../../../src/engine/enrolment.ts";
import { createLogger } from "../../../src/logger.ts";
import { createWhatsAppInbox } from "../../../src/channels/whatsapp/whatsapp-inbox.ts";
import { createEngineStore } from "../../../src/store/engine-store.ts";
import { createInboundHoldStore } from "../../../src/store/inbound-hold-store.ts";
import { FakeClock, wita } from "../../helpers/harness.ts";
import { tempDir } from "../../helpers/temp-db.ts";
import { newDatabaseUrl, onPostgres, sqlClient } from "../../helpers/test-database.ts";
import { fixture } from "../../helpers/wa-fixtures.ts";
import { pairedDatabase, startWhatsAppApp, textEvent, type WaHarness } from "../../helpers/wa-harness.ts";

const MARIA = "6281100000001@s.whatsapp.net";
const MARIA_LID = "123456789012345@lid";
const dir = tempDir();
const clock = new FakeClock(wita("2026-03-16 08:30"));
let wa: WaHarness;
let databaseUrl = "";
let logged = "";
const sink = new Writable({
  write(chunk, _enc, done) {
    logged += chunk.toString();
    done();
  },
});

const textsTo = (jid: string, from: number) =>
  wa.sockets
    .flatMap((s) => s.sent)
    .slice(from)
    .filter((s) => s.jid === jid)
    .map((s) => String(s.content["text"] ?? ""));
const sentCount = () => wa.sockets.flatMap((s) => s.sent).length;

beforeAll(async () => {
  databaseUrl = await newDatabaseUrl(dir);
  await pairedDatabase(databaseUrl);
  wa = await startWhatsAppApp({
    databaseUrl,
    dir,
    clock,
    logger: createLogger("warn", sink),
    schedule: (fn, ms) => void setTimeout(fn, Math.min(ms, 50)),
  });
  const maria = await wa.app.db.prisma.official.findFirstOrThrow({ where: { name: "Maria Goreti Bria" } });
  const { code } = await createEngineStore(wa.app.db).transaction((tx) =>
    issueEnrolmentCode(tx, maria, clock.now(), 72, wa.app.enrolmentSecret),
  );
  await wa.feed([textEvent(clock, MARIA, `DAFTAR ${code}`, { pushName: "Maria" })]);
});
afterAll(async () => {
  await wa.app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("WhatsApp inbound", () => {
  it("answers a message that waited on the server while the bot was offline (an append), and ignores history and a repeat", async () => {
    const before = sentCount();
    const offline = fixture("offline-append");
    (offline.messages[0] as WAMessage).messageTimestamp = Math.floor(clock.now().getTime() / 1000);
    await wa.feed(offline.messages, "append");
    expect(textsTo(MARIA, before).join("\n")).toContain("Tidak ada tugas terbuka untuk Anda saat ini.");
    const after = sentCount();
    await wa.feed(offline.messages, "append"); // the same message again: a no-op
    await wa.feed(fixture("history-append").messages, "append");
    await wa.feed(fixture("stub-append").messages, "append");
    expect(sentCount()).toBe(after);
  });

  it("handles, after a restart, a message a dead process held and never finished; nothing handled stays held", async () => {
    // What a process killed while handling Maria's message leaves: the message held, no answer.
    const stranded = textEvent(clock, MARIA, "TUGAS");
    const inbox = createWhatsAppInbox(createInboundHoldStore(wa.app.db), "single", () => clock.now(), createLogger("silent"));
    await inbox.hold([{ type: "notify", message: stranded }]);
    clock.advanceMinutes(1); // the restart
    const before = sentCount();
    await wa.app.whatsapp?.stop();
    await wa.app.whatsapp?.start();
    wa.sock().emit("connection.update", { connection: "open" });
    await wa.feed([]);
    expect(textsTo(MARIA, before).join("\n")).toContain("Tidak ada tugas terbuka untuk Anda saat ini.");
    expect(await wa.app.db.prisma.inboundHold.count()).toBe(0);
    // Started again, nothing is handled twice.
    const after = sentCount();
    await wa.app.whatsapp?.stop();
    await wa.app.whatsapp?.start();
    wa.sock().emit("connection.update", { connection: "open" });
    await wa.feed([]);
    expect(sentCount()).toBe(after);
  });

  it("knows an enrolled official writing from a LID only", async () => {
    wa.sock().lidMap.set(MARIA_LID, "6281100000001:12@s.whatsapp.net");
    const before = sentCount();
    await wa.feed([textEvent(clock, MARIA_LID, "SAYA")]);
    expect(textsTo(MARIA, before).join("\n")).toContain("Anda: Maria Goreti Bria");
    const identity = await wa.app.db.prisma.chatIdentity.findFirst({ where: { channel: "whatsapp", externalId: MARIA } });
    expect(identity?.alias).toBe(MARIA_LID);
  });

  it.each([
    ["voice", "pesan suara"],
    ["sticker", "stiker"],
    ["location", "lokasi"],
    ["contact", "kontak"],
    ["video", "video"],
  ])("answers a %s politely with what it reads", async (name, words) => {
    const before = sentCount();
    await wa.feed(fixture(name).messages);
    expect(textsTo(MARIA, before)).toEqual([
      `Maaf, ${words} belum dapat kami baca. Silakan tulis pesan Anda dengan teks, atau kirim foto atau berkas PDF.`,
    ]);
  });
});

describe("WhatsApp robustness", () => {
  it("reconnects after a drop when the channel was stopped and started again (leadership lost, then regained)", async () => {
    await wa.app.whatsapp?.stop();
    expect(wa.app.whatsapp?.status()).toBe("stopped");
    await wa.app.whatsapp?.start();
    wa.sock().emit("connection.update", { connection: "open" });
    expect(wa.app.whatsapp?.status()).toBe("open");
    const sockets = wa.sockets.length;
    wa.sock().emit("connection.update", { connection: "close", lastDisconnect: { error: { output: { statusCode: 428 } } } });
    expect(wa.app.whatsapp?.status()).toBe("connecting");
    for (let i = 0; i < 20 && wa.sockets.length === sockets; i++) await new Promise((r) => setTimeout(r, 10));
    expect(wa.sockets.length).toBe(sockets + 1);
    wa.sock().emit("connection.update", { connection: "open" });
    expect(wa.app.whatsapp?.status()).toBe("open");
    const before = sentCount();
    await wa.feed([textEvent(clock, MARIA, "TUGAS")]);
    expect(textsTo(MARIA, before).length).toBe(1);
  });

  it("logs a failing credentials write, tries it again, and goes on", async () => {
    const db = await sqlClient(databaseUrl);
    if (onPostgres) {
      await db.run(
        `CREATE FUNCTION refuse_creds() RETURNS trigger AS $$ BEGIN IF NEW.key = 'creds' THEN RAISE EXCEPTION 'disk says no'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
      );
      await db.run(`CREATE TRIGGER refuse_creds BEFORE UPDATE ON "WhatsAppAuth" FOR EACH ROW EXECUTE FUNCTION refuse_creds()`);
    } else {
      await db.run(
        `CREATE TRIGGER refuse_creds BEFORE UPDATE ON "WhatsAppAuth" WHEN NEW.key = 'creds' BEGIN SELECT RAISE(ABORT, 'disk says no'); END`,
      );
    }
    logged = "";
    wa.sock().emit("creds.update", {});
    for (let i = 0; i < 100 && !logged.includes("whatsapp session write failed"); i++) await new Promise((r) => setTimeout(r, 10));
    expect(logged).toContain('"what":"credentials"');
    expect(logged).not.toContain("disk says no");
    await db.run(onPostgres ? `DROP TRIGGER refuse_creds ON "WhatsAppAuth"` : `DROP TRIGGER refuse_creds`);
    await db.close();
    // The retry lands once the database takes writes again; the bot answered all along.
    const before = sentCount();
    await wa.feed([textEvent(clock, MARIA, "SAYA")]);
    expect(textsTo(MARIA, before).join("\n")).toContain("Anda: Maria Goreti Bria");
    for (
      let i = 0;
      i < 100 && !logged.includes("whatsapp session write given up") && (logged.match(/session write failed/g) ?? []).length < 5;
      i++
    )
      await new Promise((r) => setTimeout(r, 10));
    expect(logged).not.toContain("whatsapp session write given up");
  });
});
