// Reads and checks one answer of a chat form. Each type says precisely, in Indonesian, what was
// wrong and how to write it. Pure: "today" comes in as an argument.
import type { FormField } from "./form-schema.ts";

export type FieldInput = { kind: "text"; text: string } | { kind: "file"; file: { id: string; name: string; mime: string } };

export interface FieldContext {
  /** Today's date in the office's time zone, "YYYY-MM-DD". */
  today: string;
  /** The office's region list (kabupaten/kota or kecamatan). */
  regions: { code: string; name: string }[];
}

/** An answer; a file question's answer lists its files (`fileId` is the single file of older sessions). */
export type FieldAnswer = { value: string; display: string; fileId?: string; fileIds?: string[] } | { skipped: true };

export type FieldResult = { ok: true; answer: FieldAnswer } | { ok: false; error: string };

/** Province codes that exist in NIKs (Dukcapil), including the 2022 Papua provinces. */
const provinceCodes = new Set([
  "11",
  "12",
  "13",
  "14",
  "15",
  "16",
  "17",
  "18",
  "19",
  "21",
  "31",
  "32",
  "33",
  "34",
  "35",
  "36",
  "51",
  "52",
  "53",
  "61",
  "62",
  "63",
  "64",
  "65",
  "71",
  "72",
  "73",
  "74",
  "75",
  "76",
  "81",
  "82",
  "91",
  "92",
  "93",
  "94",
  "95",
  "96",
  "97",
]);

const months = ["januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september", "oktober", "november", "desember"];
const monthAbbrev: Record<string, number> = {
  jan: 1,
  feb: 2,
  peb: 2,
  mar: 3,
  apr: 4,
  mei: 5,
  jun: 6,
  jul: 7,
  agu: 8,
  agt: 8,
  ags: 8,
  agus: 8,
  sep: 9,
  sept: 9,
  okt: 10,
  nov: 11,
  nop: 11,
  des: 12,
};

function isRealDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const iso = (y: number, m: number, d: number) =>
  `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;

/** "Maret" for 3. */
export function monthNameId(month: number): string {
  return (months[month - 1] ?? "").replace(/^./, (c) => c.toUpperCase());
}

export function formatDateId(isoDate: string): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  return `${d} ${months[(m ?? 1) - 1]?.replace(/^./, (c) => c.toUpperCase())} ${y}`;
}

/** Reads "25-12-2026", "25/12/2026", "2026-12-25", "25 Desember 2026", "25 des 2026" → "2026-12-25". */
export function parseDate(text: string): string | null {
  const t = text.trim().toLowerCase().replace(/\s+/g, " ");
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (m) return isRealDate(+m[1]!, +m[2]!, +m[3]!) ? iso(+m[1]!, +m[2]!, +m[3]!) : null;
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(t);
  if (m) return isRealDate(+m[3]!, +m[2]!, +m[1]!) ? iso(+m[3]!, +m[2]!, +m[1]!) : null;
  m = /^(\d{1,2}) ([a-z]+)\.? (\d{4})$/.exec(t);
  if (m) {
    const name = m[2]!;
    const full = months.indexOf(name) + 1;
    const month = full > 0 ? full : (monthAbbrev[name] ?? 0);
    if (month > 0 && isRealDate(+m[3]!, month, +m[1]!)) return iso(+m[3]!, month, +m[1]!);
  }
  return null;
}

export type NikCheck = { ok: true; nik: string; birthDate: string; female: boolean } | { ok: false; error: string };

/** Checks a NIK: 16 digits, a known province, a plausible birth date (day + 40 for women). */
export function checkNik(text: string, today: string): NikCheck {
  const digits = text.replace(/[\s.-]/g, "");
  if (!/^\d+$/.test(digits))
    return { ok: false, error: "NIK hanya berisi angka. Tulis 16 angka NIK sesuai KTP, misalnya 5371012308900001." };
  if (digits.length !== 16)
    return { ok: false, error: `NIK harus 16 angka; yang Anda kirim ${digits.length} angka. Periksa kembali KTP Anda.` };
  if (!provinceCodes.has(digits.slice(0, 2)))
    return {
      ok: false,
      error: `Dua angka pertama NIK (${digits.slice(0, 2)}) bukan kode provinsi yang dikenal. Periksa kembali NIK Anda.`,
    };
  let day = Number(digits.slice(6, 8));
  const month = Number(digits.slice(8, 10));
  const yy = Number(digits.slice(10, 12));
  const female = day > 40;
  if (female) day -= 40;
  const currentYy = Number(today.slice(2, 4));
  const year = yy <= currentYy ? 2000 + yy : 1900 + yy;
  if (!isRealDate(year, month, day))
    return { ok: false, error: "Tanggal lahir pada NIK (angka ke-7 sampai ke-12) tidak masuk akal. Periksa kembali NIK Anda." };
  const birth = iso(year, month, day);
  if (birth > today) return { ok: false, error: "Tanggal lahir pada NIK jatuh di masa depan. Periksa kembali NIK Anda." };
  if (digits.slice(12) === "0000") return { ok: false, error: "Empat angka terakhir NIK tidak boleh 0000. Periksa kembali NIK Anda." };
  return { ok: true, nik: digits, birthDate: birth, female };
}

/** "0812-3456-7890", "+62 812 3456 7890", "(0380) 821234" → "+6281234567890" / "+62380821234". */
export function normalizePhone(text: string): string | null {
  let t = text.trim().replace(/[\s().-]/g, "");
  if (t.startsWith("+")) t = t.slice(1);
  if (!/^\d+$/.test(t)) return null;
  if (t.startsWith("62")) t = t.slice(2);
  else if (t.startsWith("0")) t = t.slice(1);
  else return null;
  if (t.startsWith("0")) return null;
  // Mobile numbers 8xx: 9–12 digits after 62; landlines (area code 2–4 digits + 5–8): 7–11 digits.
  if (t.startsWith("8") ? t.length < 9 || t.length > 12 : t.length < 7 || t.length > 11) return null;
  return `+62${t}`;
}

/** "1.500.000", "Rp 1.500.000", "2,5", "1500000" → a number. */
export function parseIndonesianNumber(text: string): number | null {
  let t = text
    .trim()
    .toLowerCase()
    .replace(/^rp\.?\s*/, "")
    .replace(/\s/g, "");
  if (/^\d{1,3}(\.\d{3})+(,\d+)?$/.test(t)) t = t.replace(/\./g, "").replace(",", ".");
  else if (/^\d+,\d+$/.test(t)) t = t.replace(",", ".");
  if (!/^-?\d+(\.\d+)?$/.test(t)) return null;
  return Number(t);
}

function normalizeName(text: string): string {
  return text
    .toLowerCase()
    .replace(/\bkab(?:\.|\s)\s*/g, "kabupaten ")
    .replace(/\bkec(?:\.|\s)\s*/g, "kecamatan ")
    .replace(/[^a-z0-9 ]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

const skipWords = new Set(["-", "lewati", "tidak ada", "belum ada", "skip"]);

const acceptMime: Record<string, string> = { pdf: "application/pdf", jpg: "image/jpeg", png: "image/png" };

type FileField = Extract<FormField, { type: "file" }>;

/** "foto atau PDF", "berkas PDF", "foto (JPG atau PNG)": what a file question takes, as its prompt says it. */
export function fileKinds(field: FileField): string {
  const accept = field.accept ?? ["pdf", "jpg", "png"];
  const photo = accept.includes("jpg") || accept.includes("png");
  const pdf = accept.includes("pdf");
  return photo && pdf ? "foto atau PDF" : pdf ? "berkas PDF" : "foto (JPG atau PNG)";
}

/** The line under a file question: how many files, of which kinds, and how to finish. */
export function fileHint(field: FileField): string {
  const min = field.min ?? 1;
  const max = field.max ?? 1;
  const photoRefused = !(field.accept ?? ["pdf", "jpg", "png"]).some((a) => a === "jpg" || a === "png");
  const kinds = fileKinds(field);
  if (max === 1) return `Kirim 1 ${kinds}${photoRefused ? " (foto tidak diterima untuk pertanyaan ini)" : ""}.`;
  const count = min === max ? `${max}` : `${min} sampai ${max}`;
  const each = kinds === "berkas PDF" ? "PDF" : kinds;
  return `Kirim ${count} berkas (${each}), satu per satu, lalu ketik SELESAI bila sudah.`;
}

/** Whether a file of `mime` answers the question; the refusal names what it takes instead. */
export function acceptsFile(field: FileField, mime: string): { ok: true } | { ok: false; error: string } {
  const accepted = (field.accept ?? ["pdf", "jpg", "png"]).map((a) => acceptMime[a]);
  if (accepted.includes(mime)) return { ok: true };
  const kinds = fileKinds(field);
  if (mime === "application/pdf") return { ok: false, error: `Untuk pertanyaan ini kirim ${kinds}, bukan PDF. Silakan kirim ulang.` };
  const takesPhotos = accepted.some((m) => m?.startsWith("image/"));
  return {
    ok: false,
    error: takesPhotos
      ? `Untuk pertanyaan ini kirim ${kinds}. Silakan kirim ulang.`
      : `Untuk pertanyaan ini kirim ${kinds}; foto tidak diterima. Kirim pindaiannya sebagai berkas PDF.`,
  };
}

/** Words that steer the form; typed alone they are never an answer to a text question. */
const controlWords = new Set([
  "setuju",
  "saya setuju",
  "tidak",
  "tidak setuju",
  "ok",
  "oke",
  "ya",
  "kirim",
  "selesai",
  "sudah",
  "kembali",
  "batal",
]);

/** Reads one answer for `field`. */
export function readAnswer(field: FormField, input: FieldInput, ctx: FieldContext): FieldResult {
  if (input.kind === "text" && field.optional && skipWords.has(input.text.trim().toLowerCase()))
    return { ok: true, answer: { skipped: true } };

  if (field.type === "file") {
    if (input.kind !== "file") {
      return {
        ok: false,
        error: `Untuk pertanyaan ini kirim berkasnya (${fileKinds(field)}), bukan teks.${field.optional ? " Ketik - untuk melewati." : ""}`,
      };
    }
    const check = acceptsFile(field, input.file.mime);
    if (!check.ok) return check;
    return { ok: true, answer: { value: input.file.id, display: `${input.file.name} (berkas)`, fileIds: [input.file.id] } };
  }
  if (input.kind === "file")
    return { ok: false, error: "Berkas ini tidak kami simpan: pertanyaan ini dijawab dengan teks. Silakan ketik jawabannya." };
  const text = input.text.trim();
  if (!text) return { ok: false, error: "Jawaban belum diisi. Silakan ketik jawabannya." };

  switch (field.type) {
    case "text": {
      if (controlWords.has(text.toLowerCase())) {
        return {
          ok: false,
          error:
            `"${text}" tampaknya bukan jawaban untuk pertanyaan ini. Silakan tulis ` +
            `${field.label.replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase())}.`,
        };
      }
      const min = field.minLength ?? 1;
      const max = field.maxLength ?? 500;
      if (text.length < min)
        return { ok: false, error: `Jawaban terlalu pendek (paling sedikit ${min} huruf). Silakan tulis lebih lengkap.` };
      if (text.length > max)
        return {
          ok: false,
          error: `Jawaban terlalu panjang (paling banyak ${max} huruf; Anda menulis ${text.length}). Silakan persingkat.`,
        };
      return { ok: true, answer: { value: text, display: text } };
    }
    case "nik": {
      const nik = checkNik(text, ctx.today);
      return nik.ok ? { ok: true, answer: { value: nik.nik, display: nik.nik } } : { ok: false, error: nik.error };
    }
    case "phone": {
      const phone = normalizePhone(text);
      return phone
        ? { ok: true, answer: { value: phone, display: phone } }
        : { ok: false, error: "Nomor telepon belum benar. Tulis nomor Indonesia, misalnya 0812 3456 7890 atau +62 812 3456 7890." };
    }
    case "email": {
      const email = text.toLowerCase();
      return /^[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/.test(email)
        ? { ok: true, answer: { value: email, display: email } }
        : { ok: false, error: "Alamat email belum benar. Tulis seperti nama@contoh.com." };
    }
    case "date": {
      const date = parseDate(text);
      if (!date) return { ok: false, error: "Tanggal tidak dapat dibaca. Tulis seperti 25-12-2026 atau 25 Desember 2026." };
      if (field.notBefore === "today" && date < ctx.today)
        return { ok: false, error: `Tanggal tidak boleh sebelum hari ini (${formatDateId(ctx.today)}).` };
      if (field.notAfter === "today" && date > ctx.today)
        return { ok: false, error: `Tanggal tidak boleh sesudah hari ini (${formatDateId(ctx.today)}).` };
      return { ok: true, answer: { value: date, display: formatDateId(date) } };
    }
    case "number": {
      const n = parseIndonesianNumber(text);
      if (n === null)
        return { ok: false, error: `Jawaban harus berupa angka${field.unit ? ` (${field.unit})` : ""}, misalnya 25 atau 1.500.000.` };
      if (field.integer && !Number.isInteger(n)) return { ok: false, error: "Jawaban harus bilangan bulat, tanpa koma." };
      if (field.min !== undefined && n < field.min) return { ok: false, error: `Angka paling kecil ${field.min.toLocaleString("id-ID")}.` };
      if (field.max !== undefined && n > field.max) return { ok: false, error: `Angka paling besar ${field.max.toLocaleString("id-ID")}.` };
      return { ok: true, answer: { value: String(n), display: `${n.toLocaleString("id-ID")}${field.unit ? ` ${field.unit}` : ""}` } };
    }
    case "choice": {
      const byNumber = /^\d+$/.test(text) ? field.options[Number(text) - 1] : undefined;
      const q = text.toLowerCase();
      const byText = field.options.filter((o) => o.toLowerCase() === q || o.toLowerCase().startsWith(q));
      const chosen = byNumber ?? (byText.length === 1 ? byText[0] : undefined);
      return chosen
        ? { ok: true, answer: { value: chosen, display: chosen } }
        : { ok: false, error: `Pilih salah satu dengan membalas angkanya (1 sampai ${field.options.length}).` };
    }
    case "region": {
      const byNumber = /^\d+$/.test(text) ? ctx.regions[Number(text) - 1] : undefined;
      const q = normalizeName(text);
      const exact = ctx.regions.filter((r) => normalizeName(r.name) === q);
      const partial = ctx.regions.filter((r) => normalizeName(r.name).includes(q));
      const chosen = byNumber ?? exact[0] ?? (partial.length === 1 ? partial[0] : undefined);
      if (chosen) return { ok: true, answer: { value: chosen.code, display: chosen.name } };
      if (partial.length > 1)
        return {
          ok: false,
          error: `"${text}" cocok dengan beberapa wilayah: ${partial.map((r) => r.name).join(", ")}. Balas dengan angkanya.`,
        };
      return { ok: false, error: `Wilayah "${text}" tidak ada dalam daftar wilayah layanan kantor ini. Balas dengan angka dari daftar.` };
    }
  }
}
