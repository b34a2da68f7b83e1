// Two offices in one process, each with its own WhatsApp number (WHATSAPP_OFFICE_ACCOUNTS), each number a
// socket stand-in fed with hand-made messages.upsert events built from Baileys' proto types (see
// wa-harness.ts; not recorded from a phone). The leader starts every number's socket; an applicant who
// writes to an office's number reaches that office without choosing one and is answered through that
// number; the office's official is told through it and the other office's official hears nothing; one
// office's official can neither see nor act on the other office's case; a message that arrived on a
// number and was held before a crash is handled again through that number's socket. The fake clock
// drives pacing (the smallest gaps allowed); the channels' timers run at once.
import { rmSync } from "node:fs";
import path from "node:path";
import { BufferJSON } from "@whiskeysockets/baileys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../../src/app.ts";
import { startOps } from "../../../src/app-ops.ts";
import { loadConfig } from "../../../src/config.ts";
import { createLogger } from "../../../src/logger.ts";
import type { HealthServer } from "../../../src/ops/health-server.ts";
import { realCatalog } from "../../helpers/catalog.ts";
import { FakeClock } from "../../helpers/harness.ts";
import { repoRoot } from "../../helpers/run-bot.ts";
import { tempDir } from "../../helpers/temp-db.ts";
import { newDatabaseUrl } from "../../helpers/test-database.ts";
import { FakeSocket, mediaEvent, pairedDatabase, textEvent } from "../../helpers/wa-harness.ts";
import { answerFor } from "../../journeys/conversation-scenarios.ts";

const offices = ["kota-kupang", "kota-batam"] as const;
type Office = (typeof offices)[number];
const KUPANG: Office = "kota-kupang";
const BATAM: Office = "kota-batam";
const other = (o: Office): Office => (o === KUPANG ? BATAM : KUPANG);
const officials = {
  [KUPANG]: { jid: "6281100000801@s.whatsapp.net", name: "Yulius Kupang" },
  [BATAM]: { jid: "6281100000802@s.whatsapp.net", name: "Rina Batam" },
} as const;
const applicants = {
  [KUPANG]: { jid: "6281300000901@s.whatsapp.net", person: { name: "Ani Lado", nik: "5371014506920002", phone: "0813 1111 2222" } },
  [BATAM]: { jid: "6281300000902@s.whatsapp.net", person: { name: "Budi Santoso", nik: "5371012308900001", phone: "0812 3456 7890" } },
} as const;
/** Wrote to Batam's number just before the crash; the bot held the message and never handled it. */
const LATE = "6281300000903@s.whatsapp.net";

const dir = tempDir();
// Thursday 12 March 2026, 09:00 WITA (08:00 WIB): both offices are open.
const clock = new FakeClock(new Date("2026-03-12T09:00:00+08:00"));
const sockets: Record<Office, FakeSocket[]> = { [KUPANG]: [], [BATAM]: [] };
const sock = (o: Office) => sockets[o].at(-1) as FakeSocket;
const media = new Map<string, Buffer>();
const codes: Partial<Record<Office, string>> = {};
let app: App;
let ops: HealthServer;
let heldId = "";

/** Waits until no number has a message in hand, then sends what is due, advancing the paced clock. */
async function settle(): Promise<void> {
  const busy = () => app.whatsappAccounts.reduce((n, a) => n + a.channel.busyChats(), 0);
  await new Promise((r) => setTimeout(r, 5));
  for (let i = 0; i < 2000 && busy() > 0; i++) await new Promise((r) => setTimeout(r, 5));
  for (let i = 0; i < 200 && (await app.db.prisma.outboxMessage.count({ where: { status: "pending" } })) > 0; i++) {
    clock.advanceMinutes(1 / 30); // 2 s: each number paces its sends
    await app.tick();
  }
}

/** A message from `jid` to office `o`'s number, handled and answered. */
async function say(o: Office, jid: string, text: string, quotedId?: string): Promise<void> {
  clock.advanceMinutes(5 / 60);
  sock(o).emit("messages.upsert", { messages: [textEvent(clock, jid, text, quotedId ? { quotedId } : {})], type: "notify" });
  await settle();
}

const sentTo = (o: Office, jid: string, from = 0) =>
  sock(o)
    .sent.slice(from)
    .filter((s) => s.jid === jid);
const lastText = (o: Office, jid: string) => String(sentTo(o, jid).at(-1)?.content["text"] ?? "");

