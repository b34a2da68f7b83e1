// Applicants through the console, as a cooperative officer would do it from a phone: each klinik
// layanan service end to end (applicant → admin → coordinator → returned for a missing document →
// fixed → approved → result ready), wrong answers at every field type, resuming after a restart,
// and public-service forms of each start kind.
import { afterEach, describe, expect, it } from "vitest";
import type { Form, FormField } from "../../src/domain/form-schema.ts";
import { realCatalog } from "../helpers/catalog.ts";
import { startHarness, wita, type Harness } from "../helpers/harness.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

const monday = wita("2026-03-16 08:00");

async function formById(id: string): Promise<Form> {
  const form = (await realCatalog()).catalog.forms.get(id)?.value;
  if (!form) throw new Error(`no form ${id}`);
  return form;
}

/** A good answer for a field (files are sent with the console's /berkas). */
function goodAnswer(field: FormField): string {
  switch (field.type) {
    case "text":
      return `Contoh ${field.label}`.slice(0, field.maxLength ?? 200).padEnd(field.minLength ?? 3, ".");
    case "nik":
      return "5371012308900001";
    case "phone":
      return "0812 3456 7890";
    case "email":
      return "budi@contoh.id";
    case "date":
      return field.notBefore === "today" ? "20-04-2026" : "10-03-2026";
    case "number":
      return String(Math.max(field.min ?? 1, 1) * (field.integer === false ? 1 : 1));
    case "choice":
    case "region":
      return "1";
    case "file": {
      const accept = field.accept ?? ["pdf", "jpg", "png"];
      return accept.includes("pdf")
        ? "/berkas scripts/demo-files/persyaratan.pdf"
        : accept.includes("jpg")
          ? "/berkas scripts/demo-files/ktp.jpg"
          : "/berkas scripts/demo-files/pas-foto.png";
    }
  }
}

/** Fills a form as a new applicant and sends it; returns the tracking code. */
async function apply(harness: Harness, applicant: string, formId: string): Promise<string> {
  const form = await formById(formId);
  await harness.as(`+${applicant}`);
  const menu = await harness.say("halo");
  const items = [...menu.matchAll(/^\s+(\d+)\. (.+)$/gm)].map((m) => [m[1], m[2]] as const);
  const number = items.find(([, title]) => title === form.title)?.[0];
  expect(number, `${form.title} in the menu`).toBeTruthy();
  let out = await harness.say(number ?? "");
  for (const field of form.fields) {
    if (out.includes("Pemberitahuan data pribadi")) out = await harness.say("SETUJU");
    expect(out).toContain(`dari ${form.fields.length} — ${form.title}\n  ${field.label}`);
    out = await harness.say(goodAnswer(field));
    if (field.type === "file" && (field.max ?? 1) > 1) out = await harness.say("SELESAI");
  }
  expect(out).toContain(`Ringkasan permohonan — ${form.title}`);
  const sent = await harness.say("KIRIM");
  const code = /Kode permohonan: (\d{1,2}-[A-Z0-9]{5})/.exec(sent)?.[1];
  expect(code, sent).toBeTruthy();
  return code ?? "";
}

