// The journey driver for WhatsApp: the real app with the socket stand-in, fed with upserts built
// from Baileys' proto types (hand-made); officials enrol with DAFTAR; a choice is a numbered reply
// quoting the message that offers it, as people do on WhatsApp.
import { rmSync } from "node:fs";
import { issueEnrolmentCode } from "../../src/engine/enrolment.ts";
import { createEngineStore } from "../../src/store/engine-store.ts";
import { FakeClock, wita } from "../helpers/harness.ts";
import { tempDir } from "../helpers/temp-db.ts";
import { newDatabaseUrl } from "../helpers/test-database.ts";
import { mediaEvent, pairedDatabase, startWhatsAppApp, textEvent, type WaHarness } from "../helpers/wa-harness.ts";
import { contentKey, officialNames, type Delivered, type JourneyDriver, type Person } from "./driver.ts";

const jids: Record<Person, string> = {
  applicant: "6281355500011@s.whatsapp.net",
  admin: "6281100000041@s.whatsapp.net",
  koordinator: "6281100000042@s.whatsapp.net",
};

export function whatsappDriver(): JourneyDriver {
  const dir = tempDir();
  const clock = new FakeClock(wita("2026-03-16 08:00"));
  let databaseUrl = "";
  let wa: WaHarness;

  function inbox(who: Person): (Delivered & { id: string })[] {
    const list: (Delivered & { id: string })[] = [];
    for (const s of wa.sockets.flatMap((x) => x.sent)) {
      if (s.jid !== jids[who]) continue;
      const doc = s.content["document"];
      if (Buffer.isBuffer(doc)) {
        list.at(-1)?.files.push({ name: String(s.content["fileName"]), key: contentKey(doc) });
        continue;
      }
      const text = String(s.content["text"] ?? "");
      const choices =
        /\n\nBalas (.+?)(?: — kasus [^.]+)?\.\n\(Bisa juga/
          .exec(text)?.[1]
          ?.split(", ")
          .map((c) => c.replace(/^\d+ untuk /, "")) ?? [];
      list.push({ id: s.id, text, choices, files: [] });
    }
    return list;
  }

  return {
    channel: "whatsapp",
    get databaseUrl() {
      return databaseUrl;
    },
    async start() {
      databaseUrl = await newDatabaseUrl(dir);
      await pairedDatabase(databaseUrl);
      wa = await startWhatsAppApp({ databaseUrl, dir, clock });
      const store = createEngineStore(wa.app.db);
      for (const who of ["admin", "koordinator"] as const) {
        const official = await wa.app.db.prisma.official.findFirstOrThrow({ where: { name: officialNames[who] } });
        const { code } = await store.transaction((tx) => issueEnrolmentCode(tx, official, clock.now(), 72, wa.app.enrolmentSecret));
        await wa.feed([textEvent(clock, jids[who], `DAFTAR ${code}`, { pushName: officialNames[who] })]);
        if (!inbox(who).at(-1)?.text.includes("Akun WhatsApp ini sekarang terdaftar")) throw new Error(`${who} not enrolled`);
      }
    },
    async say(who, text) {
      await wa.feed([textEvent(clock, jids[who], text)]);
    },
    async sendFile(who, file) {
      const event = mediaEvent(clock, jids[who], file);
      wa.media.set(event.key.id ?? "", file.bytes);
      await wa.feed([event]);
    },
    async choose(who, label) {
      const offering = [...inbox(who)].reverse().find((d) => d.choices.includes(label));
      if (!offering) throw new Error(`${who} was offered no "${label}"`);
      await wa.feed([textEvent(clock, jids[who], String(offering.choices.indexOf(label) + 1), { quotedId: offering.id })]);
    },
    inbox,
    async stop() {
      await wa.app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
