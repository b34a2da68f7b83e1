// The conversation journeys of issue 14, the same on every channel: SOP 30 (Legalitas) with an
// internal return, a request to the applicant answered with two files and a text, a free question
// from the applicant, a message from an official, run to the end; and SOP 29 (Diklat) with the
// schedule sent to the applicant. After each, the invariants: no internal reason in the applicant's
// chat; every applicant message after submission in the case history and in an official's chat;
// no file sent twice to the same official.
import { expect } from "vitest";
import type { FormField } from "../../src/domain/form-schema.ts";
import { realCatalog } from "../helpers/catalog.ts";
import { sqlClient } from "../helpers/test-database.ts";
import { contentKey, demoFile, textSince, type JourneyDriver, type OutgoingFile, type Person } from "./driver.ts";

/** What the applicant sent after submitting (KIRIM / SUDAH excluded: they are turns, not content). */
export interface Sent {
  texts: string[];
  files: OutgoingFile[];
}

/** The applicant of the journeys; other tests pass another person. */
export const budi = { name: "Budi Santoso", nik: "5371012308900001", phone: "0812 3456 7890", email: "budi@contoh.id" };

/** What an applicant answers to a form field. */
export function answerFor(field: FormField, person = budi): string | OutgoingFile[] {
  switch (field.type) {
    case "text":
      return field.id === "nama"
        ? person.name
        : field.id.startsWith("nama_koperasi")
          ? "KSP Maju Bersama"
          : `Contoh ${field.label}`.slice(0, field.maxLength ?? 200).padEnd(field.minLength ?? 3, ".");
    case "nik":
      return person.nik;
    case "phone":
      return person.phone;
    case "email":
      return person.email;
    case "date":
      return "20-04-2026";
    case "number":
      return String(Math.max(field.min ?? 1, 1));
    case "choice":
    case "region":
      return "1";
    case "file": {
      const accept = field.accept ?? ["pdf", "jpg", "png"];
      const one = () =>
        accept.includes("pdf")
          ? demoFile("persyaratan.pdf", `${field.id}.pdf`)
          : accept.includes("jpg")
            ? demoFile("ktp.jpg", `${field.id}.jpg`)
            : demoFile("pas-foto.png", `${field.id}.png`);
      return (field.max ?? 1) > 1 ? [one(), one()] : [one()];
    }
  }
}

/** Fills a chat form as a new applicant would and sends it; returns the tracking code (or "" when asked to stop at the summary). */
export async function fillForm(d: JourneyDriver, formId: string, options: { stopAtSummary?: boolean } = {}): Promise<string> {
  const form = (await realCatalog()).catalog.forms.get(formId)?.value;
  if (!form) throw new Error(`no form ${formId}`);
  const from = d.inbox("applicant").length;
  await d.say("applicant", "Selamat pagi");
  const menu = textSince(d, "applicant", from);
  const number = [...menu.matchAll(/^(\d+)\. (.+)$/gm)].find((m) => m[2] === form.title)?.[1];
  expect(number, `${form.title} in the menu`).toBeTruthy();
  await d.say("applicant", number ?? "");
  for (const field of form.fields) {
    if (d.inbox("applicant").at(-1)?.text.includes("Pemberitahuan data pribadi")) await d.say("applicant", "SETUJU");
    expect(d.inbox("applicant").at(-1)?.text).toContain(field.label);
    const answer = answerFor(field);
    if (typeof answer === "string") await d.say("applicant", answer);
    else {
      for (const file of answer) await d.sendFile("applicant", file);
      if (field.type === "file" && (field.max ?? 1) > 1) await d.say("applicant", "SELESAI");
    }
  }
  expect(d.inbox("applicant").at(-1)?.text).toContain(`Ringkasan permohonan — ${form.title}`);
  if (options.stopAtSummary) return "";
  await d.say("applicant", "KIRIM");
  const code = /Kode permohonan: (\d{1,2}-[A-Z0-9]{5})/.exec(textSince(d, "applicant", from))?.[1];
  expect(code, "a tracking code").toBeTruthy();
  return code ?? "";
}