describe("klinik layanan, end to end", () => {
  it.each([
    ["klinik-diklat", 29, "Theresia", "Layanan Diklat Perkoperasian"],
    ["klinik-legalitas", 30, "Theresia", "Layanan Legalitas Koperasi"],
    ["klinik-usp", 31, "Benediktus", "Layanan Perizinan Usaha Simpan Pinjam"],
    ["klinik-digitalisasi", 32, "Benediktus", "Layanan Digitalisasi"],
  ])(
    "%s (SOP %s): applicant → admin → coordinator → missing document → fixed → approved → result",
    async (formId, sop, admin, titleStart) => {
      h = await startHarness({ now: monday, secondsPerMessage: 5 });
      const code = await apply(h, "Budi Santoso", formId);
      expect(code.startsWith(`${sop}-`)).toBe(true);

      // The service's admin is told at once, with the answers and the documents.
      const adminLabel = admin === "Theresia" ? "Theresia Lake" : "Benediktus Nahak";
      const notified = h.transcript().slice(h.transcript().lastIndexOf("KIRIM"));
      expect(notified).toContain(`sopbot → ${adminLabel}`);
      expect(notified).toContain("Data permohonan:");
      expect(notified).toMatch(/Berkas terlampir \(\d+\)/);

      // The admin checks completeness; the coordinator returns it (internal): the scanned diploma is unreadable.
      await h.as(admin);
      await h.say("1");
      await h.as("Koordinator");
      expect(await h.say("2")).toContain("Tulis alasan pengembalian");
      expect(await h.say("x")).toContain("Alasan ini terlalu singkat");
      const back = await h.say("Pindaian ijazah tidak terbaca");
      expect(back).toContain(`sopbot → ${adminLabel}`);
      expect(back).toContain(
        "Dikembalikan oleh Elisabeth Manafe (Koordinator Klinik Layanan Koperasi). Alasan: Pindaian ijazah tidak terbaca",
      );
      expect(back).toContain("[4] Minta kelengkapan ke pemohon");
      expect(back).not.toContain("sopbot → Budi Santoso");

      // The admin asks the applicant, who is told exactly what is missing; the admin's task waits.
      await h.as(admin);
      expect(await h.say("4")).toContain("Tulis apa yang perlu dilengkapi pemohon");
      const asked = await h.say("Kirim ulang ijazah terakhir dalam PDF yang jelas");
      expect(asked).toContain(`sopbot → Budi Santoso (belum terdaftar):\n  Permohonan Anda ${code}`);
      expect(asked).toContain("Yang diminta petugas: Kirim ulang ijazah terakhir dalam PDF yang jelas");
      expect(asked).toContain(`Menunggu pemohon — kasus ${code}`);
      expect(asked).toContain("[1] Diterima langsung  [2] Batalkan permintaan  [3] Kirim pesan ke pemohon");

      await h.as("+Budi Santoso");
      const status = await h.say(`STATUS ${code}`);
      expect(status).toContain("Sekarang: menunggu Anda — petugas meminta: Kirim ulang ijazah terakhir dalam PDF yang jelas");
      expect(status).not.toContain("Pindaian ijazah tidak terbaca");
      expect(await h.say("KIRIM")).toContain("Belum ada yang Anda kirim");
      expect(await h.say("/berkas scripts/demo-files/ijazah.pdf")).toContain(
        `Berkas "ijazah.pdf" disimpan pada permohonan ${code} (1 berkas sejak diminta)`,
      );
      const fixed = await h.say("KIRIM");
      expect(fixed).toContain(`Kiriman Anda untuk permohonan ${code} sudah diteruskan kepada petugas`);
      expect(fixed).toContain(`sopbot → ${adminLabel}`);
      expect(fixed).toContain("Kiriman pemohon untuk permintaan Anda:\n  • Pemohon mengirim berkas ijazah.pdf");

      // Admin and coordinator approve; the admin does the work; the result reaches the applicant.
      await h.as(admin);
      await h.say("1");
      await h.as("Koordinator");
      await h.say("1");
      await h.as(admin);
      let out = await h.say("1");
      for (let i = 0; i < 3 && !out.includes("selesai.") && !out.includes("langkah untuk Anda"); i++) out = await h.say("1");
      if (out.includes("langkah untuk Anda")) {
        // The applicant's last step (collect the result / check the schedule): the applicant confirms.
        expect(out).toContain(`Permohonan Anda ${code}`);
        expect(out).not.toContain("Balas KIRIM bila langkah ini sudah Anda lakukan");
        await h.as("+Budi Santoso");
        out = await h.say("SUDAH");
      }
      expect(h.transcript()).toContain(`Permohonan Anda ${code} (${titleStart}`);
      expect(h.transcript()).toMatch(new RegExp(`Permohonan Anda ${code} \\([^)]*\\) selesai\\.`));
      await h.as("+Budi Santoso");
      expect(await h.say(`STATUS ${code}`)).toContain("Status: selesai");
      expect(await h.auditProblems()).toEqual([]);
      const consent = await h.app.db.prisma.auditEvent.findFirst({ where: { action: "privacy-consent" } });
      expect(consent?.note).toContain("persetujuan pemberitahuan data pribadi");
    },
  );
});

