// Personnel deadline rules, pure and on ISO dates ("YYYY-MM-DD"): NIP decoding, retirement age and
// pension TMT, the next periodic salary increase (KGB), rank-promotion eligibility and periods, and
// the reminder milestones before each. Sources and the settings' defaults: shared/DOMAIN.md.

export type Gender = "male" | "female";

export interface DecodedNip {
  nip: string;
  birthDate: string;
  /** TMT CPNS: the first of the month written in digits 9–14. */
  tmtCpns: string;
  gender: Gender;
  serial: string;
}

function isRealDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const iso = (y: number, m: number, d: number) =>
  `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split("-").map(Number);
  return [y ?? 0, m ?? 1, d ?? 1];
}

/** Adds calendar months; a day that does not exist in the target month becomes its last day. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const total = y * 12 + (m - 1) + months;
  const ty = Math.floor(total / 12);
  const tm = (total % 12) + 1;
  const last = new Date(Date.UTC(ty, tm, 0)).getUTCDate();
  return iso(ty, tm, Math.min(d, last));
}

export function firstOfNextMonth(date: string): string {
  const [y, m] = parts(date);
  return m === 12 ? iso(y + 1, 1, 1) : iso(y, m + 1, 1);
}

export type NipResult = { ok: true; value: DecodedNip } | { ok: false; error: string };

/** Decodes a PNS NIP (Perka BKN 22/2007). PPPK numbers are laid out differently and are not decoded. */
export function decodeNip(input: string, today: string): NipResult {
  const nip = input.replace(/[\s.]/g, "");
  if (!/^\d{18}$/.test(nip)) return { ok: false, error: `NIP harus 18 angka (diterima ${nip.length} karakter)` };
  const by = Number(nip.slice(0, 4));
  const bm = Number(nip.slice(4, 6));
  const bd = Number(nip.slice(6, 8));
  if (!isRealDate(by, bm, bd)) return { ok: false, error: `tanggal lahir pada NIP (${nip.slice(0, 8)}) tidak ada di kalender` };
  const birthDate = iso(by, bm, bd);
  const ty = Number(nip.slice(8, 12));
  const tm = Number(nip.slice(12, 14));
  if (tm < 1 || tm > 12 || ty < 1950) return { ok: false, error: `TMT CPNS pada NIP (${nip.slice(8, 14)}) bukan tahun-bulan yang sah` };
  const tmtCpns = iso(ty, tm, 1);
  if (tmtCpns > today) return { ok: false, error: "TMT CPNS pada NIP jatuh di masa depan" };
  const age = ty - by;
  if (age < 17 || age > 60) return { ok: false, error: `umur saat CPNS menurut NIP (${age} tahun) tidak masuk akal` };
  const g = nip[14];
  if (g !== "1" && g !== "2") return { ok: false, error: `angka ke-15 NIP (jenis kelamin) harus 1 atau 2, bukan ${g}` };
  const serial = nip.slice(15);
  if (serial === "000") return { ok: false, error: "nomor urut NIP (3 angka terakhir) tidak boleh 000" };
  return { ok: true, value: { nip, birthDate, tmtCpns, gender: g === "1" ? "male" : "female", serial } };
}

/** Position kinds that set the retirement age (PP 11/2017 Pasal 239; teachers and lecturers by their own law). */
export const positionKinds = [
  "jpt",
  "administrator",
  "pengawas",
  "pelaksana",
  "fungsional-keterampilan",
  "fungsional-ahli-pertama",
  "fungsional-ahli-muda",
  "fungsional-ahli-madya",
  "fungsional-ahli-utama",
  "guru",
  "dosen",
] as const;
export type PositionKind = (typeof positionKinds)[number];

export function retirementAge(kind: PositionKind): number {
  switch (kind) {
    case "jpt":
    case "fungsional-ahli-madya":
    case "guru":
      return 60;
    case "fungsional-ahli-utama":
    case "dosen":
      return 65;
    default:
      return 58;
  }
}

/**
 * Pension TMT: the first day of the month after the month in which the retirement-age birthday
 * falls (month-based). Born 1 June 1968, age 58 → 1 July 2026; born 29 February → the birthday falls
 * in February of the BUP year → 1 March.
 */
export function pensionTmt(birthDate: string, age: number): string {
  const [y, m] = parts(birthDate);
  return firstOfNextMonth(iso(y + age, m, 1));
}

/**
 * The next KGB TMT: two years after the last one; without a recorded KGB, two years after TMT CPNS
 * (one year for staff appointed at II/a). A postponement (poor performance rating) is entered as an
 * override in the register.
 */
export function nextKgb(lastKgb: string | null, tmtCpns: string, initialGrade: string | null): string {
  if (lastKgb) return addMonths(lastKgb, 24);
  return addMonths(tmtCpns, initialGrade?.toUpperCase() === "II/A" ? 12 : 24);
}

export type PromotionRegime = "april-october" | "six-periods" | "monthly";

/** The periods in force on a date: 1 Apr & 1 Oct until 2023; six a year in 2024 – Sep 2025; monthly from Oct 2025. */
export function promotionRegime(date: string): PromotionRegime {
  if (date < "2024-01-01") return "april-october";
  if (date < "2025-10-01") return "six-periods";
  return "monthly";
}

function isPeriod(date: string): boolean {
  const [, m, d] = parts(date);
  if (d !== 1) return false;
  switch (promotionRegime(date)) {
    case "april-october":
      return m === 4 || m === 10;
    case "six-periods":
      return m % 2 === 0;
    case "monthly":
      return true;
  }
}

/** The first promotion period on or after `date`, under the regime in force on that period. */
export function nextPromotionPeriod(date: string): string {
  const [y, m, d] = parts(date);
  let candidate = d === 1 ? date : firstOfNextMonth(iso(y, m, 1));
  for (let i = 0; i < 24 && !isPeriod(candidate); i++) candidate = firstOfNextMonth(candidate);
  return candidate;
}

/** Regular promotion: 4 years in rank; functional positions: 2 years plus credit points. */
export function promotionEligibleFrom(lastPromotion: string, kind: PositionKind): { date: string; needsCreditPoints: boolean } {
  const functional = kind.startsWith("fungsional") || kind === "guru" || kind === "dosen";
  return { date: addMonths(lastPromotion, functional ? 24 : 48), needsCreditPoints: functional };
}

/** Lead times of an office (settings; defaults below). */
export interface StaffDeadlineSettings {
  pension: { openMonthsBefore: number; remindMonthsBefore: number[]; overdueMonthsBefore: number };
  kgb: { openMonthsBefore: number; remindMonthsBefore: number[]; letterMonthsBefore: number };
  promotion: { openMonthsBefore: number; remindMonthsBefore: number[]; overdueMonthsBefore: number };
  /** Tell the employee concerned about their own KGB and pension. */
  notifyEmployees: boolean;
}

export const defaultStaffSettings: StaffDeadlineSettings = {
  pension: { openMonthsBefore: 12, remindMonthsBefore: [12, 9, 7], overdueMonthsBefore: 6 },
  kgb: { openMonthsBefore: 3, remindMonthsBefore: [3, 2], letterMonthsBefore: 1 },
  promotion: { openMonthsBefore: 3, remindMonthsBefore: [3, 2], overdueMonthsBefore: 1 },
  notifyEmployees: false,
};

export type DeadlineKind = "pension" | "kgb" | "promotion";

export interface Milestone {
  /** "open" opens the SOP case; "remind-N" reminds N months before; "overdue" is the last safe day passed. */
  key: string;
  date: string;
}

export interface StaffDeadline {
  kind: DeadlineKind;
  /** The TMT the deadline is for (pension TMT, KGB TMT, promotion period). */
  tmt: string;
  sop: 16 | 17 | 18;
  milestones: Milestone[];
  note?: string;
}

export interface EmployeeRecord {
  nip: string;
  birthDate: string;
  tmtCpns: string;
  kind: PositionKind;
  initialGrade: string | null;
  lastKgb: string | null;
  lastPromotion: string | null;
  retirementAgeOverride: number | null;
  nextKgbOverride: string | null;
  nextPromotionOverride: string | null;
}

/** Opening N months before the TMT, a reminder at each listed month, and the overdue date. */
function milestonesBefore(tmt: string, openMonths: number, remindMonths: number[], overdue: string): Milestone[] {
  return [
    { key: "open", date: addMonths(tmt, -openMonths) },
    ...remindMonths.map((n) => ({ key: `remind-${n}`, date: addMonths(tmt, -n) })),
    { key: "overdue", date: overdue },
  ];
}

/**
 * The deadlines of one employee still ahead of (or not long past) `today`, with their milestones.
 * `lastWorkingDayOnOrBefore` turns "a month before the KGB TMT" into the last working day that still
 * gets the letter to finance in time (it comes from the working-time calendar).
 */
export function staffDeadlines(
  e: EmployeeRecord,
  settings: StaffDeadlineSettings,
  today: string,
  lastWorkingDayOnOrBefore: (date: string) => string,
): StaffDeadline[] {
  const out: StaffDeadline[] = [];
  const pension = pensionTmt(e.birthDate, e.retirementAgeOverride ?? retirementAge(e.kind));
  if (pension > today || addMonths(pension, 1) > today) {
    const p = settings.pension;
    out.push({
      kind: "pension",
      tmt: pension,
      sop: 16,
      milestones: milestonesBefore(pension, p.openMonthsBefore, p.remindMonthsBefore, addMonths(pension, -p.overdueMonthsBefore)),
    });
  }
  // No KGB or promotion once retired.
  const kgb = e.nextKgbOverride ?? nextKgb(e.lastKgb, e.tmtCpns, e.initialGrade);
  if (kgb < pension) {
    const k = settings.kgb;
    out.push({
      kind: "kgb",
      tmt: kgb,
      sop: 18,
      milestones: milestonesBefore(
        kgb,
        k.openMonthsBefore,
        k.remindMonthsBefore,
        lastWorkingDayOnOrBefore(addMonths(kgb, -k.letterMonthsBefore)),
      ),
    });
  }
  if (e.lastPromotion || e.nextPromotionOverride) {
    const eligible = e.nextPromotionOverride
      ? { date: e.nextPromotionOverride, needsCreditPoints: false }
      : promotionEligibleFrom(e.lastPromotion as string, e.kind);
    const period = nextPromotionPeriod(eligible.date > today ? eligible.date : today);
    if (period < pension) {
      const pr = settings.promotion;
      out.push({
        kind: "promotion",
        tmt: period,
        sop: 17,
        milestones: milestonesBefore(period, pr.openMonthsBefore, pr.remindMonthsBefore, addMonths(period, -pr.overdueMonthsBefore)),
        ...(eligible.needsCreditPoints ? { note: "jabatan fungsional: memerlukan angka kredit" } : {}),
      });
    }
  }
  for (const d of out) d.milestones.sort((a, b) => a.date.localeCompare(b.date));
  return out;
}

/**
 * Which milestones to act on today: "open" and "overdue" whenever they are due and not done; of the
 * reminders only the latest one due (after downtime, the older ones are superseded, not sent late).
 */
export function milestonesToFire(
  deadline: StaffDeadline,
  today: string,
  done: ReadonlySet<string>,
): { fire: Milestone[]; supersede: Milestone[] } {
  const due = deadline.milestones.filter((m) => m.date <= today && !done.has(m.key));
  const opening = due.find((m) => m.key === "open");
  const latestReminder = due.filter((m) => m.key.startsWith("remind-")).at(-1);
  // A reminder falling on the day the case opens says nothing the opening does not.
  const reminderWorthSending = latestReminder && !(opening && latestReminder.date === opening.date) ? latestReminder : undefined;
  const fire = due.filter((m) => m.key === "open" || m.key === "overdue" || m === reminderWorthSending);
  return { fire, supersede: due.filter((m) => !fire.includes(m)) };
}
