// The jobs the scheduler runs on the leader: the minute tick (delegations, deadlines, digests, the
// weekly report and staff deadlines caught up after downtime, held updates replayed, audit seals and
// their daily digest, outbox) and the offices' 07:30 run. Also the admins' alert used when WhatsApp itself is down.
// Every job computes from stored rows and is idempotent.
import { isOfficeTime, localDate, type WorkCalendar } from "../domain/working-time.ts";
import type { CaseEngine } from "../engine/case-engine.ts";
import type { EngineStore } from "../engine/case-ports.ts";
import type { Clock } from "../engine/ports.ts";
import type { FilePort } from "../engine/file-ports.ts";
import { prepareWeeklyReportIn, recordWeeklyReportIn } from "../engine/report-service.ts";
import type { StaffService } from "../engine/staff-service.ts";
import { errorInfo } from "../engine/error-info.ts";
import { sealDigestDue, sendSealDigestIn, type SealSummary } from "../engine/seal-digest.ts";
import type { Logger } from "../logger.ts";
import type { DailyJob } from "./scheduler.ts";

export interface JobDeps {
  store: EngineStore;
  engine: CaseEngine;
  staff: StaffService;
  clock: Clock;
  logger: Logger;
  officeIds: string[];
  defaultOfficeId: string;
  calendar(officeId: string): WorkCalendar;
  officeName(officeId: string): string | undefined;
  /** What the weekly report needs besides its office and time (chart rendering, the file store). */
  weeklyReport: { renderPng?: (svg: string) => Promise<Buffer>; files?: FilePort };
  /** Sends what is due in the outbox. */
  flush(): Promise<unknown>;
  /** Seals the audit chains that moved since the last seal. */
  seal(at: Date): Promise<unknown>;
  /** The newest audit seal (the daily seal digest reports it). */
  latestSeal?(): Promise<SealSummary | null>;
  /** Handles again the updates held longer than a live instance would hold them. */
  replayHeld?(): Promise<unknown>;
  /** Removes personal data past retention and rows past their use (once a day; idempotent). */
  purge?(now: Date): Promise<object>;
}

export interface Jobs {
  tick(): Promise<void>;
  daily: DailyJob[];
  /** Tells an office's admins (default: the default office's) on a channel other than WhatsApp. */
  notifyAdmins(text: string, officeId?: string): Promise<void>;
}

export function createJobs(deps: JobDeps): Jobs {
  const { store, engine, staff, clock, logger, officeIds } = deps;
  // Offices whose register was scanned today (the 07:30 job, or the catch-up after downtime).
  const lastStaffScan = new Map<string, string>();
  // The local date of the last purge (the default office's calendar).
  let lastPurge = "";
  // The local date of the last re-offer of steps left with people who left or moved.
  let lastRefresh = "";
  // Offices whose seal digest went out today (local date).
  const lastSealDigest = new Map<string, string>();
  const sealDigest = async (officeId: string) => {
    const now = clock.now();
    const calendar = deps.calendar(officeId);
    const today = localDate(now, calendar.timeZone);
    const officeName = deps.officeName(officeId);
    if (!deps.latestSeal || !officeName || lastSealDigest.get(officeId) === today || !sealDigestDue(now, calendar)) return;
    const seal = await deps.latestSeal();
    if (!seal) return;
    const sent = await store.transaction((tx) => sendSealDigestIn(tx, { officeId, officeName, now, calendar, seal }));
    lastSealDigest.set(officeId, today);
    if (sent > 0) logger.info({ office: officeId, seal: seal.id, sent }, "seal digest sent");
  };
  const scanStaff = async (officeId: string) => {
    const today = localDate(clock.now(), deps.calendar(officeId).timeZone);
    if (!isOfficeTime(clock.now(), deps.calendar(officeId))) return;
    const outcome = await staff.scanOffice(officeId);
    lastStaffScan.set(officeId, today);
    if (outcome.opened + outcome.reminded > 0) logger.info({ office: officeId, ...outcome }, "staff deadlines run");
  };
  // Read and draw outside any transaction; only the sending is recorded inside one.
  const weekly = async (officeId: string) => {
    const officeName = deps.officeName(officeId);
    if (!officeName) return;
    const now = clock.now();
    const report = await store.read((view) =>
      prepareWeeklyReportIn(view, { officeId, officeName, now, calendar: deps.calendar(officeId) }),
    );
    if (!report) return;
    const { renderPng, files } = deps.weeklyReport;
    const drawn =
      renderPng && files
        ? await files.prepare({
            bytes: await renderPng(report.chartSvg),
            name: "laporan-mingguan.png",
            channel: "system",
            uploaderId: "sopbot",
            at: now,
          })
        : null;
    await store.transaction((tx) => recordWeeklyReportIn(tx, report, drawn?.ok ? drawn.row : null, now));
  };
  return {
    async tick() {
      await engine.applyDelegations(officeIds);
      await engine.fireDueDeadlines();
      await engine.sendDigests(officeIds);
      // The Monday 07:30 job sends the weekly report; this catches it up on Monday after downtime.
      for (const id of officeIds) await weekly(id);
      // The 07:30 job runs the staff deadlines; this catches up once a day after downtime.
      for (const id of officeIds) {
        if (lastStaffScan.get(id) !== localDate(clock.now(), deps.calendar(id).timeZone)) await scanStaff(id);
      }
      await deps.replayHeld?.();
      const today = localDate(clock.now(), deps.calendar(deps.defaultOfficeId).timeZone);
      if (lastRefresh !== today) {
        // Steps left with someone who left or moved (a change that raced a step being opened).
        const moved = await engine.refreshAssignments(officeIds);
        lastRefresh = today;
        if (moved > 0) logger.info({ moved }, "open steps offered again after directory changes");
      }
      if (deps.purge && lastPurge !== today) {
        // A failed purge must not hold up the seal and the outbox; it is tried again next tick.
        try {
          const outcome = await deps.purge(clock.now());
          lastPurge = today;
          if (Object.values(outcome).some((n) => typeof n === "number" && n > 0)) logger.info(outcome, "retention purge");
        } catch (error) {
          logger.error(errorInfo(error), "retention purge failed; trying again next tick");
        }
      }
      await deps.seal(clock.now());
      for (const id of officeIds) await sealDigest(id);
      await deps.flush();
    },
    daily: officeIds.map((id) => ({
      name: `staff-deadlines-${id}`,
      at: "30 7 * * *",
      timezone: deps.calendar(id).timeZone,
      run: async () => {
        await scanStaff(id);
        await weekly(id);
        await deps.flush();
      },
    })),
    async notifyAdmins(text, officeId = deps.defaultOfficeId) {
      const at = clock.now();
      await store.transaction(async (tx) => {
        for (const admin of (await tx.officialsOfOffice(officeId)).filter((o) => o.isAdmin)) {
          const address = (await tx.addressesOf(admin.id)).find((a) => a.channel !== "whatsapp");
          if (address) await tx.enqueue({ ...address, text, dedupeKey: `admin:${admin.id}:${text}:${at.toISOString().slice(0, 13)}` }, at);
        }
      });
      await deps.flush();
    },
  };
}
