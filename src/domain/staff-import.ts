// Validates one row of a personnel register (CSV or XLSX) and turns it into an employee record.
// Columns are matched by name (case and spacing ignored, common Indonesian headers accepted).
import { parseDate } from "./field-types.ts";
import { decodeNip, positionKinds, type PositionKind } from "./staff-rules.ts";

/** The documented columns and the header names accepted for each. */
export const staffColumns = {
  nip: ["nip"],
  name: ["nama", "nama lengkap", "name"],
  positionTitle: ["jabatan", "nama jabatan"],
  positionKind: ["jenis jabatan", "jenis_jabatan", "kategori jabatan"],
  grade: ["golongan", "gol", "pangkat/golongan", "golongan ruang"],
  initialGrade: ["golongan awal", "golongan_awal", "gol awal"],
  lastKgb: ["tmt kgb terakhir", "tmt_kgb_terakhir", "kgb terakhir"],
  lastPromotion: ["tmt pangkat terakhir", "tmt_pangkat_terakhir", "tmt kp terakhir", "pangkat terakhir"],
  retirementAgeOverride: ["bup", "batas usia pensiun"],
  nextKgbOverride: ["tmt kgb berikut", "tmt_kgb_berikut", "kgb berikutnya"],
  nextPromotionOverride: ["tmt kp berikut", "tmt_kp_berikut", "kp berikutnya"],
  active: ["aktif", "status"],
} as const;

export type StaffColumn = keyof typeof staffColumns;
const required: StaffColumn[] = ["nip", "name", "positionTitle", "positionKind"];

const kindNames: Record<string, PositionKind> = {
  jpt: "jpt",
  "jabatan pimpinan tinggi": "jpt",
  "pimpinan tinggi": "jpt",
  administrator: "administrator",
  pengawas: "pengawas",
  pelaksana: "pelaksana",
  "fungsional keterampilan": "fungsional-keterampilan",
  "fungsional terampil": "fungsional-keterampilan",
  "fungsional ahli pertama": "fungsional-ahli-pertama",
  "fungsional ahli muda": "fungsional-ahli-muda",
  "fungsional ahli madya": "fungsional-ahli-madya",
  "fungsional ahli utama": "fungsional-ahli-utama",
  guru: "guru",
  dosen: "dosen",
};

export function normalizeHeader(header: string): string {
  return header
    .toLowerCase()
    .replace(/[_\s]+/g, " ")
    .trim();
}

/** Maps the file's headers to the columns; reports required columns that are missing. */
export function mapHeaders(headers: string[]): { map: Map<number, StaffColumn>; missing: StaffColumn[] } {
  const map = new Map<number, StaffColumn>();
  headers.forEach((h, i) => {
    const n = normalizeHeader(h);
    for (const [column, names] of Object.entries(staffColumns) as [StaffColumn, readonly string[]][]) {
      if (names.map(normalizeHeader).includes(n)) map.set(i, column);
    }
  });
  const present = new Set(map.values());
  return { map, missing: required.filter((c) => !present.has(c)) };
}

/** Reads a register date: the forms' date reader (ISO, DD-MM-YYYY, "1 April 2025" …) or a spreadsheet date. */
export function readRegisterDate(value: string | Date): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  return parseDate(value);
}

export interface StaffRow {
  nip: string;
  name: string;
  positionTitle: string;
  positionKind: PositionKind;
  grade: string | null;
  initialGrade: string | null;
  birthDate: string;
  tmtCpns: string;
  gender: string;
  lastKgb: string | null;
  lastPromotion: string | null;
  retirementAgeOverride: number | null;
  nextKgbOverride: string | null;
  nextPromotionOverride: string | null;
  active: boolean;
}

export type RowResult = { ok: true; row: StaffRow } | { ok: false; errors: string[] };

const gradePattern = /^(I{1,3}|IV)\/[a-e]$/i;

