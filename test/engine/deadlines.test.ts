// Deadlines driven by a fake clock: a reminder at due, an escalation at twice the standard time,
// nothing on a weekend or a holiday, nothing twice, and nothing lost across a restart.
import { afterEach, describe, expect, it } from "vitest";
import { caseCode, startHarness, wita, type Harness } from "../helpers/harness.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

describe("step deadlines", () => {
  it("reminds at due and escalates at twice the standard time, skipping the weekend", async () => {
    // Friday 13 March 2026, 16:20 WITA; the office closes at 16:30 on Fridays.
    h = await startHarness({ now: wita("2026-03-13 16:20") });
    const opened = await h.say("/buka 18 KGB Simon Tualaka");
    const code = caseCode(opened);
    // 15 office minutes: 10 on Friday, 5 on Monday morning.
    expect(opened).toContain("batas Senin, 16 Maret 2026 pukul 07.35 WITA");

    h.clock.set(wita("2026-03-14 10:00"));
    expect(await h.tick()).toBe("");
    h.clock.set(wita("2026-03-16 07:34"));
    expect(await h.tick()).not.toContain("Pengingat");

    h.clock.set(wita("2026-03-16 07:35"));
    const reminder = await h.tick();
    expect(reminder).toContain(
      `sopbot → Maria Goreti Bria (Sekretaris):\n  Pengingat: langkah 1 dari 7 kasus ${code} (KGB Simon Tualaka) sudah mencapai batas waktu (Senin, 16 Maret 2026 pukul 07.35 WITA).`,
    );
    expect(reminder).not.toContain("Eskalasi");
    h.clock.set(wita("2026-03-16 07:40"));
    expect(await h.tick()).not.toContain("Pengingat");

    // 2 × 15 = 30 office minutes after opening: 10 on Friday, 20 on Monday → 07:50.
    h.clock.set(wita("2026-03-16 07:50"));
    const escalation = await h.tick();
    expect(escalation).toContain(
      `sopbot → Yosef Lamanepa (Kepala Dinas):\n  Eskalasi: langkah 1 dari 7 kasus ${code} (KGB Simon Tualaka) belum diselesaikan oleh Maria Goreti Bria`,
    );
    h.clock.set(wita("2026-03-16 09:00"));
    expect(await h.tick()).not.toContain("Eskalasi");
    expect(await h.auditProblems()).toEqual([]);
  });

  it("waits through the 2026 Idulfitri holidays and fires on the first working day", async () => {
    h = await startHarness({ now: wita("2026-03-17 15:50") });
    const opened = await h.say("/buka 18 KGB Natalia Sogen");
    expect(opened).toContain("batas Rabu, 25 Maret 2026 pukul 07.35 WITA");
    for (const day of ["2026-03-18", "2026-03-19", "2026-03-20", "2026-03-23", "2026-03-24"]) {
      h.clock.set(wita(`${day} 10:00`));
      expect(await h.tick(), day).not.toMatch(/Pengingat|Eskalasi/);
    }
    h.clock.set(wita("2026-03-25 07:35"));
    expect(await h.tick()).toContain("Pengingat: langkah 1");
  });

  it("does not remind about a step that was done in time", async () => {
    h = await startHarness({ now: wita("2026-03-16 08:00") });
    await h.say("/buka 18 KGB Veronika Kolo");
    await h.as("Sekretaris");
    await h.say("1");
    h.clock.set(wita("2026-03-16 08:16"));
    const tick = await h.tick();
    expect(tick).not.toContain("Pengingat");
  });

  it("catches up after a restart past the due time, and sends each reminder once", async () => {
    h = await startHarness({ now: wita("2026-03-16 08:00") });
    const code = caseCode(await h.say("/buka 18 KGB Paulus Mau"));
    // The bot is down from 08:05 until 09:00.
    h.clock.set(wita("2026-03-16 09:00"));
    h = await h.restart();
    const caughtUp = await h.tick();
    expect(caughtUp).toContain(`Pengingat: langkah 1 dari 7 kasus ${code}`);
    expect(caughtUp).toContain("Eskalasi");
    h = await h.restart();
    expect(await h.tick()).toBe("");
    expect(await h.app.db.prisma.outboxMessage.count({ where: { text: { startsWith: "Pengingat" } } })).toBe(1);
  });

  it("sends each official a morning digest once per working day from 07:30, overdue first", async () => {
    h = await startHarness({ now: wita("2026-03-16 10:00") });
    const late = caseCode(await h.say("/buka 18 KGB Theresia Lake"));
    h.clock.set(wita("2026-03-16 15:00"));
    const fresh = caseCode(await h.say("/buka 18 KGB Elisabeth Manafe"));
    await h.tick();
    h.clock.set(wita("2026-03-17 07:29"));
    expect(await h.tick()).not.toContain("Selamat pagi");
    h.clock.set(wita("2026-03-17 07:30"));
    const digest = await h.tick();
    expect(digest).toContain("sopbot → Maria Goreti Bria (Sekretaris):\n  Selamat pagi. Tugas terbuka Anda hari ini: 2, 2 terlambat.");
    const block = digest.slice(digest.indexOf("Selamat pagi")).split("sopbot →")[0] ?? "";
    expect(block).toContain("Ketik /tugas untuk memilih tindakan.");
    expect(block.indexOf(late)).toBeGreaterThan(0);
    expect(block.indexOf(late)).toBeLessThan(block.indexOf(fresh));
    h.clock.set(wita("2026-03-17 08:00"));
    expect(await h.tick()).not.toContain("Selamat pagi");
    // No digest on a holiday.
    h.clock.set(wita("2026-03-18 07:30"));
    expect(await h.tick()).not.toContain("Selamat pagi");
  });

  it("lists at most 15 tasks in a digest and counts the rest", async () => {
    h = await startHarness({ now: wita("2026-03-16 10:00"), secondsPerMessage: 5 });
    const codes: string[] = [];
    for (let i = 0; i < 17; i++) codes.push(caseCode(await h.say(`/buka 18 KGB Pegawai ${i}`)));
    h.clock.set(wita("2026-03-17 07:30"));
    const digest = await h.tick();
    const block = digest.slice(digest.indexOf("Selamat pagi")).split("sopbot →")[0] ?? "";
    expect(block).toContain("Tugas terbuka Anda hari ini: 17, 17 terlambat.");
    expect(block.match(/^\s*• /gm)).toHaveLength(15);
    expect(block).toContain("… dan 2 tugas lainnya.");
    expect(block).toContain(codes[0]);
    expect(block).not.toContain(codes[16]);
  });
});

