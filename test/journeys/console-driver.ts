// The journey driver for the console channel: the whole bot in-process on its own database, typed
// into as each person in turn (/sebagai), files sent with /berkas, choices answered with their
// number (and, when the newest numbered message is another one, /tugas first — as a person would).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { OutboundMessage } from "../../src/engine/types.ts";
import { startHarness, wita, type Harness } from "../helpers/harness.ts";
import { contentKey, officialNames, type Delivered, type JourneyDriver, type OutgoingFile, type Person } from "./driver.ts";

export function consoleDriver(applicantName: string): JourneyDriver & { readonly harness: Harness } {
  let h: Harness;
  const inboxes = new Map<string, Delivered[]>();
  const chatOf: Record<Person, string> = { applicant: "", admin: "", koordinator: "" };
  let current: Person | null = null;

  async function as(who: Person): Promise<void> {
    if (current === who) return;
    await h.as(who === "applicant" ? `+${applicantName}` : officialNames[who]);
    current = who;
  }

  return {
    channel: "console",
    get harness() {
      return h;
    },
    get databaseUrl() {
      return h.databaseUrl;
    },
    async start() {
      h = await startHarness({ now: wita("2026-03-16 08:00"), secondsPerMessage: 5 });
      const consoleChannel = h.app.consoleChannel;
      const files = h.app.files;
      if (!consoleChannel || !files) throw new Error("console channel or file store missing");
      // Record every message the outbox delivers to a console chat, as it is delivered.
      const deliver = consoleChannel.deliver.bind(consoleChannel);
      consoleChannel.deliver = async (message: OutboundMessage) => {
        const sent: Delivered["files"] = [];
        for (const id of message.fileIds ?? []) {
          const file = await files.read(id);
          if (file) sent.push({ name: file.name, key: contentKey(file.bytes) });
        }
        const list = inboxes.get(message.chatId) ?? [];
        list.push({ text: message.text, choices: message.actions?.map((a) => a.label) ?? [], files: sent });
        inboxes.set(message.chatId, list);
        await deliver(message);
      };
      for (const who of ["admin", "koordinator"] as const) {
        const official = await h.app.db.prisma.official.findFirstOrThrow({
          where: { name: officialNames[who] },
          include: { identities: true },
        });
        const identity = official.identities.find((i) => i.channel === "console");
        if (!identity) throw new Error(`${officialNames[who]} has no console identity`);
        chatOf[who] = `console:${identity.externalId}`;
      }
      chatOf.applicant = `console:baru-${applicantName
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "")}`;
    },
    async say(who, text) {
      await as(who);
      await h.say(text);
    },
    async sendFile(who: Person, file: OutgoingFile) {
      await as(who);
      const dir = path.join(h.dir, "uploads", String(Date.now() + Math.random()).replace(".", ""));
      mkdirSync(dir, { recursive: true });
      const target = path.join(dir, file.name);
      writeFileSync(target, file.bytes);
      await h.say(`/berkas ${target}`);
    },
    async choose(who, label) {
      await as(who);
      const latestNumbered = () => [...(inboxes.get(chatOf[who]) ?? [])].reverse().find((d) => d.choices.length > 0);
      if (!latestNumbered()?.choices.includes(label)) await h.say("/tugas");
      const latest = latestNumbered();
      const index = latest?.choices.indexOf(label) ?? -1;
      if (index < 0) throw new Error(`${who} has no choice "${label}" on the newest numbered message: ${JSON.stringify(latest)}`);
      await h.say(String(index + 1));
    },
    inbox: (who) => inboxes.get(chatOf[who]) ?? [],
    async stop() {
      await h.cleanup();
    },
  };
}
