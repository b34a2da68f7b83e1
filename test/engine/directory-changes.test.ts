// The directory over time, as an admin drives it in chat: a transfer moves the open steps to the new
// holder (to the superior while the position is vacant, then on to whoever fills it), and someone
// leaving has their steps reassigned, their chats unlinked, their admin right ended, their history kept.
import { afterEach, describe, expect, it } from "vitest";
import { caseCode, startHarness, wita, type Harness } from "../helpers/harness.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

async function candidatesOf(h: Harness, code: string): Promise<string[]> {
  const kase = await h.app.db.prisma.case.findUniqueOrThrow({ where: { code }, include: { tasks: true } });
  const open = kase.tasks.find((t) => t.status === "open");
  const ids = (JSON.parse(open?.candidates ?? "[]") as { officialId: string }[]).map((c) => c.officialId);
  const officials = await h.app.db.prisma.official.findMany({ where: { id: { in: ids } } });
  return officials.map((o) => o.name).sort();
}

describe("the directory over time (/pejabat pindah, /pejabat keluar)", () => {
  it("a transfer moves open steps to the superior while the position is vacant, then to its new holder", async () => {
    h = await startHarness({ now: wita("2026-03-16 08:00") });
    const code = caseCode(await h.say("/buka 18 KGB Benediktus Nahak"));
    expect(await candidatesOf(h, code)).toEqual(["Maria Goreti Bria"]);

    await h.as("Maria Goreti Bria");
    expect(await h.say("/pejabat pindah Maria Goreti Bria ke Kepala Dinas")).toContain("hanya untuk admin");
    await h.as("Stefanus Ola");
    expect(await h.say("/pejabat pindah Maria Goreti Bria")).toContain("/pejabat pindah NAMA ke JABATAN");
    expect(await h.say("/pejabat pindah Maria Goreti Bria ke Kepala Bidang Entah")).toContain(
      'Jabatan "Kepala Bidang Entah" tidak dikenal',
    );
    const plan = await h.say("/pejabat pindah Maria Goreti Bria ke arsiparis");
    expect(plan).toContain("Maria Goreti Bria: Sekretaris → Arsiparis Terampil, mulai hari ini.");
    expect(plan).toContain("1 tugas terbuka");
    expect(await candidatesOf(h, code)).toEqual(["Maria Goreti Bria"]);

    const done = await h.say("/pejabat pindah Maria Goreti Bria ke arsiparis YA");
    expect(done).toContain("Maria Goreti Bria sekarang menjabat Arsiparis Terampil. 1 tugas dialihkan.");
    // Sekretaris is vacant: the step falls to her superior, who is told; she is told where it went.
    expect(await candidatesOf(h, code)).toEqual(["Yosef Lamanepa"]);
    expect(done).toMatch(/sopbot → Yosef Lamanepa \(Kepala Dinas\):\n {2}Tugas baru — kasus/);
    // Her task message is edited to say where it went (the console shows new messages only: read the edit).
    const edit = await h.app.db.prisma.outboxMessage.findFirst({ where: { chatId: "console:maria-goreti-bria", editOfId: { not: null } } });
    expect(edit?.text).toContain("➜ Dialihkan kepada Yosef Lamanepa (mutasi)");
    expect(done).toContain("Data jabatan Anda di Dinas Koperasi UKM Provinsi NTT diperbarui: Sekretaris → Arsiparis Terampil.");

    // Agustinus fills the vacancy: the step moves on from the superior to him.
    await h.say("/pejabat pindah Agustinus Tefa ke sekretaris YA");
    expect(await candidatesOf(h, code)).toEqual(["Agustinus Tefa"]);
    await h.as("Agustinus Tefa");
    expect(await h.say("1")).toContain(`Kasus ${code}: langkah 1`);

    await h.as("Stefanus Ola");
    expect(await h.say("/pejabat riwayat Maria Goreti Bria")).toMatch(
      /2 Januari 2025 – 16 Maret 2026: Sekretaris\n {2}16 Maret 2026 – sekarang: Arsiparis Terampil/,
    );
    const audit = await h.app.db.prisma.auditEvent.findMany({ where: { action: { in: ["official-moved", "step-reassigned"] } } });
    expect(audit.map((e) => e.action).sort()).toEqual(["official-moved", "official-moved", "step-reassigned", "step-reassigned"]);
    expect(await h.auditProblems()).toEqual([]);
  });

  it("someone leaving: steps reassigned, chats unlinked, admin right ended, history kept", async () => {
    h = await startHarness({ now: wita("2026-03-16 08:00") });
    const code = caseCode(await h.say("/buka 18 KGB Benediktus Nahak"));
    await h.as("Maria Goreti Bria");
    await h.say("1");
    // Step 2 is the Kasubag Kepegawaian's.
    expect(await candidatesOf(h, code)).toEqual(["Fransiska Nona Lodo"]);
    await h.as("Stefanus Ola");
    expect(await h.say("/pejabat keluar Fransiska Nona Lodo")).toContain("Tulis alasannya");
    const plan = await h.say("/pejabat keluar Fransiska Nona Lodo pensiun");
    expect(plan).toContain("Fransiska Nona Lodo keluar dari Dinas (Kepala Sub Bagian Kepegawaian dan Umum)");
    expect(plan).toContain("/pejabat keluar Fransiska Nona Lodo pensiun YA");
    const done = await h.say("/pejabat keluar Fransiska Nona Lodo pensiun YA");
    expect(done).toContain("Fransiska Nona Lodo telah keluar dari Dinas. 1 tugas dialihkan; 1 akun chat dilepas.");
    expect(done).toContain("Terima kasih atas pengabdian Anda");
    expect(await candidatesOf(h, code)).toEqual(["Maria Goreti Bria"]);

    const fransiska = await h.app.db.prisma.official.findFirstOrThrow({
      where: { name: "Fransiska Nona Lodo" },
      include: { identities: true, holdings: true },
    });
    expect(fransiska).toMatchObject({ active: false, isAdmin: false, identities: [] });
    expect(fransiska.holdings.every((x) => x.endsOn !== null)).toBe(true);
    // Her history stays: the audit trail still names her, and the list no longer does.
    expect(await h.say("/pejabat")).not.toContain("Fransiska Nona Lodo");
    const left = await h.app.db.prisma.auditEvent.findFirstOrThrow({ where: { action: "official-left" } });
    expect(left).toMatchObject({
      actorLabel: "Stefanus Ola",
      note: "Fransiska Nona Lodo (Kepala Sub Bagian Kepegawaian dan Umum): pensiun, mulai 16 Maret 2026",
    });
    expect(await h.say("/pejabat keluar Fransiska Nona Lodo pensiun YA")).toContain("Nama pejabat tidak dikenal");
    // The office's only admin cannot leave before another is named.
    expect(await h.say("/pejabat keluar Stefanus Ola pensiun YA")).toContain("Stefanus Ola adalah satu-satunya admin Dinas ini.");
    expect(await h.auditProblems()).toEqual([]);
  });

  it("a transfer dated ahead takes effect on its day; a leave may be recorded late but not ahead", async () => {
    h = await startHarness({ now: wita("2026-03-16 08:00") });
    const code = caseCode(await h.say("/buka 18 KGB Benediktus Nahak"));
    await h.as("Stefanus Ola");
    expect(await h.say("/pejabat pindah Maria Goreti Bria ke arsiparis mulai besok")).toContain('Tanggal "besok" tidak dapat dibaca.');
    const plan = await h.say("/pejabat pindah Maria Goreti Bria ke arsiparis mulai 18 Maret 2026");
    expect(plan).toContain("Maria Goreti Bria: Sekretaris → Arsiparis Terampil, mulai 18 Maret 2026.");
    expect(plan).toContain("(atau atasannya bila kosong) pada 18 Maret 2026.");
    expect(plan).toContain("/pejabat pindah Maria Goreti Bria ke arsiparis mulai 2026-03-18 YA");
    const done = await h.say("/pejabat pindah Maria Goreti Bria ke arsiparis mulai 2026-03-18 YA");
    expect(done).toContain("Maria Goreti Bria akan menjabat Arsiparis Terampil mulai 18 Maret 2026.");
    expect(done).toContain("akan berubah mulai 18 Maret 2026: Sekretaris → Arsiparis Terampil");
    // Until then she is the Sekretaris and keeps the step, through the day's re-offer too.
    await h.tick();
    expect(await candidatesOf(h, code)).toEqual(["Maria Goreti Bria"]);
    // On the day the daily re-offer moves it (Sekretaris is then vacant: to her superior).
    h.clock.advanceMinutes(2 * 24 * 60);
    await h.tick();
    expect(await candidatesOf(h, code)).toEqual(["Yosef Lamanepa"]);
    expect(await h.say("/pejabat riwayat Maria Goreti Bria")).toMatch(
      /2 Januari 2025 – 18 Maret 2026: Sekretaris\n {2}18 Maret 2026 – sekarang: Arsiparis Terampil/,
    );

    // Leaving ahead is refused; recorded late, it ends her positions on that day and moves her steps now.
    expect(await h.say("/pejabat keluar Fransiska Nona Lodo pensiun mulai 1 April 2026 YA")).toContain(
      "Fransiska Nona Lodo masih bertugas sampai 1 April 2026.",
    );
    const late = await h.say("/pejabat keluar Fransiska Nona Lodo pensiun mulai 17 Maret 2026 YA");
    expect(late).toContain("Fransiska Nona Lodo telah keluar dari Dinas.");
    const holdings = await h.app.db.prisma.positionHolding.findMany({ where: { official: { name: "Fransiska Nona Lodo" } } });
    expect(holdings.map((x) => x.endsOn?.toISOString())).toEqual([wita("2026-03-17 00:00").toISOString()]);
    const left = await h.app.db.prisma.auditEvent.findFirstOrThrow({ where: { action: "official-left" } });
    expect(left.note).toBe("Fransiska Nona Lodo (Kepala Sub Bagian Kepegawaian dan Umum): pensiun, mulai 17 Maret 2026");
    expect(await h.auditProblems()).toEqual([]);
  });

  it("a change made behind the engine's back (or racing a step) is caught by the daily re-offer", async () => {
    h = await startHarness({ now: wita("2026-03-16 08:00") });
    const code = caseCode(await h.say("/buka 18 KGB Benediktus Nahak"));
    expect(await candidatesOf(h, code)).toEqual(["Maria Goreti Bria"]);
    // Maria's post goes to Agustinus in the database directly: the open step still names her.
    await h.app.db.write(async (tx) => {
      const maria = await tx.official.findFirstOrThrow({ where: { name: "Maria Goreti Bria" } });
      const agustinus = await tx.official.findFirstOrThrow({ where: { name: "Agustinus Tefa" } });
      await tx.positionHolding.updateMany({ where: { officialId: maria.id, endsOn: null }, data: { endsOn: wita("2026-03-16 08:00") } });
      await tx.positionHolding.create({
        data: { id: "h-agustinus", officialId: agustinus.id, positionId: "ntt-provinsi/sekretaris", startsOn: wita("2026-03-16 08:00") },
      });
    });
    expect(await candidatesOf(h, code)).toEqual(["Maria Goreti Bria"]);
    const ticked = await h.tick();
    expect(await candidatesOf(h, code)).toEqual(["Agustinus Tefa"]);
    expect(ticked).toMatch(/sopbot → Agustinus Tefa \([^)]*\):\n {2}Tugas baru — kasus/);
    expect(await h.auditProblems()).toEqual([]);
  });
});
