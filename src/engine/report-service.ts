// Builds the SLA report and the archive export of an office for a period, from the cases, their
// pinned SOPs and the audit trail. Runs inside a transaction the caller holds.
import { computeSlaReport, reportChart, reportText, type ReportCase, type ReportTask, type SlaReport } from "../domain/sla-report.ts";
import { formatDateId, monthNameId } from "../domain/field-types.ts";
import { stepStandardTime } from "../domain/sop-summary.ts";
import { addDays, atLocal, isOfficeTime, isoWeekday, localDate, type TimeZone, type WorkCalendar } from "../domain/working-time.ts";
import type { EngineTx } from "./case-ports.ts";
import type { StoredFileRow } from "./file-ports.ts";

export async function buildSlaReportIn(
  tx: EngineTx,
  officeId: string,
  from: Date,
  to: Date,
  now: Date,
  calendar: WorkCalendar,
): Promise<SlaReport> {
  const history = await tx.reportHistory(officeId, from, to);
  const cases: ReportCase[] = [];
  const tasks: ReportTask[] = [];
  const sopByCase = new Map<string, Awaited<ReturnType<EngineTx["pinnedSop"]>>>();
  // Thousands of rows: let the event loop run every thousand (presses arrive meanwhile).
  let built = 0;
  const breathe = () => (++built % 1000 === 0 ? new Promise<void>((resolve) => setImmediate(resolve)) : undefined);
  for (const c of history.cases) {
    await breathe();
    const sop = await tx.pinnedSop(c.flowHash);
    sopByCase.set(c.id, sop);
    cases.push({
      id: c.id,
      code: c.code,
      sopNumber: c.sopNumber,
      sopTitle: sop.title,
      createdAt: c.createdAt,
      closedAt: c.closedAt,
      status: c.status,
    });
  }
  for (const t of history.tasks) {
    const sop = sopByCase.get(t.caseId);
    const step = sop?.steps.find((s) => s.id === t.stepId);
    if (!sop || !step) continue;
    // Steps done by the applicant, time waiting for what they were asked for, and an outside body's
    // part do not count against the office.
    if (t.waitingFor === "applicant" || t.waitingFor === "request" || t.waitingFor === "external") continue;
    tasks.push({
      caseId: t.caseId,
      sopNumber: sop.number,
      stepId: t.stepId,
      stepNo: step.no,
      stepAction: step.action,
      openedAt: t.openedAt,
      closedAt: t.status === "open" ? null : t.closedAt,
      dueAt: t.dueAt,
      standard: stepStandardTime(step),
    });
  }
  return computeSlaReport({ cases, tasks, from, to, now, calendar });
}

