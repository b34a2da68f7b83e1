// Reads the "Waktu" column of an SOP table. Minutes and hours count in office hours; days and
// longer count in working days (1 minggu = 5, 1 bulan = 20, 1 tahun = 240 working days).

export type ParsedTime = { kind: "minutes"; value: number } | { kind: "workingDays"; value: number } | { kind: "unparsed" };

const units: Record<string, { kind: "minutes" | "workingDays"; factor: number }> = {
  menit: { kind: "minutes", factor: 1 },
  jam: { kind: "minutes", factor: 60 },
  hari: { kind: "workingDays", factor: 1 },
  minggu: { kind: "workingDays", factor: 5 },
  bulan: { kind: "workingDays", factor: 20 },
  tahun: { kind: "workingDays", factor: 240 },
};

/** Parses "15 menit", "2 Jam", "3 hari", "1 minggu", "3 Bulan", "360 Menit" (any case). */
export function parseStandardTime(printed: string): ParsedTime {
  const match = /^\s*(\d+)\s*(menit|jam|hari|minggu|bulan|tahun)(\s+kerja)?\s*$/i.exec(printed);
  if (!match) return { kind: "unparsed" };
  const unit = units[(match[2] ?? "").toLowerCase()];
  if (!unit) return { kind: "unparsed" };
  return { kind: unit.kind, value: Number(match[1]) * unit.factor };
}

/** A standard time as the engine uses it. */
export type StandardTime = { minutes: number } | { workingDays: number } | null;

/** Formats a standard time in Indonesian, e.g. "2 jam 30 menit", "3 hari kerja". */
export function formatStandardTime(time: StandardTime): string {
  if (time === null) return "tidak ditentukan";
  if ("workingDays" in time) return `${time.workingDays} hari kerja`;
  const hours = Math.floor(time.minutes / 60);
  const minutes = time.minutes % 60;
  if (hours === 0) return `${minutes} menit`;
  return minutes === 0 ? `${hours} jam` : `${hours} jam ${minutes} menit`;
}