const last = (d: JourneyDriver, who: Person) => d.inbox(who).at(-1)?.text ?? "";

export async function legalitasJourney(d: JourneyDriver): Promise<{ code: string; sent: Sent; internal: string }> {
  const code = await fillForm(d, "klinik-legalitas");
  const sent: Sent = { texts: [], files: [] };
  const admin0 = d.inbox("admin").length;
  await d.choose("admin", "Selesai");
  // The coordinator returns it to the admin: an internal matter, with a reason that must say something.
  await d.choose("koordinator", "Kembalikan");
  await d.say("koordinator", "x");
  expect(last(d, "koordinator")).toContain("Alasan ini terlalu singkat");
  const internal = "Surat tugas dari koperasi belum ditandatangani ketua";
  await d.say("koordinator", internal);
  expect(textSince(d, "admin", admin0)).toContain(
    `Dikembalikan oleh Elisabeth Manafe (Koordinator Klinik Layanan Koperasi). Alasan: ${internal}`,
  );

  // The admin asks the applicant; the applicant answers with two files and a text, then KIRIM.
  await d.choose("admin", "Minta kelengkapan ke pemohon");
  await d.say("admin", "Mohon kirim surat tugas yang sudah ditandatangani ketua koperasi, beserta daftar hadir rapat");
  expect(textSince(d, "applicant")).toContain("Yang diminta petugas: Mohon kirim surat tugas yang sudah ditandatangani ketua koperasi");
  expect(last(d, "admin")).toContain(`Menunggu pemohon — kasus ${code}`);
  const files = [demoFile("sk-pangkat.pdf", "surat-tugas-bertanda-tangan.pdf"), demoFile("ijazah.pdf", "daftar-hadir-rapat.pdf")];
  for (const f of files) {
    await d.sendFile("applicant", f);
    sent.files.push(f);
  }
  const note = "Ini surat tugas yang sudah ditandatangani dan daftar hadirnya";
  await d.say("applicant", note);
  sent.texts.push(note);
  await d.say("applicant", "KIRIM");
  expect(last(d, "applicant")).toContain(`Kiriman Anda untuk permohonan ${code} sudah diteruskan kepada petugas`);
  const resumed = [...d.inbox("admin")].reverse().find((m) => m.text.startsWith(`Dilanjutkan — kasus ${code}`));
  expect(resumed?.text).toContain("Kiriman pemohon untuk permintaan Anda:");
  expect(resumed?.files.map((f) => f.name).sort()).toEqual(files.map((f) => f.name).sort());

  // A free question from the applicant reaches the admin, who answers from the chat.
  const question = "Kapan surat rekomendasinya bisa diambil, pak?";
  await d.say("applicant", question);
  sent.texts.push(question);
  expect(last(d, "applicant")).toContain(`Pesan Anda sudah diteruskan kepada petugas yang menangani permohonan ${code}`);
  expect(last(d, "admin")).toContain(`Pesan dari pemohon — kasus ${code}`);
  await d.choose("admin", "Kirim pesan ke pemohon");
  const answer = "Surat rekomendasi selesai paling lama 3 hari kerja setelah berkas lengkap; kami kabari di chat ini.";
  await d.say("admin", answer);
  expect(last(d, "applicant")).toContain(answer);

  // Run to the end: the admin's done-note goes to the applicant; the applicant collects and says so.
  await d.choose("admin", "Selesai");
  await d.choose("koordinator", "Setujui");
  await d.choose("admin", "Selesai + pesan ke pemohon");
  const pickup = "Surat rekomendasi sudah ditandatangani. Silakan ambil di Klinik Layanan besok pukul 09.00 dengan membawa KTP.";
  await d.say("admin", pickup);
  const applicantSide = textSince(d, "applicant");
  expect(applicantSide).toContain(pickup);
  expect(applicantSide).toContain("sampai pada langkah untuk Anda.\nAmbil surat rekomendasi");
  expect(applicantSide).not.toContain("Balas KIRIM bila langkah ini sudah Anda lakukan");
  await d.say("applicant", "SUDAH");
  expect(last(d, "applicant")).toMatch(new RegExp(`Permohonan Anda ${code} \\([^)]*\\) selesai\\.`));
  return { code, sent, internal };
}

