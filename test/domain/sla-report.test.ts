// SLA numbers from a history with known answers.
import { beforeAll, describe, expect, it } from "vitest";
import {
  computeSlaReport,
  formatOfficeMinutes,
  quantile,
  reportChart,
  type ReportCase,
  type ReportTask,
} from "../../src/domain/sla-report.ts";
import type { WorkCalendar } from "../../src/domain/working-time.ts";
import { workCalendarOf } from "../helpers/catalog.ts";

let calendar: WorkCalendar;
beforeAll(async () => {
  calendar = await workCalendarOf("ntt-provinsi");
});
const at = (local: string) => new Date(`${local.replace(" ", "T")}:00+08:00`);
const minutes = (start: Date, m: number) => new Date(start.getTime() + m * 60_000);

describe("quantile", () => {
  it.each([
    [[10, 20, 30, 40, 100], 0.5, 30],
    [[10, 20, 30, 40, 100], 0.9, 100],
    [[5], 0.9, 5],
    [[], 0.5, null],
  ])("%j at %s → %s", (values, q, expected) => {
    expect(quantile(values, q)).toBe(expected);
  });
});

describe("computeSlaReport", () => {
  it("counts cases, times each step against its standard, and finds the longest waits", () => {
    const open = at("2026-03-16 08:00");
    const durations = [10, 20, 30, 40, 100];
    const cases: ReportCase[] = durations.map((_, i) => ({
      id: `c${i}`,
      code: `13-AAAA${i}`,
      sopNumber: 13,
      sopTitle: "Penanganan Surat Keluar",
      createdAt: open,
      closedAt: i < 4 ? at("2026-03-16 10:30") : null,
      status: i < 4 ? "completed" : "open",
    }));
    const tasks: ReportTask[] = durations.map((d, i) => ({
      caseId: `c${i}`,
      sopNumber: 13,
      stepId: "2",
      stepNo: "2",
      stepAction: "Menyiapkan bahan",
      openedAt: open,
      closedAt: minutes(open, d),
      dueAt: minutes(open, 30),
      standard: { minutes: 30 },
    }));
    // The fifth case waits at step 3 since 09:40; "now" is 11:00.
    tasks.push({
      caseId: "c4",
      sopNumber: 13,
      stepId: "3",
      stepNo: "3",
      stepAction: "Mengoreksi",
      openedAt: at("2026-03-16 09:40"),
      closedAt: null,
      dueAt: at("2026-03-16 10:00"),
      standard: { minutes: 20 },
    });
    const report = computeSlaReport({
      cases,
      tasks,
      from: at("2026-03-16 00:00"),
      to: at("2026-03-18 00:00"),
      now: at("2026-03-16 11:00"),
      calendar,
    });
    expect(report.totals).toEqual({ opened: 5, closed: 4, open: 1, onTime: 3, timed: 5 });
    const step = report.sops[0]?.steps[0];
    expect(step).toMatchObject({ stepId: "2", closed: 5, median: 30, p90: 100, onTime: 3, timed: 5 });
    expect(report.longestWaits).toEqual([
      { code: "13-AAAA4", sopNumber: 13, stepNo: "3", stepAction: "Mengoreksi", waitingMinutes: 80, overdue: true },
    ]);
    const chart = reportChart(report, "Dinas Koperasi UKM Provinsi NTT", "16–17 Maret 2026");
    expect(chart.svg).toContain('class="bar" data-sop="13"');
    expect(chart.svg).toContain("60% (3/5)");
  });

  it("counts office time only: a step from Friday 16:00 to Monday 08:00 took 60 office minutes", () => {
    const report = computeSlaReport({
      cases: [
        { id: "c", code: "13-BBBBB", sopNumber: 13, sopTitle: "x", createdAt: at("2026-03-13 16:00"), closedAt: null, status: "open" },
      ],
      tasks: [
        {
          caseId: "c",
          sopNumber: 13,
          stepId: "1",
          stepNo: "1",
          stepAction: "x",
          openedAt: at("2026-03-13 16:00"),
          closedAt: at("2026-03-16 08:00"),
          dueAt: at("2026-03-16 07:35"),
          standard: { minutes: 5 },
        },
      ],
      from: at("2026-03-01 00:00"),
      to: at("2026-04-01 00:00"),
      now: at("2026-03-20 12:00"),
      calendar,
    });
    expect(report.sops[0]?.steps[0]?.median).toBe(60);
    expect(formatOfficeMinutes(60)).toBe("1 jam");
    expect(formatOfficeMinutes(1020)).toBe("2,0 hari kerja");
  });
});
