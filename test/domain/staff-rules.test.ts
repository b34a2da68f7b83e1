// The personnel rules as tables, with worked cases.
import { describe, expect, it } from "vitest";
import {
  addMonths,
  decodeNip,
  defaultStaffSettings,
  milestonesToFire,
  nextKgb,
  nextPromotionPeriod,
  pensionTmt,
  promotionEligibleFrom,
  promotionRegime,
  retirementAge,
  staffDeadlines,
  type EmployeeRecord,
} from "../../src/domain/staff-rules.ts";

const today = "2026-11-22";

describe("NIP", () => {
  it("decodes birth date, TMT CPNS, gender and serial", () => {
    expect(decodeNip("196608141988031018", today)).toEqual({
      ok: true,
      value: { nip: "196608141988031018", birthDate: "1966-08-14", tmtCpns: "1988-03-01", gender: "male", serial: "018" },
    });
    expect(decodeNip("1984 0229 2010 01 2 003", today)).toMatchObject({ ok: true, value: { birthDate: "1984-02-29", gender: "female" } });
  });
  it.each([
    ["19660814198803101", "NIP harus 18 angka"],
    ["196602301988031018", "tanggal lahir pada NIP (19660230) tidak ada di kalender"],
    ["196608141988131018", "TMT CPNS pada NIP (198813) bukan tahun-bulan yang sah"],
    ["196608142030011018", "TMT CPNS pada NIP jatuh di masa depan"],
    ["196608141988033018", "angka ke-15 NIP (jenis kelamin) harus 1 atau 2"],
    ["196608141988031000", "nomor urut NIP"],
    ["199001012000011001", "umur saat CPNS menurut NIP (10 tahun) tidak masuk akal"],
  ])("refuses %s", (nip, message) => {
    const r = decodeNip(nip, today);
    expect(r.ok ? "" : r.error).toContain(message);
  });
});

describe("pension", () => {
  it.each([
    ["administrator", 58],
    ["pelaksana", 58],
    ["fungsional-ahli-muda", 58],
    ["jpt", 60],
    ["fungsional-ahli-madya", 60],
    ["fungsional-ahli-utama", 65],
    ["guru", 60],
  ] as const)("%s retires at %s", (kind, age) => {
    expect(retirementAge(kind)).toBe(age);
  });
  it.each([
    ["1968-06-15", 58, "2026-07-01", "born mid-month: the 1st of the next month"],
    ["1968-06-01", 58, "2026-07-01", "born on the 1st: still the next month (month-based)"],
    ["1968-12-31", 58, "2027-01-01", "December: into the next year"],
    ["1968-02-29", 58, "2026-03-01", "29 February in a non-leap BUP year: February's birthday, TMT 1 March"],
    ["1966-08-14", 60, "2026-09-01", "JPT"],
  ])("%s at %s → %s (%s)", (birth, age, tmt) => {
    expect(pensionTmt(birth, age)).toBe(tmt);
  });
});

describe("KGB", () => {
  it.each([
    ["2025-04-01", "2010-01-01", "III/a", "2027-04-01"],
    [null, "2025-03-01", "III/a", "2027-03-01"],
    [null, "2025-03-01", "II/a", "2026-03-01"],
    ["2024-08-31", "2010-01-01", null, "2026-08-31"],
  ])("last %s, TMT CPNS %s, grade %s → %s", (last, tmt, grade, next) => {
    expect(nextKgb(last, tmt, grade)).toBe(next);
  });
  it("adds months without inventing days", () => {
    expect(addMonths("2024-01-31", 1)).toBe("2024-02-29");
    expect(addMonths("2025-03-31", -1)).toBe("2025-02-28");
  });
});