describe("wrong answers", () => {
  it("re-asks with a specific message at every field type and keeps what was answered", async () => {
    h = await startHarness({ now: monday, secondsPerMessage: 5 });
    await h.as("+Siti");
    await h.say("halo");
    await h.say("2"); // Legalitas
    expect(await h.say("tidak tahu")).toContain("Mohon balas SETUJU");
    expect(await h.say("SETUJU")).toContain("Pertanyaan 1 dari 14");
    expect(await h.say("Si")).toContain("Jawaban terlalu pendek (paling sedikit 3 huruf)");
    expect(await h.say("Siti Aminah")).toContain("Pertanyaan 2 dari 14");
    expect(await h.say("53710123089")).toContain("NIK harus 16 angka; yang Anda kirim 11 angka");
    expect(await h.say("5371013208900001")).toContain("Tanggal lahir pada NIK");
    expect(await h.say("5371016308900001")).toContain("Pertanyaan 3 dari 14");
    expect(await h.say("12345")).toContain("Nomor telepon belum benar");
    expect(await h.say("+62 812-3456-7890")).toContain("Pertanyaan 4 dari 14");
    expect(await h.say("siti@")).toContain("Alamat email belum benar");
    expect(await h.say("-")).toContain("Pertanyaan 5 dari 14");
    expect(await h.say("Ketua")).toContain("Pilih salah satu dengan membalas angkanya (1 sampai 2)");
    expect(await h.say("KEMBALI")).toContain("Pertanyaan 4 dari 14");
    expect(await h.say("siti@koperasi.id")).toContain("Pertanyaan 5 dari 14");
    expect(await h.say("pengurus")).toContain("Pertanyaan 6 dari 14");
    await h.say("KSP Sejahtera");
    await h.say("-");
    await h.say("Jl. El Tari No. 1, Kupang");
    expect(await h.say("Jakarta")).toContain('Wilayah "Jakarta" tidak ada dalam daftar');
    expect(await h.say("Kota Kupang")).toContain("Pertanyaan 10 dari 14");
    await h.say("3");
    expect(await h.say("ini foto ktp")).toContain("kirim berkasnya (foto atau PDF), bukan teks");
    expect(await h.say("/berkas README.md")).toContain("Maaf, jenis berkas ini tidak diterima. Kirim berkas PDF, JPG, atau PNG.");
    expect(await h.say("/berkas scripts/demo-files/ktp.jpg")).toContain("Pertanyaan 12 dari 14");
    await h.say("/berkas scripts/demo-files/ijazah.pdf");
    expect(await h.say("/berkas scripts/demo-files/persyaratan.pdf")).toContain(
      "Untuk pertanyaan ini kirim foto (JPG atau PNG), bukan PDF",
    );
    await h.say("/berkas scripts/demo-files/pas-foto.png");
    // The last question takes several files (minutes and attendance list): a photo is fine too.
    expect(await h.say("/berkas scripts/demo-files/persyaratan.pdf")).toContain("(1 dari paling banyak 5)");
    await h.say("/berkas scripts/demo-files/ktp.jpg");
    const summary = await h.say("SELESAI");
    expect(summary).toContain(
      "14. Berkas persyaratan (berita acara rapat dan daftar hadir, atau akta yang akan diubah): persyaratan.pdf, ktp.jpg (2 berkas)",
    );
    expect(await h.say("/berkas scripts/demo-files/ijazah.pdf")).toContain(
      "Berkas ini tidak kami simpan, karena semua pertanyaan sudah dijawab",
    );
    expect(summary).toContain("1. Nama lengkap sesuai KTP: Siti Aminah");
    expect(summary).toContain("3. Nomor telepon/WhatsApp yang dapat dihubungi: +6281234567890");
    expect(summary).toContain("9. Kabupaten/kota tempat koperasi: Kota Kupang");
    expect(await h.say("UBAH 20")).toContain("Nomor 20 tidak ada");
    expect(await h.say("UBAH 6")).toContain("Pertanyaan 6 dari 14");
    expect(await h.say("KSP Sejahtera Bersama")).toContain("6. Nama koperasi: KSP Sejahtera Bersama");
    expect(await h.say("KIRIM")).toMatch(/Kode permohonan: 30-[A-Z0-9]{5}/);
  });

  it("rate-limits a flood from one public chat", async () => {
    h = await startHarness({ now: monday });
    await h.as("+Spam");
    let out = "";
    for (let i = 0; i < 32; i++) out += await h.say("halo");
    expect(out.match(/Pesan Anda terlalu banyak dalam waktu singkat/g)).toHaveLength(1);
    h.clock.advanceMinutes(2);
    expect(await h.say("halo")).toContain("Pilih layanan");
  });
});

