// Every field type with good and bad input, and the exact Indonesian re-prompt for the bad.
import { describe, expect, it } from "vitest";
import {
  checkNik,
  fileHint,
  normalizePhone,
  parseDate,
  parseIndonesianNumber,
  readAnswer,
  type FieldContext,
} from "../../src/domain/field-types.ts";
import type { FormField } from "../../src/domain/form-schema.ts";

const ctx: FieldContext = {
  today: "2026-11-22",
  regions: [
    { code: "53.71", name: "Kota Kupang" },
    { code: "53.01", name: "Kabupaten Kupang" },
    { code: "53.10", name: "Kabupaten Manggarai" },
    { code: "53.15", name: "Kabupaten Manggarai Barat" },
  ],
};
const text = (t: string) => ({ kind: "text" as const, text: t });
const ask = (field: FormField, t: string) => readAnswer(field, text(t), ctx);

describe("NIK", () => {
  it.each([
    ["5371012308900001", { ok: true, birthDate: "1990-08-23", female: false }],
    ["5371016308900001", { ok: true, birthDate: "1990-08-23", female: true }],
    ["5371 0123 0890 0001", { ok: true }],
    ["3275010101050003", { ok: true, birthDate: "2005-01-01" }],
  ])("accepts %s", (nik, expected) => {
    expect(checkNik(nik, "2026-11-22")).toMatchObject(expected);
  });
  it.each([
    ["537101230890001", "NIK harus 16 angka; yang Anda kirim 15 angka."],
    ["53710123089000012", "yang Anda kirim 17 angka"],
    ["5371A12308900001", "NIK hanya berisi angka"],
    ["0071012308900001", "Dua angka pertama NIK (00) bukan kode provinsi"],
    ["5371013208900001", "Tanggal lahir pada NIK (angka ke-7 sampai ke-12) tidak masuk akal"],
    ["5371013102900001", "tidak masuk akal"],
    ["5371012308900000", "Empat angka terakhir NIK tidak boleh 0000"],
  ])("refuses %s", (nik, message) => {
    const r = checkNik(nik, "2026-11-22");
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.error).toContain(message);
  });
});

describe("phone", () => {
  it.each([
    ["0812-3456-7890", "+6281234567890"],
    ["+62 812 3456 7890", "+6281234567890"],
    ["6281234567890", "+6281234567890"],
    ["(0380) 821234", "+62380821234"],
    ["081234", null],
    ["12345678", null],
    ["0812345678901234", null],
    ["+1 202 555 0100", null],
  ])("%s → %s", (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });
});

describe("dates and numbers", () => {
  it.each([
    ["25-12-2026", "2026-12-25"],
    ["25/12/2026", "2026-12-25"],
    ["2026-12-25", "2026-12-25"],
    ["25 Desember 2026", "2026-12-25"],
    ["5 agu 2026", "2026-08-05"],
    ["29-02-2026", null],
    ["31 April 2026", null],
    ["besok", null],
  ])("date %s → %s", (input, expected) => {
    expect(parseDate(input)).toBe(expected);
  });
  it.each([
    ["1.500.000", 1500000],
    ["Rp 1.500.000", 1500000],
    ["2,5", 2.5],
    ["25", 25],
    ["1.5", 1.5],
    ["sejuta", null],
  ])("number %s → %s", (input, expected) => {
    expect(parseIndonesianNumber(input)).toBe(expected);
  });
});

