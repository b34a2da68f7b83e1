// The daily staff-deadline run and the view ahead. Every employee's pension, KGB and promotion
// deadlines are computed from the register; each due milestone is acted on once (the SOP case is
// opened, or the positions the SOP names are reminded, or the overdue warning is sent) and recorded
// in the same transaction, so any number of runs and restarts repeats nothing.
import { resolveActor } from "../domain/actor-resolution.ts";
import { formatDateId } from "../domain/field-types.ts";
import {
  defaultStaffSettings,
  milestonesToFire,
  staffDeadlines,
  addMonths,
  type DeadlineKind,
  type EmployeeRecord,
  type PositionKind,
  type StaffDeadline,
  type StaffDeadlineSettings,
} from "../domain/staff-rules.ts";
import { isOfficeTime, isWorkingDay, localDate, previousWorkingDay, type WorkCalendar } from "../domain/working-time.ts";
import type { Office } from "../domain/office-schema.ts";
import type { CaseEngine } from "./case-engine.ts";
import type { EmployeeRow, EngineStore, EngineTx } from "./case-ports.ts";
import type { Clock } from "./ports.ts";

export interface StaffServiceDeps {
  store: EngineStore;
  engine: CaseEngine;
  clock: Clock;
  office(officeId: string): Office | undefined;
  calendar(officeId: string): WorkCalendar;
  /** The Pelaksana columns of an SOP (from the catalog). */
  sopActors(sopNumber: number): string[];
  /** Employees handled per transaction (keeps each transaction short). */
  chunkSize?: number;
}

export const kindLabels: Record<DeadlineKind, string> = { pension: "Pensiun", kgb: "KGB", promotion: "Kenaikan pangkat" };

export function settingsOf(office: Office): StaffDeadlineSettings {
  const s = office.staffDeadlines;
  return {
    pension: s?.pension ?? defaultStaffSettings.pension,
    kgb: s?.kgb ?? defaultStaffSettings.kgb,
    promotion: s?.promotion ?? defaultStaffSettings.promotion,
    notifyEmployees: s?.notifyEmployees ?? defaultStaffSettings.notifyEmployees,
  };
}

export function toRecord(e: EmployeeRow): EmployeeRecord {
  return {
    nip: e.nip,
    birthDate: e.birthDate,
    tmtCpns: e.tmtCpns,
    kind: e.positionKind as PositionKind,
    initialGrade: e.initialGrade,
    lastKgb: e.lastKgb,
    lastPromotion: e.lastPromotion,
    retirementAgeOverride: e.retirementAgeOverride,
    nextKgbOverride: e.nextKgbOverride,
    nextPromotionOverride: e.nextPromotionOverride,
  };
}

/** What each milestone means, in the words the Sub Bagian Kepegawaian uses. */
function milestoneLine(
  e: EmployeeRow,
  d: StaffDeadline,
  key: string,
  settings: StaffDeadlineSettings,
  caseCode: string | null,
  late = false,
): string {
  const who = `${kindLabels[d.kind]} ${e.name} (NIP ${e.nip}) TMT ${formatDateId(d.tmt)}`;
  const duty =
    d.kind === "pension"
      ? `berkas usul pensiun harus sampai di BKD paling lambat ${formatDateId(addMonths(d.tmt, -settings.pension.overdueMonthsBefore))}`
      : d.kind === "kgb"
        ? `surat PKGB harus diterima Biro Keuangan paling lambat ` +
          `${formatDateId(d.milestones.find((m) => m.key === "overdue")?.date ?? d.tmt)}`
        : `usul kenaikan pangkat untuk periode ${formatDateId(d.tmt)}${d.note ? ` (${d.note})` : ""}`;
  const opened = `kasus SOP ${d.sop} dibuka${caseCode ? ` (${caseCode})` : ""}`;
  if (key === "open" && late) return `• TERLAMBAT: ${who} — ${opened}; ${duty}; tenggat itu sudah tiba.`;
  if (key === "open") return `• ${who} — ${opened}; ${duty}.`;
  if (key === "overdue") return `• TERLAMBAT: ${who} — ${duty}; tenggat itu sudah tiba.`;
  return `• ${who} — ${duty}.`;
}