describe("resuming", () => {
  it("keeps the answers across a restart and picks up where the applicant left off days later", async () => {
    h = await startHarness({ now: monday, secondsPerMessage: 5 });
    await h.as("+Yosefina");
    await h.say("halo");
    await h.say("2");
    await h.say("SETUJU");
    await h.say("Yosefina Bria");
    await h.say("5371016308900001");
    h.clock.set(wita("2026-03-18 19:00"));
    h = await h.restart();
    await h.as("+Yosefina");
    const back = await h.say("halo, saya lanjut");
    expect(back).toContain("Selamat datang kembali. Anda sedang mengisi Layanan Legalitas Koperasi; jawaban Anda sebelumnya tersimpan.");
    expect(back).toContain("Pertanyaan 3 dari 14");
    expect(await h.say("081234567890")).toContain("Pertanyaan 4 dari 14");
  });
});

describe("public-service forms of each start kind", () => {
  it("SOP 24 (started by the applicant): information request refused by the PPID, the applicant told why", async () => {
    h = await startHarness({ now: monday, secondsPerMessage: 5 });
    const code = await apply(h, "Markus", "informasi-publik");
    expect(code.startsWith("24-")).toBe(true);
    await h.as("Natalia");
    const toApplicant = await h.say("1");
    // Step 3 is the applicant's (fill in the request form): the chat form already did; they confirm.
    expect(toApplicant).toContain("langkah untuk Anda.\n  Formulir permohonan informasi sudah Anda isi di chat ini.");
    await h.as("+Markus");
    expect(await h.say("Formulir sudah saya isi lengkap")).toContain("Pesan Anda sudah diteruskan kepada petugas");
    await h.say("KIRIM");
    await h.as("Natalia");
    await h.say("1");
    await h.as("Sekretaris"); // PPID Pelaksana
    expect(await h.say("/tugas")).toContain("[2] Tolak");
    await h.say("2");
    const refused = await h.say("Informasi yang diminta termasuk informasi yang dikecualikan (data pribadi anggota)");
    expect(refused).toContain(`sopbot → Markus (belum terdaftar):\n  Mohon maaf, permohonan Anda ${code}`);
    expect(refused).toContain("tidak dapat dikabulkan.\n  Alasan: Informasi yang diminta termasuk informasi yang dikecualikan");
    await h.as("+Markus");
    const status = await h.say(`STATUS ${code}`);
    expect(status).toContain("Status: ditolak");
    expect(status).toContain("Alasan: Informasi yang diminta termasuk informasi yang dikecualikan");
  });

  it("SOP 47 (started by the office): the form opens the case at the Kepala Bidang's first step", async () => {
    h = await startHarness({ now: monday, secondsPerMessage: 5 });
    const code = await apply(h, "Ani Penjual Kue", "perizinan-ukm");
    expect(h.transcript()).toContain(
      `sopbot → Veronika Kolo (Kepala Bidang Pemberdayaan Usaha Kecil Menengah):\n  Tugas baru — kasus ${code}`,
    );
    await h.as("+Ani Penjual Kue");
    const status = await h.say(`STATUS ${code}`);
    expect(status).toContain("Sekarang: Kepala Bidang Pemberdayaan Usaha Kecil Menengah");
    // Another applicant cannot see it.
    await h.as("+Orang Lain");
    expect(await h.say(`STATUS ${code}`)).toContain("tidak ditemukan di antara permohonan dari chat ini");
  });
});