/** Fills the objection form (keberatan-informasi) on office `o`'s number; returns the tracking code. */
async function apply(o: Office): Promise<string> {
  const { jid, person } = applicants[o];
  const form = (await realCatalog()).catalog.forms.get("keberatan-informasi")!.value;
  await say(o, jid, "Selamat pagi");
  await say(o, jid, new RegExp(`^(\\d+)\\. ${form.title}$`, "m").exec(lastText(o, jid))?.[1] ?? "");
  for (const field of form.fields) {
    if (lastText(o, jid).includes("Pemberitahuan data pribadi")) await say(o, jid, "SETUJU");
    const answer = answerFor(field, { ...person, email: "pemohon@contoh.id" });
    if (typeof answer === "string") await say(o, jid, answer);
    else
      for (const file of answer) {
        const event = mediaEvent(clock, jid, file);
        media.set(event.key.id ?? "", file.bytes);
        sock(o).emit("messages.upsert", { messages: [event], type: "notify" });
        await settle();
      }
    if (field.type === "file" && (field.max ?? 1) > 1) await say(o, jid, "SELESAI");
  }
  await say(o, jid, "KIRIM");
  return /Kode permohonan: (\d{1,2}-[A-Z0-9]{5})/.exec(lastText(o, jid))?.[1] ?? "";
}

beforeAll(async () => {
  const databaseUrl = await newDatabaseUrl(dir);
  await pairedDatabase(databaseUrl, ["kupang", "batam"]);
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    FLOWS_DIR: path.join(repoRoot, "flows"),
    FILES_DIR: path.join(dir, "files"),
    DEMO_DATA: "false",
    DEFAULT_OFFICE: KUPANG,
    OFFICES: offices.join(","),
    WHATSAPP_OFFICE_ACCOUNTS: "kota-kupang=kupang,kota-batam=batam",
    WHATSAPP_CHAT_GAP_MS: "500",
    WHATSAPP_GLOBAL_GAP_MS: "100",
    FILE_ENCRYPTION_KEY: "ef".repeat(32),
    PUBLIC_RATE_LIMIT: "300",
  });
  app = await createApp({
    config,
    logger: createLogger("silent"),
    clock,
    awaitDelivery: true,
    whatsapp: {
      schedule: (fn) => void setTimeout(fn, 0),
      makeSocket: (account) => {
        const s = new FakeSocket(clock);
        sockets[account.office as Office].push(s);
        return s;
      },
      download: async (m) => media.get((m as { key: { id?: string } }).key.id ?? "") ?? Buffer.alloc(0),
    },
  });
  ops = await startOps(app, { host: "127.0.0.1", port: 0 }, createLogger("silent"), clock);
  await app.db.write(async (tx) => {
    // Each office's admin, on WhatsApp (nobody holds the SOP's positions: the admin is offered the step).
    for (const o of offices) {
      await tx.official.create({ data: { id: `adm-${o}`, officeId: o, name: officials[o].name, isAdmin: true } });
      await tx.chatIdentity.create({
        data: { id: `adm-${o}-c`, channel: "whatsapp", externalId: officials[o].jid, officialId: `adm-${o}` },
      });
    }
    // A message Batam's number held before a crash (the process died before handling it).
    const message = textEvent(clock, LATE, "BANTUAN");
    heldId = message.key.id ?? "";
    await tx.inboundHold.create({
      data: {
        channel: "whatsapp@kota-batam",
        messageId: `${LATE}:${heldId}`,
        payload: JSON.stringify({ type: "notify", message }, BufferJSON.replacer),
        holder: "single",
        heldAt: clock.now(),
      },
    });
  });
  clock.advanceMinutes(1);
}, 30_000);

