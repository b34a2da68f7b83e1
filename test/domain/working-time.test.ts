// Working-time arithmetic against the real 2025/2026 calendars and the offices' own hours.
import { beforeAll, describe, expect, it } from "vitest";
import {
  addOfficeMinutes,
  addWorkingDays,
  isOfficeTime,
  isWorkingDay,
  localDate,
  nextOfficeTime,
  nextWorkingDay,
  officeMinutesBetween,
  previousWorkingDay,
  type WorkCalendar,
} from "../../src/domain/working-time.ts";
import { workCalendarOf } from "../helpers/catalog.ts";

let wita: WorkCalendar; // NTT province: Asia/Makassar, Mon–Thu 07:30–16:00, Fri 07:30–16:30
let wib: WorkCalendar; // Kota Batam: Asia/Jakarta
beforeAll(async () => {
  wita = await workCalendarOf("ntt-provinsi");
  wib = await workCalendarOf("kota-batam");
});

/** A local WITA/WIB time written as "2026-03-17 15:00" with its offset. */
const at = (local: string, offset = "+08:00") => new Date(`${local.replace(" ", "T")}:00${offset}`);

describe("working days", () => {
  it.each([
    ["2026-03-17", true, "a Tuesday"],
    ["2026-03-18", false, "cuti bersama Nyepi"],
    ["2026-03-19", false, "Nyepi"],
    ["2026-03-20", false, "cuti bersama Idulfitri"],
    ["2026-03-23", false, "cuti bersama Idulfitri"],
    ["2026-03-24", false, "cuti bersama Idulfitri"],
    ["2026-03-25", true, "first day back after Idulfitri"],
    ["2026-01-01", false, "new year"],
    ["2026-01-02", true, "a Friday"],
    ["2026-01-03", false, "a Saturday"],
    ["2025-12-26", false, "cuti bersama Natal 2025"],
    ["2025-08-18", false, "cuti bersama 18 Agustus 2025"],
  ])("%s is %s (%s)", (date, expected) => {
    expect(isWorkingDay(date, wita)).toBe(expected);
  });

  it.each([
    ["2026-03-17", "2026-03-25"],
    ["2025-12-31", "2026-01-02"],
    ["2025-12-24", "2025-12-29"],
    ["2026-01-02", "2026-01-05"],
  ])("next working day after %s is %s", (date, expected) => {
    expect(nextWorkingDay(date, wita)).toBe(expected);
  });

  it.each([
    ["2026-03-25", "2026-03-17"],
    ["2026-01-02", "2025-12-31"],
    ["2026-01-05", "2026-01-02"],
  ])("previous working day before %s is %s", (date, expected) => {
    expect(previousWorkingDay(date, wita)).toBe(expected);
  });
});

describe("office minutes (WITA, Mon–Thu 07:30–16:00, Fri 07:30–16:30)", () => {
  it.each([
    ["inside one day", "2026-03-16 08:00", 15, "2026-03-16 08:15"],
    ["ends exactly at closing", "2026-03-16 14:00", 120, "2026-03-16 16:00"],
    ["crosses the evening", "2026-03-16 15:30", 60, "2026-03-17 08:00"],
    ["crosses the whole Idulfitri block", "2026-03-17 15:00", 120, "2026-03-25 08:30"],
    ["starts before opening", "2026-03-16 06:00", 30, "2026-03-16 08:00"],
    ["starts on a Saturday", "2026-03-14 10:00", 10, "2026-03-16 07:40"],
    ["Friday closes at 16:30", "2026-03-13 16:00", 45, "2026-03-16 07:45"],
    ["crosses the year boundary", "2025-12-31 15:00", 120, "2026-01-02 08:30"],
  ])("%s", (_name, start, minutes, due) => {
    expect(addOfficeMinutes(at(start), minutes, wita)).toEqual(at(due));
  });

  it("counts in the office's own zone: 16:00 WIB in Batam is 17:00 WITA", () => {
    // 2026-03-16 15:30 WIB + 60 office minutes → Batam closes 16:00 WIB → next day 08:00 WIB.
    expect(addOfficeMinutes(at("2026-03-16 15:30", "+07:00"), 60, wib)).toEqual(at("2026-03-17 08:00", "+07:00"));
    expect(localDate(at("2026-03-16 23:30", "+07:00"), "Asia/Makassar")).toBe("2026-03-17");
  });

  it("measures office minutes between two instants, skipping nights and holidays", () => {
    expect(officeMinutesBetween(at("2026-03-17 15:00"), at("2026-03-25 08:30"), wita)).toBe(120);
    expect(officeMinutesBetween(at("2026-03-16 08:00"), at("2026-03-16 07:00"), wita)).toBe(0);
  });

  it("knows office time", () => {
    expect(isOfficeTime(at("2026-03-16 07:30"), wita)).toBe(true);
    expect(isOfficeTime(at("2026-03-16 16:00"), wita)).toBe(false);
    expect(isOfficeTime(at("2026-03-20 09:00"), wita)).toBe(false);
    expect(nextOfficeTime(at("2026-03-20 09:00"), wita)).toEqual(at("2026-03-25 07:30"));
  });
});

describe("working days added", () => {
  it.each([
    ["same clock time next working day", "2026-03-16 10:00", 1, "2026-03-17 10:00"],
    ["across the Idulfitri block", "2026-03-17 10:00", 1, "2026-03-25 10:00"],
    ["three days over a weekend", "2026-03-12 09:00", 3, "2026-03-17 09:00"],
    ["opened in the evening counts from the next opening", "2026-03-09 18:00", 1, "2026-03-11 07:30"],
    ["across the year boundary", "2025-12-30 11:00", 2, "2026-01-02 11:00"],
    ["Friday 16:15 lands on Monday at closing time", "2026-03-06 16:15", 1, "2026-03-09 16:00"],
  ])("%s", (_name, start, days, due) => {
    expect(addWorkingDays(at(start), days, wita)).toEqual(at(due));
  });
});
