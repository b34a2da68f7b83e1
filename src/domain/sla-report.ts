// SLA compliance of an office over a period: per SOP and step, how many cases opened, closed and
// still open; the median and 90th percentile of the actual time against the standard time; the
// share done on time; and the steps where cases wait longest. Pure: the history and the calendar
// come in; numbers and a bar chart (SVG) come out.
import { chartFont, escapeXml } from "./sop-chart.ts";
import { officeMinutesBetween, type WorkCalendar } from "./working-time.ts";

export interface ReportCase {
  id: string;
  code: string;
  sopNumber: number;
  sopTitle: string;
  createdAt: Date;
  closedAt: Date | null;
  status: string;
}

export interface ReportTask {
  caseId: string;
  sopNumber: number;
  stepId: string;
  stepNo: string | null;
  stepAction: string;
  openedAt: Date;
  closedAt: Date | null;
  dueAt: Date | null;
  /** Standard time in office minutes (minutes/hours steps) or working days, or null when none. */
  standard: { minutes: number } | { workingDays: number } | null;
}

export interface StepStats {
  sopNumber: number;
  stepId: string;
  stepNo: string | null;
  stepAction: string;
  closed: number;
  /** Office minutes. */
  median: number | null;
  p90: number | null;
  standard: ReportTask["standard"];
  onTime: number;
  timed: number;
}

export interface SopStats {
  sopNumber: number;
  sopTitle: string;
  opened: number;
  closed: number;
  open: number;
  onTime: number;
  timed: number;
  steps: StepStats[];
}

export interface Waiting {
  code: string;
  sopNumber: number;
  stepNo: string | null;
  stepAction: string;
  waitingMinutes: number;
  overdue: boolean;
}

export interface SlaReport {
  from: Date;
  to: Date;
  sops: SopStats[];
  totals: { opened: number; closed: number; open: number; onTime: number; timed: number };
  longestWaits: Waiting[];
}

/** The value at quantile q of sorted numbers (nearest rank). */
export function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? null;
}

export function computeSlaReport(input: {
  cases: ReportCase[];
  tasks: ReportTask[];
  from: Date;
  to: Date;
  now: Date;
  calendar: WorkCalendar;
}): SlaReport {
  const { from, to, calendar } = input;
  const inPeriod = (d: Date | null) => d !== null && d >= from && d < to;
  const end = input.now < to ? input.now : to;
  const casesById = new Map(input.cases.map((c) => [c.id, c]));
  const bySop = new Map<number, SopStats>();
  const sopOf = (n: number, title: string) => {
    let s = bySop.get(n);
    if (!s) {
      s = { sopNumber: n, sopTitle: title, opened: 0, closed: 0, open: 0, onTime: 0, timed: 0, steps: [] };
      bySop.set(n, s);
    }
    return s;
  };
  for (const c of input.cases) {
    const s = sopOf(c.sopNumber, c.sopTitle);
    if (inPeriod(c.createdAt)) s.opened += 1;
    if (inPeriod(c.closedAt)) s.closed += 1;
    if (c.createdAt < end && (c.closedAt === null || c.closedAt >= end)) s.open += 1;
  }
  const durations = new Map<string, { task: ReportTask; minutes: number[]; onTime: number; timed: number }>();
  const waits: Waiting[] = [];
  for (const t of input.tasks) {
    const kase = casesById.get(t.caseId);
    if (!kase) continue;
    const key = `${t.sopNumber}|${t.stepId}`;
    if (t.closedAt && inPeriod(t.closedAt)) {
      const entry = durations.get(key) ?? { task: t, minutes: [], onTime: 0, timed: 0 };
      entry.minutes.push(officeMinutesBetween(t.openedAt, t.closedAt, calendar));
      if (t.dueAt) {
        entry.timed += 1;
        if (t.closedAt <= t.dueAt) entry.onTime += 1;
      }
      durations.set(key, entry);
    }
    if (t.openedAt < end && (t.closedAt === null || t.closedAt >= end)) {
      waits.push({
        code: kase.code,
        sopNumber: t.sopNumber,
        stepNo: t.stepNo,
        stepAction: t.stepAction,
        waitingMinutes: officeMinutesBetween(t.openedAt, end, calendar),
        overdue: t.dueAt !== null && t.dueAt < end,
      });
    }
  }
  for (const [key, entry] of durations) {
    const [n] = key.split("|");
    const s = sopOf(Number(n), casesById.get(entry.task.caseId)?.sopTitle ?? "");
    const sorted = [...entry.minutes].sort((a, b) => a - b);
    s.steps.push({
      sopNumber: entry.task.sopNumber,
      stepId: entry.task.stepId,
      stepNo: entry.task.stepNo,
      stepAction: entry.task.stepAction,
      closed: sorted.length,
      median: quantile(sorted, 0.5),
      p90: quantile(sorted, 0.9),
      standard: entry.task.standard,
      onTime: entry.onTime,
      timed: entry.timed,
    });
    s.onTime += entry.onTime;
    s.timed += entry.timed;
  }
  const sops = [...bySop.values()]
    .filter((s) => s.opened + s.closed + s.open + s.steps.length > 0)
    .sort((a, b) => a.sopNumber - b.sopNumber);
  for (const s of sops) s.steps.sort((a, b) => (Number(a.stepNo) || 0) - (Number(b.stepNo) || 0));
  const totals = sops.reduce(
    (t, s) => ({
      opened: t.opened + s.opened,
      closed: t.closed + s.closed,
      open: t.open + s.open,
      onTime: t.onTime + s.onTime,
      timed: t.timed + s.timed,
    }),
    { opened: 0, closed: 0, open: 0, onTime: 0, timed: 0 },
  );
  return { from, to, sops, totals, longestWaits: waits.sort((a, b) => b.waitingMinutes - a.waitingMinutes).slice(0, 5) };
}

