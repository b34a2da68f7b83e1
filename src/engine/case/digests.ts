// The morning digest: each official's open tasks once per local working day from 07:30 office time,
// the first few by due time (overdue first), the rest counted.
import { atLocal, isOfficeTime, localDate } from "../../domain/working-time.ts";
import { formatDateTime, stepPosition } from "../case-messages.ts";
import type { EngineTx, TaskRow } from "../case-ports.ts";
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
      const list = (await tx.openTasksOf(officialId)).filter((t) => notices.assignees(t).includes(officialId));
      if (list.length === 0 || !(await tx.claimDigest(officialId, date, at))) continue;
      const lines: string[] = [];
      // Steps waiting for the applicant are not the official's to hurry: they come last.
      const rank = (t: TaskRow) => (t.waitingFor === "request" ? 1 : 0);
      const sorted = [...list].sort((a, b) => rank(a) - rank(b) || (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity));
      for (const t of sorted.slice(0, digestLines)) {
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
      const overdueCount = sorted.filter((t) => t.waitingFor !== "request" && t.dueAt && t.dueAt <= at).length;
      if (sorted.length > digestLines) lines.push(`… dan ${sorted.length - digestLines} tugas lainnya.`);
      await notices.notifyOfficial(
        tx,
        officialId,
        [
          `Selamat pagi. Tugas terbuka Anda hari ini: ${sorted.length}${overdueCount ? `, ${overdueCount} terlambat` : ""}.`,
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