afterAll(async () => {
  await ops?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function readyz(): Promise<{ status: number; checks: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${ops.address.port}/readyz`);
  return { status: response.status, checks: ((await response.json()) as { checks: Record<string, unknown> }).checks };
}

describe("two offices in one process, each with its own WhatsApp number", () => {
  it("the leader starts every number's socket, and is ready once each is open", async () => {
    expect(app.whatsappAccounts.map((a) => a.name)).toEqual(["whatsapp@kota-kupang", "whatsapp@kota-batam"]);
    expect(sockets[KUPANG].length + sockets[BATAM].length).toBe(0);
    const follower = await readyz();
    expect(follower.checks["whatsapp@kota-kupang"]).toEqual({ ok: true, state: "held by the leader" });

    await app.leadership.start();
    expect(app.leadership.isLeader()).toBe(true);
    expect([sockets[KUPANG].length, sockets[BATAM].length]).toEqual([1, 1]);
    sock(KUPANG).emit("connection.update", { connection: "open" });
    const half = await readyz();
    expect(half.status).toBe(503);
    expect(half.checks["whatsapp@kota-kupang"]).toEqual({ ok: true, state: "connected" });
    expect(half.checks["whatsapp@kota-batam"]).toEqual({ ok: false, state: "connecting" });
    const metrics = await (await fetch(`http://127.0.0.1:${ops.address.port}/metrics`)).text();
    expect(metrics).toContain('sopbot_whatsapp_connected{account="whatsapp@kota-kupang"} 1');
    expect(metrics).toContain('sopbot_whatsapp_connected{account="whatsapp@kota-batam"} 0');
    sock(BATAM).emit("connection.update", { connection: "open" });
    await settle();
    expect((await readyz()).status).toBe(200);
  });

  it("replays a message Batam's number held before a crash through Batam's socket", () => {
    const help = sentTo(BATAM, LATE);
    expect(help).toHaveLength(1);
    expect(String(help[0]?.content["text"])).toContain("Perintah yang tersedia");
    expect(sentTo(KUPANG, LATE)).toEqual([]);
    return expect(app.db.prisma.inboundHold.count()).resolves.toBe(0);
  });

  it("an applicant of each office reaches that office on its number, and only its official is told", async () => {
    for (const o of offices) {
      const before = { [KUPANG]: sock(KUPANG).sent.length, [BATAM]: sock(BATAM).sent.length };
      const code = await apply(o);
      expect(code).not.toBe("");
      codes[o] = code;
      const kase = await app.db.prisma.case.findUniqueOrThrow({ where: { code } });
      expect(kase.officeId).toBe(o);
      // The engine knows the chat as "<jid>@<office>": everything keyed by chat names the number.
      expect(kase.openerChatId).toBe(`${applicants[o].jid}@${o}`);
      // No office to choose: the first answer is the office's own service menu.
      const menu = String(sentTo(o, applicants[o].jid, before[o])[0]?.content["text"]);
      expect(menu).toContain(`Selamat datang di layanan ${app.catalog.offices.get(o)!.office.name}.`);
      expect(menu).not.toContain("KANTOR");
      // Everything to the applicant went through their office's number.
      expect(sentTo(other(o), applicants[o].jid)).toEqual([]);
      // The office's official is told through the office's number; the other office's official hears nothing of it
      // (each hears only their own office's news, e.g. its audit seal, through their own office's number).
      expect(sentTo(o, officials[o].jid, before[o]).some((s) => String(s.content["text"]).includes(code))).toBe(true);
      expect(sentTo(other(o), officials[o].jid)).toEqual([]);
      expect(sentTo(o, officials[other(o)].jid)).toEqual([]);
      const mentions = (s: FakeSocket["sent"][number]) => String(s.content["text"]).includes(code);
      expect(sentTo(other(o), officials[other(o)].jid, before[other(o)]).filter(mentions)).toEqual([]);
    }
    // The documents sent on an office's number count as the applicant's (their chat opened the case).
    const batamCase = await app.db.prisma.case.findUniqueOrThrow({ where: { code: codes[BATAM] ?? "" } });
    const files = await app.db.prisma.storedFile.findMany({ where: { caseId: batamCase.id } });
    expect(files.length).toBeGreaterThan(0);
    expect(new Set(files.map((f) => f.uploaderId))).toEqual(new Set([`${applicants[BATAM].jid}@${BATAM}`]));
  }, 60_000);

  it("one office's official can neither see nor act on the other office's case", async () => {
    const code = codes[KUPANG] ?? "";
    const rina = officials[BATAM].jid;
    await say(BATAM, rina, `/kasus ${code}`);
    expect(lastText(BATAM, rina)).toContain(`Kasus ${code} tidak ditemukan di antara kasus yang dapat Anda lihat.`);
    await say(BATAM, rina, "/tugas");
    expect(lastText(BATAM, rina)).not.toContain(code);
    // Kupang's task (sent to Yulius on Kupang's number): Rina answers "1" quoting it, on either number.
    const task = sentTo(KUPANG, officials[KUPANG].jid).find((s) => String(s.content["text"]).includes(code));
    expect(task).toBeDefined();
    const steps = await app.db.prisma.stepTask.findMany({ where: { case: { code } }, orderBy: { visit: "asc" } });
    const caseRow = await app.db.prisma.case.findUniqueOrThrow({ where: { code } });
    const kupangBefore = sock(KUPANG).sent.length;
    await say(BATAM, rina, "1", task?.id);
    await say(KUPANG, rina, "1", task?.id);
    expect(await app.db.prisma.stepTask.findMany({ where: { case: { code } }, orderBy: { visit: "asc" } })).toEqual(steps);
    expect(await app.db.prisma.case.findUniqueOrThrow({ where: { code } })).toEqual(caseRow);
    // Yulius heard nothing of it.
    expect(sentTo(KUPANG, officials[KUPANG].jid, kupangBefore)).toEqual([]);
  });

  it("an official's numbered reply on their office's number acts on their case, answered through that number", async () => {
    const code = codes[KUPANG] ?? "";
    const yulius = officials[KUPANG].jid;
    const task = sentTo(KUPANG, yulius).find((s) => String(s.content["text"]).includes(code));
    const choice = /Balas (.+?) — kasus/.exec(String(task?.content["text"]))?.[1]?.split(", ") ?? [];
    const done = choice.find((c) => c.endsWith("untuk Selesai"))?.split(" ")[0];
    expect(done).toBeDefined();
    const batamBefore = sock(BATAM).sent.length;
    const before = sock(KUPANG).sent.length;
    await say(KUPANG, yulius, done ?? "", task?.id);
    expect(String(sentTo(KUPANG, yulius, before)[0]?.content["text"])).toContain(code);
    const tasks = await app.db.prisma.stepTask.findMany({ where: { case: { code } }, orderBy: { visit: "asc" } });
    expect(tasks[0]?.status).not.toBe("open");
    expect(sock(BATAM).sent.length).toBe(batamBefore);
  });
});