/** "2 jam 5 menit" for office minutes; days of office time beyond a working day. */
export function formatOfficeMinutes(minutes: number | null): string {
  if (minutes === null) return "–";
  const m = Math.round(minutes);
  if (m < 60) return `${m} menit`;
  if (m < 8 * 60) return m % 60 === 0 ? `${m / 60} jam` : `${Math.floor(m / 60)} jam ${m % 60} menit`;
  return `${(m / 510).toFixed(1).replace(".", ",")} hari kerja`;
}

const percent = (n: number, d: number) => (d === 0 ? "–" : `${Math.round((n / d) * 100)}%`);

export function reportText(report: SlaReport, officeName: string, periodLabel: string): string {
  const lines = [`Laporan kepatuhan waktu layanan — ${officeName}`, `Periode: ${periodLabel}`, ""];
  const t = report.totals;
  lines.push(
    `Kasus dibuka ${t.opened}, selesai ${t.closed}, masih berjalan ${t.open}. Langkah tepat waktu: ` +
      `${percent(t.onTime, t.timed)} (${t.onTime} dari ${t.timed}).`,
  );
  for (const s of report.sops) {
    lines.push(
      "",
      `SOP ${s.sopNumber} ${s.sopTitle}: dibuka ${s.opened}, selesai ${s.closed}, berjalan ${s.open}, ` +
        `tepat waktu ${percent(s.onTime, s.timed)}`,
    );
    for (const st of s.steps.slice(0, 8)) {
      const standard =
        st.standard === null
          ? "tanpa waktu baku"
          : "minutes" in st.standard
            ? formatOfficeMinutes(st.standard.minutes)
            : `${st.standard.workingDays} hari kerja`;
      lines.push(
        `  • langkah ${st.stepNo ?? st.stepId}: median ${formatOfficeMinutes(st.median)}, p90 ` +
          `${formatOfficeMinutes(st.p90)} (baku ${standard}); tepat waktu ${percent(st.onTime, st.timed)} dari ${st.closed}`,
      );
    }
  }
  if (report.longestWaits.length > 0) {
    lines.push("", "Paling lama menunggu:");
    for (const w of report.longestWaits)
      lines.push(
        `  • ${w.code} — SOP ${w.sopNumber} langkah ${w.stepNo ?? "?"}: ` +
          `${formatOfficeMinutes(w.waitingMinutes)}${w.overdue ? " (TERLAMBAT)" : ""}`,
      );
  }
  return lines.join("\n");
}

