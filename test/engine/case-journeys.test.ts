// Whole cases through the console channel, as the officials would type them.
import { afterEach, describe, expect, it } from "vitest";
import { caseCode, startHarness, wita, type Harness } from "../helpers/harness.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

/** Monday 16 March 2026, 08:00 WITA: an ordinary working morning. */
const monday = wita("2026-03-16 08:00");

describe("SOP 18 (KGB letter) from step 1 to the end", () => {
  it("runs with a return for correction at the Kepala Dinas and a fix", async () => {
    h = await startHarness({ now: monday });
    const opened = await h.say("/buka 18 KGB Yohanes Seran");
    const code = caseCode(opened);
    expect(opened).toContain("sopbot → Maria Goreti Bria (Sekretaris):\n  Tugas baru — kasus");
    expect(opened).toContain("Waktu baku: 15 menit — batas Senin, 16 Maret 2026 pukul 08.15 WITA");

    await h.as("Sekretaris");
    expect(await h.say("1")).toContain("sopbot → Fransiska Nona Lodo (Kepala Sub Bagian Kepegawaian dan Umum):\n  Tugas baru");
    await h.as("Kasubag Kepegawaian");
    const step3 = await h.say("1");
    // Two Pengelola Kepegawaian: both are offered the step; the first to take it gets it.
    expect(step3).toContain("sopbot → Yohanes Seran (Pengelola Kepegawaian):");
    expect(step3).toContain("sopbot → Rikardus Nggadas (Pengelola Kepegawaian):");
    expect(step3).toContain("[1] Ambil");
    await h.as("Rikardus");
    const took = await h.say("1");
    expect(took).toContain("Anda mengambil langkah 3");
    expect(took).toContain(
      "sopbot → Yohanes Seran (Pengelola Kepegawaian):\n  Kasus " + code + ": langkah 3 dari 7 sudah diambil oleh Rikardus Nggadas",
    );
    await h.as("Yohanes");
    expect(await h.say("1")).toContain("Langkah ini sudah diambil oleh Rikardus Nggadas.");
    await h.as("Rikardus");
    expect(await h.say("1")).toContain("sopbot → Fransiska Nona Lodo");

    await h.as("Kasubag Kepegawaian");
    expect(await h.say("1")).toContain("langkah 4 dari 7 disetujui oleh Anda");
    await h.as("Sekretaris");
    expect(await h.say("1")).toContain("sopbot → Yosef Lamanepa (Kepala Dinas):\n  Tugas baru");

    await h.as("Kepala Dinas");
    expect(await h.say("2")).toContain(
      `Tulis alasan pengembalian untuk kasus ${code}. Alasan ini hanya dibaca petugas. Ketik /batal untuk membatalkan.`,
    );
    const returned = await h.say("Nomor surat dan TMT KGB belum sesuai");
    expect(returned).toContain("langkah 6 dari 7 dikembalikan oleh Anda");
    expect(returned).toContain("sopbot → Maria Goreti Bria (Sekretaris):\n  Dikembalikan untuk diperbaiki — kasus");
    expect(returned).toContain("Dikembalikan oleh Yosef Lamanepa (Kepala Dinas). Alasan: Nomor surat dan TMT KGB belum sesuai");
    expect(returned).toContain("Langkah 5 dari 7");
    // The opener hears of the return too.
    expect(returned).toContain(`sopbot → Stefanus Ola (Pengadministrasi Umum):\n  Kasus ${code} dikembalikan ke langkah 5`);

    await h.as("Sekretaris");
    expect(await h.say("1")).toContain("sopbot → Yosef Lamanepa (Kepala Dinas):\n  Tugas baru");
    await h.as("Kepala Dinas");
    const signed = await h.say("1");
    expect(signed).toContain("Langkah 7 dari 7");
    // A returned step goes back to the one who did it; step 7 is new, so both are offered it again.
    await h.as("Yohanes");
    await h.say("1");
    const done = await h.say("1");
    expect(done).toContain(`sopbot → Stefanus Ola (Pengadministrasi Umum):\n  Kasus ${code} (KGB Yohanes Seran) selesai.`);

    await h.as("Stefanus");
    const status = await h.say(`/kasus ${code.toLowerCase()}`);
    expect(status).toContain("Status: selesai");
    expect(status).toMatch(/langkah 6 dari 7 dikembalikan oleh Yosef Lamanepa, /);
    expect(status).toContain("Dikembalikan oleh Yosef Lamanepa (Kepala Dinas). Alasan: Nomor surat dan TMT KGB belum sesuai [internal]");
    expect(status).toMatch(/langkah 3 dari 7 diselesaikan oleh Rikardus Nggadas/);
    expect(await h.auditProblems()).toEqual([]);

    const audit = await h.app.db.prisma.auditEvent.findMany({ where: { action: "step-return" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorLabel: "Yosef Lamanepa",
      actingAs: "Kepala Dinas",
      note: "Nomor surat dan TMT KGB belum sesuai",
      stepId: "6",
    });
  });
});

describe("SOP 20 (leave) from the employee to the BKD", () => {
  it("runs with a refusal by the direct superior and a resubmission", async () => {
    h = await startHarness({ now: monday });
    await h.as("Yohanes");
    const opened = await h.say("/buka 20 Cuti tahunan 3 hari, 23-25 Maret 2026");
    const code = caseCode(opened);
    expect(opened).toContain("sopbot → Yohanes Seran (Pengelola Kepegawaian):\n  Tugas baru");
    expect(opened).toContain("PNS mengajukan permohonan Cuti");
    const submitted = await h.say("1");
    // The direct superior of a Pengelola Kepegawaian is the Kasubag Kepegawaian dan Umum.
    expect(submitted).toContain("sopbot → Fransiska Nona Lodo (Kepala Sub Bagian Kepegawaian dan Umum):\n  Tugas baru");
    expect(submitted).toContain("Atasan langsung memverifikasi permohonan cuti");

    await h.as("Fransiska");
    await h.say("2");
    const refused = await h.say("Tanggal bentrok dengan penyusunan laporan triwulan; ajukan ulang untuk minggu berikutnya");
    expect(refused).toContain("sopbot → Yohanes Seran (Pengelola Kepegawaian):\n  Dikembalikan untuk diperbaiki");
    expect(refused).toContain("Dikembalikan oleh Fransiska Nona Lodo (Kepala Sub Bagian Kepegawaian dan Umum). Alasan: Tanggal bentrok");

    await h.as("Yohanes");
    expect(await h.say("2")).toContain("Tulis catatan untuk langkah ini");
    const resubmitted = await h.say("Diajukan ulang untuk 30 Maret - 1 April 2026");
    expect(resubmitted).toContain("Catatan: Diajukan ulang untuk 30 Maret - 1 April 2026");
    expect(resubmitted).toContain("sopbot → Fransiska Nona Lodo");

    await h.as("Fransiska");
    expect(await h.say("1")).toContain("Operator memverifikasi usulan cuti");
    expect(await h.say("1")).toContain("sopbot → Yosef Lamanepa (Kepala Dinas):\n  Tugas baru");
    await h.as("Kepala Dinas");
    const toBkd = await h.say("1");
    // The BKD is outside the office: the Kasubag Kepegawaian records its answer.
    expect(toBkd).toContain("sopbot → Fransiska Nona Lodo (Kepala Sub Bagian Kepegawaian dan Umum):\n  Tugas baru");
    expect(toBkd).toContain("Langkah ini dilakukan pihak luar; catat di sini setelah jawabannya diterima.");
    await h.as("Fransiska");
    const closed = await h.say("1");
    expect(closed).toContain(
      `sopbot → Yohanes Seran (Pengelola Kepegawaian):\n  Kasus ${code} (Cuti tahunan 3 hari, 23-25 Maret 2026) selesai.`,
    );
    expect(await h.auditProblems()).toEqual([]);
  });
});

describe("SOP 13 (outgoing letter) with a Plt. for the Sekretaris", () => {
  it("moves the pending step to the Plt. when the delegation starts and back when it ends", async () => {
    h = await startHarness({ now: monday });
    await h.as("Kasubag Kepegawaian");
    const code = caseCode(await h.say("/buka 13 Undangan rapat koordinasi koperasi"));
    await h.say("1");
    await h.as("Stefanus");
    await h.say("1");
    await h.as("Kasubag Kepegawaian");
    expect(await h.say("1")).toContain("sopbot → Maria Goreti Bria (Sekretaris):\n  Tugas baru");

    // Only the absent official's superior (or an admin) may set a Plt.
    await h.as("Agustinus");
    expect(await h.say("/delegasi plt Maria Goreti Bria; Agustinus Tefa; 2026-03-18; dinas luar")).toContain(
      "Maaf, hanya atasan Maria Goreti Bria atau admin yang dapat menetapkan Plt./Plh. untuknya.",
    );
    await h.as("Kepala Dinas");
    const set = await h.say("/delegasi plt Maria Goreti Bria; Agustinus Tefa; 2026-03-18; dinas luar ke Labuan Bajo");
    expect(set).toContain(
      "Plt. ditetapkan: Agustinus Tefa menggantikan Maria Goreti Bria, Senin, 16 Maret 2026 pukul 08.00 WITA s.d. Kamis, 19 Maret 2026 pukul 00.00 WITA.",
    );
    expect(set).toContain("sopbot → Agustinus Tefa (Kepala Sub Bagian Keuangan):\n  Anda ditetapkan sebagai Plt. untuk Maria Goreti Bria");
    // The pending step moves to the Plt. at once.
    expect(set).toContain("sopbot → Agustinus Tefa (Kepala Sub Bagian Keuangan):\n  Tugas baru");
    expect(set).toContain("Anda menerima tugas ini sebagai pelaksana tugas untuk Maria Goreti Bria.");
    expect(await h.tick()).not.toContain("Tugas baru");

    await h.as("Sekretaris");
    expect(await h.say("1")).toContain("Maaf, langkah ini bukan tugas Anda. Tidak ada yang berubah.");
    await h.as("Agustinus");
    expect(await h.say("1")).toContain("sopbot → Yosef Lamanepa (Kepala Dinas):\n  Tugas baru");
    const approval = await h.app.db.prisma.auditEvent.findFirst({ where: { caseId: { not: null }, stepId: "4", action: "step-approve" } });
    expect(approval).toMatchObject({ actorLabel: "Agustinus Tefa", actingAs: "Plt. Sekretaris untuk Maria Goreti Bria" });

    // A second case reaches the Sekretaris step after the delegation ended: it goes to Maria again.
    await h.as("Kasubag Kepegawaian");
    const second = caseCode(await h.say("/buka 13 Surat balasan permohonan data"));
    await h.say("1");
    await h.as("Stefanus");
    await h.say("1");
    await h.as("Kasubag Kepegawaian");
    expect(await h.say("1")).toContain("sopbot → Agustinus Tefa (Kepala Sub Bagian Keuangan):\n  Tugas baru");
    h.clock.set(wita("2026-03-19 08:00"));
    const back = await h.tick();
    expect(back).toContain("sopbot → Maria Goreti Bria (Sekretaris):\n  Tugas baru — kasus " + second);
    await h.as("Sekretaris");
    expect(await h.say("1")).toContain("sopbot → Yosef Lamanepa (Kepala Dinas)");
    expect(code).not.toBe(second);
    expect(await h.auditProblems()).toEqual([]);
  });
});

describe("delegations ended early", () => {
  it("hands the steps back at once, even those opened while the delegation ran", async () => {
    h = await startHarness({ now: monday });
    await h.as("Kepala Dinas");
    await h.say("/delegasi plh Maria Goreti Bria; Agustinus Tefa; 2026-03-20; sakit");
    await h.as("Stefanus");
    const code = caseCode(await h.say("/buka 18 KGB Markus Ndun"));
    const opened = await h.app.db.prisma.stepTask.findFirstOrThrow({ where: { case: { code }, status: "open" } });
    expect(opened.candidates).toContain("delegationId");
    await h.as("Kepala Dinas");
    const ended = await h.say("/delegasi akhiri 1");
    expect(ended).toContain("Plt./Plh. untuk Maria Goreti Bria diakhiri.");
    expect(ended).toContain(`sopbot → Maria Goreti Bria (Sekretaris):\n  Tugas baru — kasus ${code}`);
    await h.as("Sekretaris");
    expect(await h.say("/tugas")).toContain("Anda memiliki 1 tugas terbuka");
    await h.as("Agustinus");
    expect(await h.say("/tugas")).toContain("Tidak ada tugas terbuka");
  });
});

describe("offices", () => {
  it("keeps one office's cases out of another office's officials' reach", async () => {
    h = await startHarness({ now: monday });
    const code = caseCode(await h.say("/buka 18 KGB Veronika Kolo"));
    await h.app.db.write(async (tx) => {
      await tx.official.create({ data: { id: "batam-sek", officeId: "kota-batam", name: "Rudi Hartono", isAdmin: true } });
      await tx.positionHolding.create({
        data: { id: "batam-sek-h", officialId: "batam-sek", positionId: "kota-batam/sekretaris", startsOn: new Date("2025-01-01") },
      });
      await tx.chatIdentity.create({
        data: { id: "batam-sek-c", channel: "console", externalId: "rudi-hartono", officialId: "batam-sek" },
      });
    });
    await h.as("Rudi");
    expect(await h.say(`/kasus ${code}`)).toContain("tidak ditemukan di antara kasus yang dapat Anda lihat");
    expect(await h.say(`/batalkan ${code} coba`)).toContain("tidak ditemukan di antara kasus yang dapat Anda lihat");
  });
});

describe("refusals", () => {
  it("rejects a double decision and a decision by the wrong person, and ignores a redelivered message", async () => {
    h = await startHarness({ now: monday });
    const code = caseCode(await h.say("/buka 18 KGB Kristina Bere"));
    await h.as("Sekretaris");
    await h.say("1");
    // The same choice again: the step is no longer open.
    expect(await h.say("1")).toContain("Langkah ini sudah diproses atau tidak berlaku lagi. Tidak ada yang berubah.");

    // A press of Fransiska's button by someone else (as a forged Telegram callback would).
    const outbox = await h.app.db.prisma.outboxMessage.findFirst({
      where: { chatId: "console:fransiska-nona-lodo", actions: { not: null } },
      orderBy: { id: "desc" },
    });
    const token = (JSON.parse(outbox?.actions ?? "[]") as { token: string }[])[0]?.token ?? "";
    await h.app.receive({
      channel: "console",
      chatId: "console:yosef-lamanepa",
      senderId: "yosef-lamanepa",
      messageId: "forged-1",
      action: { token },
      receivedAt: h.clock.now(),
    });
    const refusal = await h.app.db.prisma.outboxMessage.findFirst({ where: { chatId: "console:yosef-lamanepa" }, orderBy: { id: "desc" } });
    expect(refusal?.text).toBe("Maaf, langkah ini bukan tugas Anda. Tidak ada yang berubah.");

    // The rightful press, delivered twice with the same message id, acts once.
    const message = {
      channel: "console" as const,
      chatId: "console:fransiska-nona-lodo",
      senderId: "fransiska-nona-lodo",
      messageId: "tg-42",
      action: { token },
      receivedAt: h.clock.now(),
    };
    await h.app.receive(message);
    await h.app.receive(message);
    const tasks = await h.app.db.prisma.stepTask.findMany({ where: { case: { code } }, orderBy: { visit: "asc" } });
    expect(tasks.map((t) => [t.stepId, t.status])).toEqual([
      ["1", "done"],
      ["2", "done"],
      ["3", "open"],
    ]);
    expect(await h.app.db.prisma.auditEvent.count({ where: { action: "step-done", stepId: "2" } })).toBe(1);

    // An unknown token and a stranger.
    await h.as("+Budi");
    expect(await h.say("/tugas")).toContain("hanya pejabat yang terdaftar");
    expect(await h.auditProblems()).toEqual([]);
  });

  it("lets only an authorized official cancel a case, with a reason", async () => {
    h = await startHarness({ now: monday });
    await h.as("Yohanes");
    const code = caseCode(await h.say("/buka 20 Cuti alasan penting"));
    await h.as("Rikardus");
    expect(await h.say(`/batalkan ${code} tidak jadi`)).toContain("tidak ditemukan di antara kasus yang dapat Anda lihat");
    await h.as("Yohanes");
    expect(await h.say(`/batalkan ${code}`)).toContain(`Tulis alasan pembatalan untuk kasus ${code}`);
    const cancelled = await h.say("Keperluan keluarga sudah selesai");
    expect(cancelled).toContain(`Kasus ${code} (Cuti alasan penting) dibatalkan.\n  Alasan: Keperluan keluarga sudah selesai`);
    expect(await h.say("1")).toContain("Kasus ini sudah ditutup");
  });
});

describe("enrolment", () => {
  it("links a chat by a single-use code that an admin issued, stored only as a hash", async () => {
    h = await startHarness({ now: monday });
    const issued = await h.say("/kode Maria Goreti Bria");
    const code = /Kode pendaftaran untuk Maria Goreti Bria: ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(issued)?.[1] ?? "";
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const stored = await h.app.db.prisma.enrolmentCode.findMany();
    expect(JSON.stringify(stored)).not.toContain(code);

    await h.as("+Maria HP baru");
    expect(await h.say("/daftar SALAH-KODE")).toContain("Maaf, kode itu tidak dikenal");
    expect(await h.say(`/daftar ${code.toLowerCase()}`)).toContain("Terima kasih, Maria Goreti Bria. Akun konsol ini sekarang terdaftar.");
    expect(await h.say("/saya")).toContain("Sekretaris (Sekretariat)");

    await h.as("+Orang lain");
    expect(await h.say(`/daftar ${code}`)).toContain("Maaf, kode itu sudah pernah dipakai");

    await h.as("Stefanus");
    const second = /: ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(await h.say("/kode Markus Ndun"))?.[1] ?? "";
    h.clock.advanceMinutes(73 * 60);
    await h.as("+Markus");
    expect(await h.say(`/daftar ${second}`)).toContain("Maaf, kode itu sudah kedaluwarsa");

    await h.as("Yohanes");
    expect(await h.say("/kode Markus Ndun")).toContain("hanya admin");
  });
});