describe("pinned flows", () => {
  it("keeps a running case on the SOP content it started with when flows/ is edited", async () => {
    const { cpSync, readFileSync, writeFileSync } = await import("node:fs");
    const path = await import("node:path");
    const { tempDir } = await import("../helpers/temp-db.ts");
    const { repoRoot } = await import("../helpers/run-bot.ts");
    const flows = path.join(tempDir(), "flows");
    cpSync(path.join(repoRoot, "flows"), flows, { recursive: true });
    h = await startHarness({ now: wita("2026-03-16 08:00"), flowsDir: flows });
    const old = caseCode(await h.say("/buka 18 KGB Agustinus Tefa"));
    const file = path.join(flows, "sop", "sop-18.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(
        "Menugaskan pengelola kepegawaian untuk menginventarisir",
        "TEKS BARU menugaskan pengelola kepegawaian untuk menginventarisir",
      ),
    );
    h = await h.restart();
    await h.as("Sekretaris");
    const next = await h.say("1");
    expect(next).toContain(`kasus ${old}`);
    expect(next).toContain("Langkah 2 dari 7: Menugaskan pengelola kepegawaian");
    expect(next).not.toContain("TEKS BARU");
    // A case opened now follows the edited file.
    await h.as("Stefanus");
    const fresh = caseCode(await h.say("/buka 18 KGB Kristina Bere"));
    await h.as("Sekretaris");
    const latest = await h.app.db.prisma.outboxMessage.findFirst({
      where: { chatId: "console:maria-goreti-bria", actions: { not: null } },
      orderBy: { id: "desc" },
    });
    const token = (JSON.parse(latest?.actions ?? "[]") as { token: string }[])[0]?.token ?? "";
    await h.app.receive({
      channel: "console",
      chatId: "console:maria-goreti-bria",
      senderId: "maria-goreti-bria",
      messageId: "m-fresh",
      action: { token },
      receivedAt: h.clock.now(),
    });
    const sent = await h.app.db.prisma.outboxMessage.findFirst({
      where: { text: { contains: `kasus ${fresh}` }, chatId: "console:fransiska-nona-lodo" },
      orderBy: { id: "desc" },
    });
    expect(sent?.text).toContain("TEKS BARU");
  });
});