export interface ExportRows {
  cases: Record<string, string | number | null>[];
  steps: Record<string, string | number | null>[];
  audit: Record<string, string | number | null>[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The rows of the archive export: cases, their steps and the audit trail. Applicants' form answers
 * (personal data) stay out; the case title and code identify the matter.
 */
export async function exportRowsIn(tx: EngineTx, officeId: string, from: Date, to: Date): Promise<ExportRows> {
  const history = await tx.reportHistory(officeId, from, to);
  const codes = new Map(history.cases.map((c) => [c.id, c.code]));
  const names = new Map<string, string>();
  const nameOf = async (id: string | null) => {
    if (!id) return null;
    if (!names.has(id)) names.set(id, (await tx.official(id))?.name ?? id);
    return names.get(id) ?? null;
  };
  const cases = [];
  const steps = [];
  const sops = new Map<string, Awaited<ReturnType<EngineTx["pinnedSop"]>>>();
  // A hundred thousand rows: let the event loop run every 250 (presses arrive meanwhile).
  let built = 0;
  const breathe = () => (++built % 250 === 0 ? new Promise<void>((resolve) => setImmediate(resolve)) : undefined);
  for (const c of history.cases) {
    await breathe();
    const sop = await tx.pinnedSop(c.flowHash);
    sops.set(c.id, sop);
    cases.push({
      kode: c.code,
      sop: c.sopNumber,
      judul_sop: sop.title,
      perihal: c.title,
      status: c.status,
      dibuka: iso(c.createdAt),
      ditutup: iso(c.closedAt),
      dibuka_oleh: (await nameOf(c.openedByOfficialId)) ?? (c.openerChannel ? `pemohon (${c.openerChannel})` : "sistem"),
      versi_sop: c.flowHash.slice(0, 12),
    });
  }
  for (const t of history.tasks) {
    await breathe();
    const step = sops.get(t.caseId)?.steps.find((s) => s.id === t.stepId);
    steps.push({
      kode_kasus: codes.get(t.caseId) ?? t.caseId,
      langkah: step?.no ?? t.stepId,
      pelaksana_sop: step?.actor ?? null,
      kegiatan: step?.action ?? null,
      dibuka: iso(t.openedAt),
      batas_waktu: iso(t.dueAt),
      ditutup: iso(t.closedAt),
      keputusan: t.decision,
      oleh: (await nameOf(t.decidedByOfficialId)) ?? (t.waitingFor === "applicant" && t.decision ? "pemohon" : null),
      catatan: t.note,
      kunjungan: t.visit,
    });
  }
  const audit = [];
  for (const e of await tx.auditEvents(officeId, from, to)) {
    await breathe();
    audit.push({
      id: e.id,
      waktu: iso(e.at),
      kode_kasus: e.caseId ? (codes.get(e.caseId) ?? e.caseId) : null,
      langkah: e.stepId,
      pelaku: e.actorLabel,
      sebagai: e.actingAs,
      tindakan: e.action,
      catatan: e.note,
      versi_sop: e.flowHash?.slice(0, 12) ?? null,
      hash: e.hash,
    });
  }
  return { cases, steps, audit };
}

export interface Period {
  from: Date;
  to: Date;
  label: string;
}

/**
 * Reads a report period: nothing → the last 30 days; "7" → the last 7 days; "2026-03" → that month;
 * "2026-03-01 2026-03-31" → those days (inclusive), in the office's time zone.
 */
export function parsePeriod(args: string, now: Date, timeZone: TimeZone): Period | null {
  const today = localDate(now, timeZone);
  const text = args.trim();
  if (!text || /^\d{1,3}$/.test(text)) {
    const days = text ? Number(text) : 30;
    if (days < 1 || days > 366) return null;
    const start = addDays(today, -days + 1);
    return { from: atLocal(start, 0, timeZone), to: now, label: `${formatDateId(start)} – ${formatDateId(today)}` };
  }
  let m = /^(\d{4})-(\d{2})$/.exec(text);
  if (m) {
    const start = `${m[1]}-${m[2]}-01`;
    const month = Number(m[2]);
    if (month < 1 || month > 12) return null;
    const next = month === 12 ? `${Number(m[1]) + 1}-01-01` : `${m[1]}-${String(month + 1).padStart(2, "0")}-01`;
    return { from: atLocal(start, 0, timeZone), to: atLocal(next, 0, timeZone), label: `${monthNameId(month)} ${m[1]}` };
  }
  m = /^(\d{4}-\d{2}-\d{2})\s+(?:s\.?d\.?\s+)?(\d{4}-\d{2}-\d{2})$/.exec(text);
  if (m && m[1] && m[2] && m[1] <= m[2])
    return {
      from: atLocal(m[1], 0, timeZone),
      to: atLocal(addDays(m[2], 1), 0, timeZone),
      label: `${formatDateId(m[1])} – ${formatDateId(m[2])}`,
    };
  return null;
}

/** The week before the given local Monday (Monday 00:00 to Monday 00:00). */
export function previousWeek(now: Date, timeZone: TimeZone): Period | null {
  const today = localDate(now, timeZone);
  if (isoWeekday(today) !== 1) return null;
  const start = addDays(today, -7);
  return {
    from: atLocal(start, 0, timeZone),
    to: atLocal(today, 0, timeZone),
    label: `${formatDateId(start)} – ${formatDateId(addDays(today, -1))}`,
  };
}

export interface WeeklyReportInput {
  officeId: string;
  officeName: string;
  now: Date;
  calendar: WorkCalendar;
}

export interface WeeklyReport {
  key: string;
  text: string;
  /** The chart, to be drawn outside any transaction. */
  chartSvg: string;
  /** Holders of the Kepala Dinas and Sekretaris positions who have not had it yet. */
  recipients: string[];
}

/**
 * The weekly digest, read part: on Monday from 07:30 office time, the previous week's report for the
 * holders of the Kepala Dinas and Sekretaris positions who have not had it (null: nothing to send).
 * Runs on a read view; the chart is drawn and the report recorded afterwards (recordWeeklyReportIn).
 */
export async function prepareWeeklyReportIn(view: EngineTx, input: WeeklyReportInput): Promise<WeeklyReport | null> {
  const { now, calendar } = input;
  const period = previousWeek(now, calendar.timeZone);
  if (!period || !isOfficeTime(now, calendar) || now < atLocal(localDate(now, calendar.timeZone), 7 * 60 + 30, calendar.timeZone))
    return null;
  const key = `weekly-${localDate(now, calendar.timeZone)}`;
  const recipients = new Set<string>();
  for (const position of ["kepala-dinas", "sekretaris"]) {
    for (const o of await view.holders(input.officeId, position, now)) if (!(await view.digestClaimed(o.id, key))) recipients.add(o.id);
  }
  if (recipients.size === 0) return null;
  const report = await buildSlaReportIn(view, input.officeId, period.from, period.to, now, calendar);
  return {
    key,
    text: `Ringkasan mingguan.\n${reportText(report, input.officeName, period.label)}`,
    chartSvg: reportChart(report, input.officeName, period.label).svg,
    recipients: [...recipients],
  };
}

/** The weekly digest, write part: each recipient once (DigestSent), with the chart drawn beforehand. */
export async function recordWeeklyReportIn(tx: EngineTx, report: WeeklyReport, chart: StoredFileRow | null, now: Date): Promise<number> {
  let sent = 0;
  let recorded = false;
  for (const officialId of report.recipients) {
    if (!(await tx.claimDigest(officialId, report.key, now))) continue;
    if (chart && !recorded) {
      await tx.recordFile(chart);
      recorded = true;
    }
    const address = (await tx.addressesOf(officialId))[0];
    if (!address) continue;
    await tx.enqueue({ ...address, text: report.text, ...(chart ? { fileIds: [chart.id] } : {}) }, now);
    sent += 1;
  }
  return sent;
}