describe("readAnswer re-prompts", () => {
  it.each([
    [{ id: "n", type: "text", label: "Nama lengkap", minLength: 3 }, "Al", "Jawaban terlalu pendek (paling sedikit 3 huruf)"],
    [
      { id: "n", type: "text", label: "Nama", maxLength: 5 },
      "Panjang sekali",
      "Jawaban terlalu panjang (paling banyak 5 huruf; Anda menulis 14)",
    ],
    [{ id: "t", type: "phone", label: "Telepon", personal: true }, "12345", "Nomor telepon belum benar"],
    [{ id: "e", type: "email", label: "Email", personal: true }, "budi@", "Alamat email belum benar"],
    [
      { id: "d", type: "date", label: "Tanggal RAT", notAfter: "today" },
      "1-1-2027",
      "Tanggal tidak boleh sesudah hari ini (22 November 2026)",
    ],
    [{ id: "d", type: "date", label: "Usulan tanggal", notBefore: "today" }, "1-1-2026", "Tanggal tidak boleh sebelum hari ini"],
    [{ id: "d", type: "date", label: "Tanggal" }, "kemarin", "Tanggal tidak dapat dibaca"],
    [{ id: "x", type: "number", label: "Jumlah pendiri", min: 9, integer: true }, "5", "Angka paling kecil 9"],
    [{ id: "x", type: "number", label: "Jumlah", integer: true }, "2,5", "harus bilangan bulat"],
    [{ id: "x", type: "number", label: "Jumlah", unit: "orang" }, "banyak", "Jawaban harus berupa angka (orang)"],
    [
      { id: "c", type: "choice", label: "Peran", options: ["Pengurus", "Pengawas"] },
      "3",
      "Pilih salah satu dengan membalas angkanya (1 sampai 2)",
    ],
    [
      { id: "r", type: "region", label: "Kabupaten/kota" },
      "Manggarai",
      "cocok dengan beberapa wilayah: Kabupaten Manggarai, Kabupaten Manggarai Barat",
    ],
    [{ id: "r", type: "region", label: "Kabupaten/kota" }, "Jakarta", 'Wilayah "Jakarta" tidak ada dalam daftar'],
    [{ id: "f", type: "file", label: "KTP", accept: ["jpg", "png"] }, "ini ktp saya", "kirim berkasnya (foto (JPG atau PNG)), bukan teks"],
    [{ id: "f", type: "file", label: "Akta", accept: ["pdf"] }, "nanti saya kirim", "kirim berkasnya (berkas PDF), bukan teks"],
    [
      { id: "n", type: "text", label: "Nama lengkap" },
      "setuju",
      '"setuju" tampaknya bukan jawaban untuk pertanyaan ini. Silakan tulis nama lengkap.',
    ],
    [{ id: "n", type: "text", label: "Nama lengkap" }, "OK", '"OK" tampaknya bukan jawaban'],
    [{ id: "n", type: "text", label: "Nama" }, "   ", "Jawaban belum diisi"],
  ] as [FormField, string, string][])("%j with %j", (field, input, message) => {
    const r = ask(field, input);
    expect(r.ok ? "" : r.error).toContain(message);
  });

  it("reads choices by number or by name, regions by number, name or abbreviation", () => {
    const choice: FormField = { id: "c", type: "choice", label: "Peran", options: ["Pengurus", "Pengawas"] };
    expect(ask(choice, "2")).toEqual({ ok: true, answer: { value: "Pengawas", display: "Pengawas" } });
    expect(ask(choice, "pengurus")).toEqual({ ok: true, answer: { value: "Pengurus", display: "Pengurus" } });
    const region: FormField = { id: "r", type: "region", label: "Wilayah" };
    expect(ask(region, "1")).toMatchObject({ ok: true, answer: { value: "53.71" } });
    expect(ask(region, "Kab. Kupang")).toMatchObject({ ok: true, answer: { display: "Kabupaten Kupang" } });
    expect(ask(region, "manggarai barat")).toMatchObject({ ok: true, answer: { value: "53.15" } });
  });

  it("lets optional fields be skipped and checks files by their real type", () => {
    expect(ask({ id: "o", type: "text", label: "Nomor koperasi", optional: true }, "-")).toEqual({ ok: true, answer: { skipped: true } });
    const file: FormField = { id: "f", type: "file", label: "Pas foto", accept: ["jpg", "png"] };
    expect(readAnswer(file, { kind: "file", file: { id: "f1", name: "foto.png", mime: "image/png" } }, ctx)).toMatchObject({
      ok: true,
      answer: { fileIds: ["f1"] },
    });
    const pdfOnly = readAnswer(file, { kind: "file", file: { id: "f2", name: "foto.pdf", mime: "application/pdf" } }, ctx);
    expect(pdfOnly.ok ? "" : pdfOnly.error).toBe("Untuk pertanyaan ini kirim foto (JPG atau PNG), bukan PDF. Silakan kirim ulang.");
    // The prompt names what the question takes; a photo where only PDF is taken says so.
    const pdfField: FormField = { id: "a", type: "file", label: "Akta", accept: ["pdf"] };
    const photo = readAnswer(pdfField, { kind: "file", file: { id: "f3", name: "foto.jpg", mime: "image/jpeg" } }, ctx);
    expect(photo.ok ? "" : photo.error).toBe(
      "Untuk pertanyaan ini kirim berkas PDF; foto tidak diterima. Kirim pindaiannya sebagai berkas PDF.",
    );
    const textGotFile = readAnswer(
      { id: "n", type: "text", label: "Nama" },
      { kind: "file", file: { id: "x", name: "a.pdf", mime: "application/pdf" } },
      ctx,
    );
    expect(textGotFile.ok ? "" : textGotFile.error).toBe(
      "Berkas ini tidak kami simpan: pertanyaan ini dijawab dengan teks. Silakan ketik jawabannya.",
    );
  });

  it("says in a file question's hint how many files it takes, of which kinds, and how to finish", () => {
    expect(fileHint({ id: "f", type: "file", label: "KTP" })).toBe("Kirim 1 foto atau PDF.");
    expect(fileHint({ id: "f", type: "file", label: "Akta", accept: ["pdf"] })).toBe(
      "Kirim 1 berkas PDF (foto tidak diterima untuk pertanyaan ini).",
    );
    expect(fileHint({ id: "f", type: "file", label: "Foto", accept: ["jpg", "png"] })).toBe("Kirim 1 foto (JPG atau PNG).");
    expect(fileHint({ id: "f", type: "file", label: "Berkas", accept: ["pdf", "jpg"], min: 1, max: 5 })).toBe(
      "Kirim 1 sampai 5 berkas (foto atau PDF), satu per satu, lalu ketik SELESAI bila sudah.",
    );
    expect(fileHint({ id: "f", type: "file", label: "Berkas", accept: ["pdf"], min: 2, max: 2 })).toBe(
      "Kirim 2 berkas (PDF), satu per satu, lalu ketik SELESAI bila sudah.",
    );
  });
});