export function validateStaffRow(cells: Partial<Record<StaffColumn, string | Date>>, today: string): RowResult {
  const errors: string[] = [];
  const text = (c: StaffColumn) => {
    const v = cells[c];
    return v instanceof Date ? v.toISOString().slice(0, 10) : (v ?? "").toString().trim();
  };
  const date = (c: StaffColumn, label: string): string | null => {
    const v = cells[c];
    if (v === undefined || (typeof v === "string" && v.trim() === "")) return null;
    const d = readRegisterDate(v);
    if (!d) errors.push(`${label}: "${text(c)}" bukan tanggal (tulis 01-04-2025 atau 2025-04-01)`);
    return d;
  };

  const nip = decodeNip(text("nip"), today);
  if (!nip.ok) errors.push(`NIP: ${nip.error}`);
  const name = text("name");
  if (name.length < 2) errors.push("nama kosong");
  const title = text("positionTitle");
  if (!title) errors.push("jabatan kosong");
  const kindText = text("positionKind").toLowerCase().replace(/[-_]+/g, " ").replace(/\s+/g, " ");
  const kind: PositionKind | undefined = kindNames[kindText] ?? positionKinds.find((k) => k === text("positionKind").toLowerCase());
  if (!kind)
    errors.push(
      `jenis jabatan "${text("positionKind")}" tidak dikenal (pakai: JPT, Administrator, Pengawas, ` +
        `Pelaksana, Fungsional Keterampilan, Fungsional Ahli Pertama/Muda/Madya/Utama, Guru, Dosen)`,
    );
  const grade = text("grade") || null;
  if (grade && !gradePattern.test(grade)) errors.push(`golongan "${grade}" tidak dikenal (contoh: III/b)`);
  const initialGrade = text("initialGrade") || null;
  if (initialGrade && !gradePattern.test(initialGrade)) errors.push(`golongan awal "${initialGrade}" tidak dikenal (contoh: II/a)`);
  const lastKgb = date("lastKgb", "TMT KGB terakhir");
  const lastPromotion = date("lastPromotion", "TMT pangkat terakhir");
  const nextKgbOverride = date("nextKgbOverride", "TMT KGB berikut");
  const nextPromotionOverride = date("nextPromotionOverride", "TMT KP berikut");
  for (const [value, label] of [
    [lastKgb, "TMT KGB terakhir"],
    [lastPromotion, "TMT pangkat terakhir"],
  ] as const) {
    if (value && value > today) errors.push(`${label} ${value} jatuh di masa depan`);
    if (value && nip.ok && value < nip.value.tmtCpns) errors.push(`${label} ${value} sebelum TMT CPNS ${nip.value.tmtCpns}`);
  }
  const bupText = text("retirementAgeOverride");
  const bup = bupText ? Number(bupText) : null;
  if (bupText && (!Number.isInteger(bup) || (bup ?? 0) < 50 || (bup ?? 0) > 70)) errors.push(`BUP "${bupText}" harus angka tahun 50–70`);
  const activeText = text("active").toLowerCase();
  const active = !["tidak", "nonaktif", "tidak aktif", "0", "false", "pensiun"].includes(activeText);

  if (errors.length > 0 || !nip.ok || !kind) return { ok: false, errors };
  return {
    ok: true,
    row: {
      nip: nip.value.nip,
      name,
      positionTitle: title,
      positionKind: kind,
      grade: grade?.toUpperCase().replace(/\/(.)$/, (_, c: string) => `/${c.toLowerCase()}`) ?? null,
      initialGrade: initialGrade?.toUpperCase().replace(/\/(.)$/, (_, c: string) => `/${c.toLowerCase()}`) ?? null,
      birthDate: nip.value.birthDate,
      tmtCpns: nip.value.tmtCpns,
      gender: nip.value.gender,
      lastKgb,
      lastPromotion,
      retirementAgeOverride: bup,
      nextKgbOverride,
      nextPromotionOverride,
      active,
    },
  };
}
