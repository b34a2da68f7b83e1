// The conversation around an applicant's case, through the console: several open cases, files
// nobody asked for, the paused step's two ways back, the applicant's one reminder, waiting counted
// as the applicant's time, messages with files, /dokumen, and the copy fixes of issue 14.
import { afterEach, describe, expect, it } from "vitest";
import type { CaseRow } from "../../src/engine/case-ports.ts";
import { buildSlaReportIn } from "../../src/engine/report-service.ts";
import { createEngineStore } from "../../src/store/engine-store.ts";
import { workCalendarsOf } from "../../src/store/work-calendar.ts";
import { startHarness, wita, type Harness } from "../helpers/harness.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

const monday = wita("2026-03-16 08:00");

/** Opens an applicant's case as their chat form's KIRIM does (the form itself is tested elsewhere). */
async function submitted(harness: Harness, applicant: string, formId: string): Promise<CaseRow> {
  const form = harness.app.catalog.forms.get(formId)?.value;
  if (!form) throw new Error(formId);
  const chatId = `console:baru-${applicant.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  const kase = await createEngineStore(harness.app.db).transaction((tx) =>
    harness.app.engine.openCaseIn(tx, {
      officeId: "ntt-provinsi",
      sopNumber: form.sop,
      title: `${form.title} — KSP ${applicant}`,
      opener: { channel: "console", chatId },
      data: {
        form: form.id,
        formTitle: form.title,
        answers: [{ label: "Nama lengkap", value: applicant }],
        result: form.result,
        applicant: { name: applicant },
      },
      applicantSubmission: { label: applicant, note: "Formulir pendaftaran dikirim melalui chat", fileIds: [] },
    }),
  );
  await harness.app.dispatcher.flush();
  return kase;
}

const entries = (harness: Harness, caseId: string) =>
  harness.app.db.prisma.caseEntry.findMany({ where: { caseId }, orderBy: { id: "asc" } });

describe("what the applicant sends after submitting", () => {
  it("asks which case when several are open, keeps the message until answered, and takes a code in the text", async () => {
    h = await startHarness({ now: monday, secondsPerMessage: 5 });
    const legalitas = await submitted(h, "Rina", "klinik-legalitas");
    const diklat = await submitted(h, "Rina", "klinik-diklat");
    await h.as("+Rina");
    const asked = await h.say("Apakah berkas saya sudah lengkap?");
    expect(asked).toContain("Anda memiliki beberapa permohonan yang sedang berjalan. Pesan ini untuk permohonan yang mana?");
    const listed = [...asked.matchAll(/^ {2}(\d)\. (\d{2}-[A-Z0-9]{5})/gm)].map((m) => [m[1], m[2]]);
    expect(listed.map(([, code]) => code).sort()).toEqual([diklat.code, legalitas.code].sort());
    const legalitasNumber = listed.find(([, code]) => code === legalitas.code)?.[0] ?? "";
    expect(await h.say("maaf, satu lagi: KTP saya baru")).toContain("Pesan ini untuk permohonan yang mana?");
    expect(await h.say("7")).toContain("Balas dengan angka 1 sampai 2");
    const delivered = await h.say(legalitasNumber);
    expect(delivered).toContain(`Pesan Anda sudah diteruskan kepada petugas yang menangani permohonan ${legalitas.code}`);
    expect(delivered).toContain(`sopbot → Theresia Lake`);
    expect(delivered).toContain('"Apakah berkas saya sudah lengkap?"');
    expect((await entries(h, legalitas.id)).filter((e) => e.kind === "from-applicant").map((e) => e.text)).toEqual([
      "Apakah berkas saya sudah lengkap?",
      "maaf, satu lagi: KTP saya baru",
    ]);
    // A code in the message picks the case without asking.
    expect(await h.say(`Untuk ${diklat.code.toLowerCase()}: jadwalnya kapan?`)).toContain(`permohonan ${diklat.code}`);
    expect((await entries(h, diklat.id)).map((e) => e.text)).toEqual([`Untuk ${diklat.code.toLowerCase()}: jadwalnya kapan?`]);
  });

  it("keeps a file sent to an open case and passes it on; says a file nobody can use was not kept, and removes it", async () => {
    h = await startHarness({ now: monday, secondsPerMessage: 5 });
    await h.as("+Orang Baru");
    const stray = await h.say("/berkas scripts/demo-files/ktp.jpg");
    expect(stray).toContain("Berkas ini tidak kami simpan karena belum ada layanan yang dipilih.");
    expect(stray).toContain("Pilih layanan yang Anda butuhkan");
    expect(await h.app.db.prisma.storedFile.count()).toBe(0);

    const kase = await submitted(h, "Rina", "klinik-legalitas");
    await h.as("+Rina");
    const kept = await h.say("/berkas scripts/demo-files/ijazah.pdf");
    expect(kept).toContain(`Berkas "ijazah.pdf" disimpan pada permohonan ${kase.code} dan diteruskan kepada petugas yang menanganinya.`);
    expect(kept).toMatch(
      /sopbot → Theresia Lake[^\n]*:\n {2}Pesan dari pemohon — kasus [^\n]+\n[^\n]+\n {2}Pemohon mengirim berkas ijazah\.pdf/,
    );
    expect(kept).toContain("Berkas: ijazah.pdf");
    expect(await h.app.db.prisma.storedFile.count({ where: { caseId: kase.id } })).toBe(1);

    // An official with no question open: the file is not kept.
    await h.as("Sekretaris");
    expect(await h.say("/berkas scripts/demo-files/sk-pangkat.pdf")).toContain(
      "Berkas ini tidak kami simpan: tidak ada tugas yang menunggu berkas dari Anda.",
    );
    expect(await h.app.db.prisma.storedFile.count()).toBe(1);
  });

  it("takes words that begin with a keyword as words for the office, and a keyword alone as a command", async () => {
    h = await startHarness({ now: monday, secondsPerMessage: 5 });
    const kase = await submitted(h, "Rina", "klinik-legalitas");
    await h.as("+Rina");
    for (const words of ["Status surat saya bagaimana, pak?", "Batal saja pak, kami tunda dulu", "Layanan ini berapa lama?"]) {
      expect(await h.say(words)).toContain(`Pesan Anda sudah diteruskan kepada petugas yang menangani permohonan ${kase.code}`);
    }
    expect((await entries(h, kase.id)).map((e) => e.text)).toEqual([
      "Status surat saya bagaimana, pak?",
      "Batal saja pak, kami tunda dulu",
      "Layanan ini berapa lama?",
    ]);
    expect(await h.say("STATUS")).toContain(`• ${kase.code}`);
    expect(await h.say(`status ${kase.code}`)).toContain(`Permohonan ${kase.code} — Layanan Legalitas Koperasi`);
  });
});

describe("a step paused for the applicant", () => {
  it("reminds the applicant once at the standard time, chases no official, and counts as the applicant's time", async () => {
    h = await startHarness({ now: monday, secondsPerMessage: 5 });
    const kase = await submitted(h, "Rina", "klinik-legalitas");
    await h.as("Theresia");
    expect(await h.say("4")).toContain("Tulis apa yang perlu dilengkapi pemohon");
    expect(await h.say("ok")).toContain("Alasan ini terlalu singkat");
    const asked = await h.say("Pindaian KTP buram, mohon kirim ulang");
    expect(asked).toMatch(/Pemohon diingatkan sekali pada Senin, 16 Maret 2026 pukul 08\.2\d WITA bila belum mengirim\./);
    h.clock.set(wita("2026-03-16 08:25"));
    const reminded = await h.tick();
    expect(reminded).toMatch(new RegExp(`sopbot → rina \\(belum terdaftar\\):\n  Pengingat: permohonan Anda ${kase.code}`, "i"));
    expect(reminded).toContain("masih menunggu dari Anda: Pindaian KTP buram, mohon kirim ulang");
    h.clock.set(wita("2026-03-17 10:00"));
    const later = await h.tick();
    expect(later).not.toContain("Pengingat");
    expect(later).not.toContain("Eskalasi");
    // The KTP is brought to the desk: the admin records it; the applicant is told; the step resumes.
    await h.as("Theresia");
    const received = await h.say("1");
    expect(received).toMatch(
      new RegExp(
        `sopbot → rina \\(belum terdaftar\\):\n  Kelengkapan permohonan ${kase.code} sudah diterima petugas secara langsung\\.`,
        "i",
      ),
    );
    expect(received).toContain(`Dilanjutkan — kasus ${kase.code}`);
    await h.say("1");
    const calendar = workCalendarsOf(h.app.catalog)("ntt-provinsi");
    const now = h.clock.now();
    const report = await createEngineStore(h.app.db).transaction((tx) =>
      buildSlaReportIn(tx, "ntt-provinsi", wita("2026-03-16 00:00"), wita("2026-03-18 00:00"), now, calendar),
    );
    const step2 = report.sops.find((s) => s.sopNumber === 30)?.steps.find((s) => s.stepId === "2");
    // Two visits of the admin's step count (before the request and after it); the wait does not.
    expect(step2?.closed).toBe(2);
  });

  it("withdraws a request: the applicant is told they need not send anything", async () => {
    h = await startHarness({ now: monday, secondsPerMessage: 5 });
    const kase = await submitted(h, "Rina", "klinik-legalitas");
    await h.as("Theresia");
    await h.say("4");
    await h.say("Surat tugas belum ditandatangani ketua");
    const withdrawn = await h.say("2");
    expect(withdrawn).toContain(
      `Permintaan kelengkapan untuk permohonan ${kase.code} dibatalkan petugas. Anda tidak perlu mengirim apa pun lagi`,
    );
    await h.as("+Rina");
    expect(await h.say("KIRIM")).toContain(`Permohonan ${kase.code} sedang tidak menunggu kiriman dari Anda.`);
  });
});

describe("officials and the applicant's files", () => {
  it("sends a message with a file to the applicant, and /dokumen sends a case's files again", async () => {
    h = await startHarness({ now: monday, secondsPerMessage: 5 });
    const kase = await submitted(h, "Rina", "klinik-legalitas");
    await h.as("Theresia");
    expect(await h.say("5")).toContain("Tulis pesan untuk pemohon");
    const sent = await h.say("/berkas scripts/demo-files/sk-pangkat.pdf");
    expect(sent).toContain(`Pesan Anda terkirim kepada pemohon kasus ${kase.code}`);
    expect(sent).toMatch(
      /sopbot → rina \(belum terdaftar\):\n {2}Pesan dari petugas tentang permohonan [^\n]+\n {2}Berkas: sk-pangkat\.pdf\n[\s\S]*Berkas: sk-pangkat\.pdf →/i,
    );
    const again = await h.say(`/dokumen ${kase.code}`);
    expect(again).toContain(`Berkas kasus ${kase.code} (1): sk-pangkat.pdf`);
    expect(await h.say(`/dokumen ${kase.code} 9`)).toContain("Berkas nomor 9 tidak ada. Kasus");
    await h.as("Sekretaris");
    expect(await h.say(`/batalkan ${kase.code} x`)).toContain("Alasan ini terlalu singkat");
    const cancelled = await h.say("Pemohon meminta pembatalan karena koperasi ditunda pendiriannya");
    expect(cancelled).toMatch(
      /sopbot → rina \(belum terdaftar\):\n {2}Permohonan Anda [^\n]+ dibatalkan petugas\.\n {2}Alasan: Pemohon meminta pembatalan/i,
    );
  });
});

describe("copy", () => {
  it("keeps the menu after a refused notice, keeps /daftar out of the applicant's help and the admins' and the reports' commands out of other officials', explains /alur 99, and names a position once", async () => {
    h = await startHarness({ now: monday, secondsPerMessage: 5 });
    await h.as("+Tono");
    await h.say("halo");
    expect(await h.say("2")).toContain("Pemberitahuan data pribadi");
    expect(await h.say("ok")).toContain("Mohon balas SETUJU");
    expect(await h.say("TIDAK")).toContain("pendaftaran dihentikan");
    expect(await h.say("4")).toContain("Layanan Digitalisasi");
    await h.say("/batal");
    const help = (await h.say("/bantuan")).split("Perintah konsol:")[0] ?? "";
    expect(help).toContain("Pertanyaan atau berkas untuk permohonan yang sedang berjalan cukup dikirim di chat ini");
    expect(help).not.toContain("/daftar");
    expect(await h.say("/alur 99")).toContain("SOP nomor 99 tidak ada. Tulis nomor SOP 1 sampai 48, misalnya /alur 18");
    // The admins' commands are listed for admins only: an official who is not one is not offered them.
    await h.as("Theresia");
    const officialHelp = (await h.say("/bantuan")).split("Perintah konsol:")[0] ?? "";
    expect(officialHelp).toContain("/tugas — tugas Anda yang masih terbuka");
    for (const command of ["/hapusdata", "/koreksi", "/kode"]) expect(officialHelp).not.toContain(command);
    // The office's reports are listed for those who may ask for them (the admins too), not for others.
    for (const command of ["/laporan", "/ekspor", "/jatuhtempo"]) expect(officialHelp).not.toContain(command);
    const offered = async (who: string) => {
      await h!.as(who);
      const text = await h!.say("/bantuan");
      return ["/laporan", "/ekspor", "/jatuhtempo"].filter((command) => text.includes(`${command} [`));
    };
    expect(await offered("Sekretaris")).toEqual(["/laporan", "/ekspor", "/jatuhtempo"]);
    expect(await offered("Kepala Dinas")).toEqual(["/laporan", "/jatuhtempo"]);
    expect(await offered("Yohanes Seran")).toEqual(["/jatuhtempo"]);
    await h.as("Stefanus Ola");
    const adminHelp = (await h.say("/bantuan")).split("Perintah konsol:")[0] ?? "";
    for (const command of ["/hapusdata NIK —", "/koreksi KODE —", "/kode NAMA —", "/laporan [", "/ekspor [", "/jatuhtempo ["])
      expect(adminHelp).toContain(command);
    expect(adminHelp).not.toContain("(admin)");
    await h.as("Theresia");
    const me = await h.say("/saya");
    expect(me).toContain("Admin Kelembagaan (Klinik Layanan), sejak");
    expect(me).not.toContain("(Klinik Layanan) (Klinik Layanan Koperasi)");
  });
});

describe("many tasks of one step", () => {
  it("acts on them together after one confirmation; each case gets its own decision, audit event and next step", async () => {
    h = await startHarness({ now: monday });
    await h.as("Kasubag Kepegawaian");
    for (let i = 1; i <= 4; i++) await h.say(`/buka 13 Surat edaran ${i}`);
    const listed = await h.say("/tugas");
    expect(listed).toMatch(
      /Tugas pada langkah yang sama dapat diselesaikan sekaligus[^\n]*\n {2}Pilihan: \[1\] Selesaikan 4 tugas SOP 13 langkah 1 dari 6/,
    );
    const asked = await h.say("1");
    expect(asked).toContain("Selesaikan 4 tugas SOP 13 langkah 1 dari 6");
    expect(asked).toContain("Setiap kasus tetap mendapat keputusannya sendiri");
    expect(asked).toContain("[1] Selesaikan 4 tugas  [2] Batal");
    const done = await h.say("1");
    expect(done).toContain("4 tugas diselesaikan.");
    expect(done.match(/Tugas baru — kasus 13-/g)).toHaveLength(4);
    expect(await h.app.db.prisma.auditEvent.count({ where: { action: "step-done", stepId: "1" } })).toBe(4);
    expect(await h.app.db.prisma.stepTask.count({ where: { status: "open", stepId: "2" } })).toBe(4);
    // The confirmation cannot be used twice.
    expect(await h.say("1")).toContain("0 tugas diselesaikan. 4 tugas tidak diproses");
    expect(await h.auditProblems()).toEqual([]);
  });
});
