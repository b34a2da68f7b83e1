// The morning digest: each official's open tasks once per local working day from 07:30 office time,
// the first few by due time (overdue first), the rest counted.
import { atLocal, isOfficeTime, localDate } from "../../domain/working-time.ts";
import { formatDateTime, stepPosition } from "../case-messages.ts";
import type { EngineTx } from "../case-ports.ts";
import type { EngineContext } from "./context.ts";
import type { Notices } from "./notices.ts";

/** Tasks listed one by one in a morning digest; more are counted, not listed. */
const digestLines = 15;

export function createDigests(ctx: EngineContext, notices: Notices) {
  async function digestIn(tx: EngineTx, officeId: string): Promise<number> {
    const at = ctx.clock.now();
    const office = ctx.officeOf(officeId);
    const calendar = ctx.deps.calendar(officeId);
    const date = localDate(at, calendar.timeZone);
    if (!isOfficeTime(at, calendar) || at < atLocal(date, 7 * 60 + 30, calendar.timeZone)) return 0;
    let sent = 0;
    // Each official's own tasks, through the candidates' index (not every open task of the office).
    for (const official of await tx.officialsOfOffice(officeId)) {
      const officialId = official.id;
      // Counted and ordered by the database: an official with 10,000 open tasks is sent 15 lines,
      // and only those are read. Steps waiting for the applicant are not theirs to hurry: they come last.
      const { total, overdue: overdueCount, first } = await tx.openTaskSummary(officialId, at, digestLines);
      if (total === 0 || !(await tx.claimDigest(officialId, date, at))) continue;
      const lines: string[] = [];
      for (const t of first) {
        const kase = await tx.caseById(t.caseId);
        if (!kase) continue;
        const sop = await tx.pinnedSop(kase.flowHash);
        const mark = t.waitingFor === "request" ? "[MENUNGGU PEMOHON] " : t.dueAt && t.dueAt <= at ? "[TERLAMBAT] " : "";
        lines.push(
          `• ${mark}${kase.code} — ${kase.title}: ` +
            stepPosition(sop, ctx.stepOf(sop, t.stepId)) +
            (t.dueAt && !mark.startsWith("[MENUNGGU") ? `, batas ${formatDateTime(t.dueAt, office.timeZone)}` : ""),
        );
      }
      if (total > digestLines) lines.push(`… dan ${total - digestLines} tugas lainnya.`);
      await notices.notifyOfficial(
        tx,
        officialId,
        [
          `Selamat pagi. Tugas terbuka Anda hari ini: ${total}${overdueCount ? `, ${overdueCount} terlambat` : ""}.`,
          ...lines,
          "Ketik /tugas untuk memilih tindakan.",
        ].join("\n"),
        at,
        {
          dedupeKey: `digest:${officialId}:${date}`,
        },
      );
      sent += 1;
    }
    return sent;
  }

  return { digestIn };
}