/** A horizontal bar chart: share on time per SOP, and the longest waits. */
export function reportChart(report: SlaReport, officeName: string, periodLabel: string): { svg: string; width: number; height: number } {
  const width = 980;
  const rows = report.sops.filter((s) => s.timed > 0);
  const barTop = 96;
  const rowH = 30;
  const waitsTop = barTop + Math.max(1, rows.length) * rowH + 60;
  const height = waitsTop + Math.max(1, report.longestWaits.length) * 24 + 50;
  const parts: string[] = [`<rect x="0" y="0" width="${width}" height="${height}" fill="#fff"/>`];
  const text = (x: number, y: number, t: string, size = 12, weight = "normal", anchor = "start") =>
    `<text x="${x}" y="${y}" font-family="${chartFont}" font-size="${size}" font-weight="${weight}" ` +
    `text-anchor="${anchor}" fill="#111">${escapeXml(t)}</text>`;
  parts.push(
    text(20, 32, `Kepatuhan waktu layanan — ${officeName}`, 17, "bold"),
    text(20, 54, `Periode: ${periodLabel}. Bagian langkah yang selesai dalam waktu baku, per SOP.`, 12),
  );
  const x0 = 330;
  const barW = 520;
  parts.push(`<line x1="${x0}" y1="${barTop - 10}" x2="${x0}" y2="${barTop + Math.max(1, rows.length) * rowH}" stroke="#555"/>`);
  for (const p of [0, 50, 80, 100]) {
    const x = x0 + (barW * p) / 100;
    parts.push(
      `<line class="grid" x1="${x}" y1="${barTop - 10}" x2="${x}" ` +
        `y2="${barTop + Math.max(1, rows.length) * rowH}" stroke="#ddd" stroke-dasharray="3 3"/>`,
      text(x, barTop - 14, `${p}%`, 10, "normal", "middle"),
    );
  }
  if (rows.length === 0) parts.push(text(x0 + 10, barTop + 18, "Belum ada langkah selesai dalam periode ini.", 12));
  rows.forEach((s, i) => {
    const y = barTop + i * rowH;
    const share = s.onTime / s.timed;
    const colour = share >= 0.8 ? "#2e7d32" : share >= 0.5 ? "#f9a825" : "#c62828";
    const label = `SOP ${s.sopNumber} ${s.sopTitle}`;
    parts.push(text(x0 - 8, y + 18, label.length > 44 ? `${label.slice(0, 43)}…` : label, 11, "normal", "end"));
    parts.push(
      `<rect class="bar" data-sop="${s.sopNumber}" x="${x0}" y="${y + 5}" ` +
        `width="${Math.max(2, barW * share)}" height="${rowH - 10}" fill="${colour}"/>`,
    );
    parts.push(text(x0 + barW * share + 6, y + 19, `${Math.round(share * 100)}% (${s.onTime}/${s.timed})`, 11));
  });
  parts.push(text(20, waitsTop - 16, "Paling lama menunggu (waktu kerja)", 13, "bold"));
  if (report.longestWaits.length === 0) parts.push(text(20, waitsTop + 6, "Tidak ada langkah yang menunggu.", 12));
  report.longestWaits.forEach((w, i) => {
    parts.push(
      text(
        20,
        waitsTop + 6 + i * 24,
        `${w.code} — SOP ${w.sopNumber} langkah ${w.stepNo ?? "?"}: ` +
          `${formatOfficeMinutes(w.waitingMinutes)}${w.overdue ? " (terlambat)" : ""}`,
        12,
        w.overdue ? "bold" : "normal",
      ),
    );
  });
  return {
    svg:
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ` +
      `${height}">${parts.join("")}</svg>`,
    width,
    height,
  };
}