export async function diklatJourney(d: JourneyDriver): Promise<{ code: string; sent: Sent }> {
  const code = await fillForm(d, "klinik-diklat");
  await d.choose("admin", "Selesai");
  await d.choose("koordinator", "Setujui");
  await d.choose("admin", "Selesai + pesan ke pemohon");
  const schedule =
    "Jadwal Diklat Perkoperasian: 14–16 April 2026 pukul 08.00 WITA di Aula Dinas Koperasi UKM NTT; moderator Yakobus Dethan.";
  await d.say("admin", schedule);
  expect(textSince(d, "applicant")).toContain(schedule);
  expect(last(d, "applicant")).toContain("Periksa jadwal diklat yang dikirim petugas melalui chat ini");
  await d.say("applicant", `STATUS ${code}`);
  expect(last(d, "applicant")).toContain("Sekarang: langkah Anda — Periksa jadwal diklat");
  expect(last(d, "applicant")).toContain(`Pesan terakhir dari petugas`);
  await d.say("applicant", "SUDAH");
  expect(last(d, "applicant")).toMatch(new RegExp(`Permohonan Anda ${code} \\([^)]*\\) selesai\\.`));
  return { code, sent: { texts: [], files: [] } };
}

/** The three promises of issue 14, checked on what the channel delivered and what the database holds. */
export async function checkConversation(d: JourneyDriver, code: string, sent: Sent): Promise<void> {
  const db = await sqlClient(d.databaseUrl);
  try {
    const [kase] = await db.all<{ id: string; status: string }>(`SELECT id, status FROM "Case" WHERE code = ?`, code);
    expect(kase?.status).toBe("completed");
    const entries = await db.all<{ kind: string; audience: string; text: string | null; fileId: string | null }>(
      `SELECT kind, audience, text, "fileId" FROM "CaseEntry" WHERE "caseId" = ? ORDER BY id`,
      kase?.id,
    );
    // No internal reason or note reaches the applicant's chat.
    const applicantText = d
      .inbox("applicant")
      .map((m) => m.text)
      .join("\n");
    for (const e of entries.filter((x) => x.audience === "internal")) expect(applicantText).not.toContain(e.text ?? "");
    // Every applicant message after submission is in the case history and reached an official's chat.
    const officials = [...d.inbox("admin"), ...d.inbox("koordinator")];
    for (const text of sent.texts) {
      expect(entries.some((e) => e.kind === "from-applicant" && e.text === text)).toBe(true);
      expect(officials.some((m) => m.text.includes(text))).toBe(true);
    }
    for (const file of sent.files) {
      expect(entries.some((e) => e.kind === "applicant-file" && (e.text ?? "").startsWith(file.name))).toBe(true);
      expect(officials.some((m) => m.files.some((f) => f.key === contentKey(file.bytes)))).toBe(true);
    }
    // No file is sent twice to the same official.
    for (const who of ["admin", "koordinator"] as const) {
      const keys = d.inbox(who).flatMap((m) => m.files.map((f) => f.key));
      expect(keys.length, `${who} received files`).toBeGreaterThan(0);
      expect(new Set(keys).size, `${who} received a file twice: ${JSON.stringify(d.inbox(who).flatMap((m) => m.files))}`).toBe(keys.length);
    }
  } finally {
    await db.close();
  }
}