describe("promotion", () => {
  it.each([
    ["2023-05-10", "april-october", "2023-10-01"],
    ["2023-10-01", "april-october", "2023-10-01"],
    ["2023-11-15", "april-october", "2024-02-01"],
    ["2024-03-02", "six-periods", "2024-04-01"],
    ["2025-08-20", "six-periods", "2025-10-01"],
    ["2025-10-02", "monthly", "2025-11-01"],
    ["2026-11-22", "monthly", "2026-12-01"],
  ])("after %s (%s) the next period is %s", (date, regime, period) => {
    expect(promotionRegime(date)).toBe(regime);
    expect(nextPromotionPeriod(date)).toBe(period);
  });
  it("needs 4 years in rank, or 2 years plus credit points in a functional position", () => {
    expect(promotionEligibleFrom("2022-10-01", "pelaksana")).toEqual({ date: "2026-10-01", needsCreditPoints: false });
    expect(promotionEligibleFrom("2024-10-01", "fungsional-ahli-pertama")).toEqual({ date: "2026-10-01", needsCreditPoints: true });
  });
});

describe("milestones", () => {
  const employee: EmployeeRecord = {
    nip: "196808151990031002",
    birthDate: "1968-08-15",
    tmtCpns: "1990-03-01",
    kind: "pelaksana",
    initialGrade: "II/a",
    lastKgb: "2025-04-01",
    lastPromotion: "2023-04-01",
    retirementAgeOverride: null,
    nextKgbOverride: null,
    nextPromotionOverride: null,
  };
  const lastWorking = (d: string) => (d === "2027-03-01" ? "2027-02-26" : d);

  it("plans nothing after the pension date: a KGB or promotion due later is left out", () => {
    const plan = staffDeadlines(employee, defaultStaffSettings, "2026-01-10", lastWorking);
    expect(plan.map((d) => [d.kind, d.tmt])).toEqual([["pension", "2026-09-01"]]);
    const younger = staffDeadlines(
      { ...employee, birthDate: "1975-08-15", nip: "197508151999031002", tmtCpns: "1999-03-01" },
      defaultStaffSettings,
      "2026-01-10",
      lastWorking,
    );
    expect(younger.map((d) => [d.kind, d.tmt])).toEqual([
      ["pension", "2033-09-01"],
      ["kgb", "2027-04-01"],
      ["promotion", "2027-04-01"],
    ]);
  });

  it("KGB after the pension date is not planned; pension milestones are 12, 9, 7 and 6 months before", () => {
    const plan = staffDeadlines(employee, defaultStaffSettings, "2026-01-10", lastWorking);
    const pension = plan.find((d) => d.kind === "pension");
    expect(pension?.milestones).toEqual([
      { key: "open", date: "2025-09-01" },
      { key: "remind-12", date: "2025-09-01" },
      { key: "remind-9", date: "2025-12-01" },
      { key: "remind-7", date: "2026-02-01" },
      { key: "overdue", date: "2026-03-01" },
    ]);
    expect(plan.some((d) => d.kind === "kgb")).toBe(false);
  });

  it("counts the KGB letter deadline back to a working day", () => {
    const young = { ...employee, birthDate: "1990-05-05", nip: "199005052015031001", tmtCpns: "2015-03-01", lastKgb: "2025-04-01" };
    const kgb = staffDeadlines(young, defaultStaffSettings, "2026-11-22", lastWorking).find((d) => d.kind === "kgb");
    expect(kgb?.tmt).toBe("2027-04-01");
    expect(kgb?.milestones.find((m) => m.key === "overdue")?.date).toBe("2027-02-26");
    expect(kgb?.milestones.find((m) => m.key === "open")?.date).toBe("2027-01-01");
  });

  it("after downtime fires the opening and only the latest reminder", () => {
    const plan = staffDeadlines(employee, defaultStaffSettings, "2026-01-10", lastWorking);
    const pension = plan.find((d) => d.kind === "pension");
    if (!pension) throw new Error();
    const first = milestonesToFire(pension, "2026-01-10", new Set());
    expect(first.fire.map((m) => m.key)).toEqual(["open", "remind-9"]);
    expect(first.supersede.map((m) => m.key)).toEqual(["remind-12"]);
    const later = milestonesToFire(pension, "2026-03-02", new Set(["open", "remind-12", "remind-9"]));
    expect(later.fire.map((m) => m.key)).toEqual(["remind-7", "overdue"]);
  });
});
