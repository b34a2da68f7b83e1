// Parses "/delegasi plt <yang digantikan>; <pengganti>; <sampai> ; <alasan>" in its few forms.
// Dates are local office dates: a delegation runs from the start of its first day to the end of its last.
import { parseDate } from "../domain/field-types.ts";
import { addDays, atLocal, localDate, type TimeZone } from "../domain/working-time.ts";

export interface DelegationRequest {
  kind: "plt" | "plh";
  absent: string;
  deputy: string;
  startsAt: Date;
  endsAt: Date;
  reason: string;
}

export const delegationUsage = [
  "Cara menetapkan pelaksana tugas:",
  "/delegasi plh <nama yang berhalangan>; <nama pengganti>; <sampai tanggal>; <alasan>",
  "/delegasi plt <nama>; <pengganti>; <mulai> s.d. <sampai>; <alasan>",
  "Tanggal ditulis 2026-12-05 atau 5-12-2026. Contoh:",
  "/delegasi plh Maria Goreti Bria; Agustinus Tefa; 2026-12-05; cuti tahunan",
  "/delegasi akhiri <nomor> — mengakhiri lebih awal",
].join("\n");

export type DelegationParse = { ok: true; request: DelegationRequest } | { ok: false; message: string };

export function parseDelegation(args: string, now: Date, timeZone: TimeZone): DelegationParse {
  const match = /^(plt|plh)\s+([\s\S]+)$/i.exec(args.trim());
  if (!match) return { ok: false, message: delegationUsage };
  const parts = (match[2] ?? "").split(";").map((p) => p.trim());
  if (parts.length < 4 || parts.some((p) => !p))
    return { ok: false, message: `Format belum lengkap: perlu empat bagian dipisah titik koma.\n\n${delegationUsage}` };
  const [absent, deputy, period, ...reasonParts] = parts as [string, string, string, ...string[]];
  const range = period.split(/\s*s\.?\s*d\.?\s*|\s+sampai\s+/i).filter(Boolean);
  const today = localDate(now, timeZone);
  const startDate = range.length === 2 ? parseDate(range[0] ?? "") : today;
  const endDate = parseDate(range.length === 2 ? (range[1] ?? "") : (range[0] ?? ""));
  if (!startDate || !endDate) return { ok: false, message: `Tanggal "${period}" tidak dapat dibaca. Tulis misalnya 2026-12-05.` };
  if (endDate < startDate) return { ok: false, message: "Tanggal akhir tidak boleh sebelum tanggal mulai." };
  if (endDate < today) return { ok: false, message: "Tanggal akhir sudah lewat." };
  const startsAt = startDate === today ? now : atLocal(startDate, 0, timeZone);
  const endsAt = atLocal(addDays(endDate, 1), 0, timeZone);
  return {
    ok: true,
    request: { kind: (match[1] ?? "plh").toLowerCase() as "plt" | "plh", absent, deputy, startsAt, endsAt, reason: reasonParts.join("; ") },
  };
}