export function createStaffService(deps: StaffServiceDeps) {
  const { store, engine, clock } = deps;
  const chunkSize = deps.chunkSize ?? 200;

  function lastWorkingDay(calendar: WorkCalendar) {
    return (date: string) => (isWorkingDay(date, calendar) ? date : previousWorkingDay(date, calendar));
  }

  /** The positions an SOP names in this office (its actors mapped to positions), except the head. */
  function recipientsFor(office: Office, sopNumber: number): string[] {
    const keys = new Set<string>();
    for (const actor of deps.sopActors(sopNumber)) {
      const r = resolveActor(office, actor, sopNumber);
      if (r.kind === "position" && r.position.id !== "kepala-dinas") keys.add(r.position.id);
    }
    return [...keys];
  }

  /** One message per official: every line of every SOP whose positions they hold, each line once. */
  async function remindPositions(tx: EngineTx, office: Office, linesBySop: Map<number, string[]>, at: Date): Promise<void> {
    const byHolder = new Map<string, string[]>();
    for (const [sopNumber, lines] of linesBySop) {
      for (const key of recipientsFor(office, sopNumber)) {
        for (const holder of await tx.holders(office.id, key, at)) {
          const list = byHolder.get(holder.id) ?? [];
          for (const line of lines) if (!list.includes(line)) list.push(line);
          byHolder.set(holder.id, list);
        }
      }
    }
    for (const [holderId, lines] of byHolder) {
      const address = (await tx.addressesOf(holderId))[0];
      if (address) await tx.enqueue({ ...address, text: [`Tenggat kepegawaian — ${office.shortName}:`, ...lines].join("\n") }, at);
    }
  }

  return {
    /** Runs the office's staff deadlines once. Does nothing outside office hours. */
    async scanOffice(officeId: string): Promise<{ opened: number; reminded: number; superseded: number; employees: number }> {
      const office = deps.office(officeId);
      if (!office) throw new Error(`Unknown office ${officeId}`);
      const now = clock.now();
      const calendar = deps.calendar(officeId);
      const result = { opened: 0, reminded: 0, superseded: 0, employees: 0 };
      if (!isOfficeTime(now, calendar)) return result;
      const today = localDate(now, calendar.timeZone);
      const settings = settingsOf(office);
      const { employees, done } = await store.transaction(async (tx) => ({
        employees: await tx.employees(officeId),
        done: await tx.staffMilestoneKeys(officeId),
      }));
      result.employees = employees.length;
      const lastWorking = lastWorkingDay(calendar);

      // Pure pass over everyone; only the few with something due today go on to a transaction.
      const due: { e: EmployeeRow; d: StaffDeadline; fire: string[]; supersede: string[] }[] = [];
      for (const e of employees) {
        for (const d of staffDeadlines(toRecord(e), settings, today, lastWorking)) {
          const doneKeys = new Set(d.milestones.map((m) => m.key).filter((k) => done.has(`${e.id}|${d.kind}|${d.tmt}|${k}`)));
          const { fire, supersede } = milestonesToFire(d, today, doneKeys);
          if (fire.length > 0 || supersede.length > 0)
            due.push({ e, d, fire: fire.map((m) => m.key), supersede: supersede.map((m) => m.key) });
        }
      }

      for (let i = 0; i < due.length; i += chunkSize) {
        const chunk = due.slice(i, i + chunkSize);
        await store.transaction(async (tx) => {
          const at = clock.now();
          const linesBySop = new Map<number, string[]>();
          for (const { e, d, fire, supersede } of chunk) {
            let caseCode: string | null = null;
            let caseId: string | null = null;
            if (fire.includes("open")) {
              const subject = await tx.officialByNip(officeId, e.nip);
              const kase = await engine.openCaseIn(tx, {
                officeId,
                sopNumber: d.sop,
                title: `${kindLabels[d.kind]} ${e.name} — TMT ${formatDateId(d.tmt)}`,
                ...(subject ? { subjectOfficialId: subject.id } : {}),
                data: { employee: { nip: e.nip, name: e.name }, staffDeadline: { kind: d.kind, tmt: d.tmt } },
              });
              caseCode = kase.code;
              caseId = kase.id;
              result.opened += 1;
              if (settings.notifyEmployees && subject && d.kind !== "promotion") {
                const address = (await tx.addressesOf(subject.id))[0];
                if (address) {
                  const text =
                    d.kind === "kgb"
                      ? `Informasi kepegawaian: kenaikan gaji berkala Anda berikutnya TMT ${formatDateId(d.tmt)}. Sub ` +
                        `Bagian Kepegawaian sedang memproses surat pemberitahuannya (kasus ${kase.code}).`
                      : `Informasi kepegawaian: Anda mencapai batas usia pensiun; TMT pensiun ${formatDateId(d.tmt)}. Sub ` +
                        `Bagian Kepegawaian mulai menyiapkan berkas usul pensiun (kasus ${kase.code}) dan akan menghubungi Anda.`;
                  await tx.enqueue({ ...address, text }, at);
                }
              }
            }
            for (const key of fire) {
              await tx.recordStaffMilestone({
                employeeId: e.id,
                kind: d.kind,
                tmt: d.tmt,
                milestone: key,
                status: "fired",
                caseId: key === "open" ? caseId : null,
                at,
              });
              if (key !== "open") result.reminded += 1;
            }
            // One line per deadline, however many of its milestones fire together (a first run
            // catching up opens the case and reminds at once): the opening, else the overdue warning.
            const shown = fire.includes("open") ? "open" : fire.includes("overdue") ? "overdue" : fire[0];
            if (shown) {
              const line = milestoneLine(e, d, shown, settings, caseCode, fire.includes("overdue"));
              linesBySop.set(d.sop, [...(linesBySop.get(d.sop) ?? []), line]);
            }
            for (const key of supersede) {
              await tx.recordStaffMilestone({
                employeeId: e.id,
                kind: d.kind,
                tmt: d.tmt,
                milestone: key,
                status: "superseded",
                caseId: null,
                at,
              });
              result.superseded += 1;
            }
            await tx.appendAudit({
              at,
              actorLabel: "sistem",
              action: "staff-deadline",
              note: `${d.kind} ${e.nip} TMT ${d.tmt}: ${[...fire, ...supersede.map((k) => `${k} (dilewati)`)].join(", ")}`,
            });
          }
          await remindPositions(tx, office, linesBySop, at);
        });
      }
      return result;
    },

    /** Deadlines of an office in the coming months, soonest first (staff:upcoming). */
    upcoming(officeId: string, months: number) {
      return store.transaction((tx) => upcomingIn(tx, officeId, months));
    },
    /** The same inside a transaction the caller holds (/jatuhtempo in a chat message). */
    upcomingIn,
  };

  async function upcomingIn(
    tx: EngineTx,
    officeId: string,
    months: number,
  ): Promise<{ employee: EmployeeRow; deadline: StaffDeadline; nextAction: { key: string; date: string } | null }[]> {
    const office = deps.office(officeId);
    if (!office) throw new Error(`Unknown office ${officeId}`);
    const calendar = deps.calendar(officeId);
    const today = localDate(clock.now(), calendar.timeZone);
    const until = addMonths(today, months);
    const settings = settingsOf(office);
    const employees = await tx.employees(officeId);
    const rows: { employee: EmployeeRow; deadline: StaffDeadline; nextAction: { key: string; date: string } | null }[] = [];
    for (const e of employees) {
      for (const d of staffDeadlines(toRecord(e), settings, today, lastWorkingDay(calendar))) {
        if (d.tmt > until) continue;
        const next = d.milestones.find((m) => m.date >= today) ?? null;
        rows.push({ employee: e, deadline: d, nextAction: next });
      }
    }
    return rows.sort((a, b) => a.deadline.tmt.localeCompare(b.deadline.tmt) || a.employee.name.localeCompare(b.employee.name));
  }
}

export type StaffService = ReturnType<typeof createStaffService>;
