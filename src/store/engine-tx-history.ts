// The case engine's ports that read many rows: the cases an official is involved in, open steps, the
// deadlines due, a period's history and audit events (reports, exports), an applicant's cases. Each
// first writes what the transaction's hot ports still hold (engine-tx-cases.ts), so that it reads
// the transaction's own changes.
import type { Candidate, CaseRow, DeadlineRow, EngineTx, TaskRow } from "../engine/case-ports.ts";
import type { Tx } from "./database.ts";
import { toCase, toTask } from "./engine-tx-cases.ts";
import type { Case as CaseModel, StepTask as TaskModel } from "./generated/client.ts";
import { join, sql } from "./sql.ts";
import { queryRows } from "./raw-statements.ts";

type AuditRow = Awaited<ReturnType<EngineTx["auditEvents"]>>[number];

/** Rows per page of a long read (reports, exports). */
const PAGE = 250;

/**
 * Between two pages of a long read, a pause as long as the page took (at most 20 ms): a report or an
 * export of 10,000 cases is background work, and takes at most half of the process and of the
 * database meanwhile. On a machine of two cores shared with the database, an export read at full
 * speed added tens of milliseconds to every press arriving meanwhile.
 */
function breathe(since: number): Promise<void> {
  const took = performance.now() - since;
  return new Promise<void>((resolve) => setTimeout(resolve, Math.min(20, Math.max(1, took))));
}

/**
 * Reads page after page by id, letting the event loop run in between: a long read (an export of
 * 10,000 cases) never holds up the presses arriving meanwhile for more than one page.
 */
async function paged<T extends { id: string | number }, R>(
  page: (after: T["id"] | undefined) => Promise<T[]>,
  convert: (row: T) => R,
): Promise<R[]> {
  const all: R[] = [];
  for (let after: T["id"] | undefined; ;) {
    const started = performance.now();
    const rows = await page(after);
    for (const row of rows) all.push(convert(row));
    if (rows.length < PAGE) return all;
    after = rows[rows.length - 1]!.id;
    await breathe(started);
  }
}

/**
 * An official's open steps, as a table to select from: a taken step is its taker's alone, an untaken
 * one belongs to each of its candidates. Each half through its own index (the taker's, the
 * candidates' rows), never a scan of the open steps.
 */
const tasksOf = (officialId: string) => sql`(
  SELECT t.* FROM "StepTask" t WHERE t."takenByOfficialId" = ${officialId} AND t."status" = 'open'
  UNION ALL
  SELECT t.* FROM "TaskCandidate" c JOIN "StepTask" t ON t."id" = c."taskId"
  WHERE c."officialId" = ${officialId} AND t."status" = 'open' AND t."takenByOfficialId" IS NULL
) mine`;

type HistoryPorts = Pick<
  EngineTx,
  | "casesInvolving"
  | "openTasks"
  | "openCandidateSets"
  | "openTasksOf"
  | "openTaskSummary"
  | "reportHistory"
  | "auditEvents"
  | "dueDeadlines"
  | "dueDeadline"
  | "markDeadlineFired"
  | "casesOfChat"
>;

/** `settle` writes what the hot ports hold back (steps' candidates, deadlines, case rows, audit events). */
export function historyPorts(tx: Tx, settle: () => Promise<void>): HistoryPorts {
  return {
    async casesInvolving(officialId, limit) {
      await settle();
      const taskCaseIds = await tx.stepTask.findMany({
        where: { OR: [{ decidedByOfficialId: officialId }, { takenByOfficialId: officialId }, { candidates: { contains: officialId } }] },
        select: { caseId: true },
        distinct: ["caseId"],
      });
      const cases = await tx.case.findMany({
        where: {
          OR: [{ openedByOfficialId: officialId }, { subjectOfficialId: officialId }, { id: { in: taskCaseIds.map((t) => t.caseId) } }],
        },
        orderBy: { createdAt: "desc" },
        take: limit,
      });
      return cases.map(toCase);
    },
    async openTasks(officeId) {
      await settle();
      const tasks = officeId
        ? await queryRows<TaskModel>(
            tx,
            sql`
            SELECT t.* FROM "StepTask" t JOIN "Case" c ON c."id" = t."caseId"
            WHERE t."status" = 'open' AND c."officeId" = ${officeId} ORDER BY t."openedAt", t."id"`,
          )
        : await queryRows<TaskModel>(tx, sql`SELECT * FROM "StepTask" WHERE "status" = 'open' ORDER BY "openedAt", "id"`);
      return tasks.map(toTask);
    },
    async openCandidateSets(officeId) {
      await settle();
      const rows = await queryRows<{ candidates: string }>(
        tx,
        sql`
        SELECT DISTINCT t."candidates" FROM "StepTask" t JOIN "Case" c ON c."id" = t."caseId"
        WHERE t."status" = 'open' AND c."officeId" = ${officeId}`,
      );
      return rows.map((r) => JSON.parse(r.candidates) as Candidate[]);
    },
    async openTasksOf(officialId) {
      await settle();
      const tasks = await queryRows<TaskModel>(tx, sql`SELECT * FROM ${tasksOf(officialId)} ORDER BY "openedAt", "id"`);
      return tasks.map(toTask);
    },
    async openTaskSummary(officialId, now, limit) {
      await settle();
      const [counts] = await queryRows<{ total: bigint | number; overdue: bigint | number | null }>(
        tx,
        sql`
        SELECT COUNT(*) AS "total",
          SUM(CASE WHEN ("waitingFor" IS NULL OR "waitingFor" <> 'request') AND "dueAt" <= ${now} THEN 1 ELSE 0 END) AS "overdue"
        FROM ${tasksOf(officialId)}`,
      );
      const first = await queryRows<TaskModel>(
        tx,
        sql`
        SELECT * FROM ${tasksOf(officialId)}
        ORDER BY CASE WHEN "waitingFor" = 'request' THEN 1 ELSE 0 END, CASE WHEN "dueAt" IS NULL THEN 1 ELSE 0 END, "dueAt",
          "openedAt", "id"
        LIMIT ${limit}`,
      );
      return { total: Number(counts?.total ?? 0), overdue: Number(counts?.overdue ?? 0), first: first.map(toTask) };
    },
    async reportHistory(officeId, from, to) {
      await settle();
      // Pages of a few hundred rows, the event loop let run between them: a page is read and
      // converted in one go, and presses keep arriving during a report of 10,000 cases.
      const cases = await paged<CaseModel, CaseRow>(
        (after) =>
          queryRows<CaseModel>(
            tx,
            sql`
          SELECT * FROM "Case" WHERE "officeId" = ${officeId} AND "createdAt" < ${to}
            AND ("closedAt" IS NULL OR "closedAt" >= ${from}) AND "id" > ${after ?? ""}
          ORDER BY "id" LIMIT ${PAGE}`,
          ),
        toCase,
      );
      cases.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
      // The steps of a hundred cases at a time, through the (caseId, visit) index, in (case id, visit)
      // order: the chunks follow the sorted ids, so the whole list comes out in that order.
      const tasks: TaskRow[] = [];
      const ids = cases.map((c) => c.id).sort();
      for (let k = 0; k < ids.length; k += 100) {
        const started = performance.now();
        const chunk = ids.slice(k, k + 100);
        const rows = await queryRows<TaskModel>(
          tx,
          sql`
          SELECT * FROM "StepTask" WHERE "caseId" IN (${join(chunk)}) ORDER BY "caseId", "visit"`,
        );
        for (const t of rows) tasks.push(toTask(t));
        await breathe(started);
      }
      return { cases, tasks };
    },
    async auditEvents(officeId, from, to) {
      await settle();
      const events = await paged<AuditRow, AuditRow>(
        (after) =>
          queryRows<AuditRow>(
            tx,
            sql`
          SELECT "id", "at", "caseId", "stepId", "actorLabel", "actingAs", "action", "note", "flowHash", "hash"
          FROM "AuditEvent" WHERE "at" >= ${from} AND "at" < ${to} AND "id" > ${after ?? 0} ORDER BY "id" LIMIT ${PAGE}`,
          ),
        (row) => ({ ...row, id: Number(row.id) }),
      );
      // The office's cases among them, asked in chunks (a statement takes a limited number of parameters).
      const caseIds = [...new Set(events.flatMap((e) => (e.caseId ? [e.caseId] : [])))];
      const ours = new Set<string>();
      for (let k = 0; k < caseIds.length; k += 500) {
        const rows = await queryRows<{ id: string }>(
          tx,
          sql`
          SELECT "id" FROM "Case" WHERE "officeId" = ${officeId} AND "id" IN (${join(caseIds.slice(k, k + 500))})`,
        );
        for (const r of rows) ours.add(r.id);
      }
      return events.filter((e) => e.caseId === null || ours.has(e.caseId));
    },
    async dueDeadlines(now, limit) {
      await settle();
      const rows = await tx.deadline.findMany({ where: { firedAt: null, dueAt: { lte: now } }, orderBy: { dueAt: "asc" }, take: limit });
      return rows.map((r) => ({ ...r, kind: r.kind as DeadlineRow["kind"] }));
    },
    async dueDeadline(id, now) {
      await settle();
      const row = await tx.deadline.findFirst({ where: { id, firedAt: null, dueAt: { lte: now } } });
      return row ? { ...row, kind: row.kind as DeadlineRow["kind"] } : null;
    },
    async markDeadlineFired(id, at) {
      await settle();
      await tx.deadline.update({ where: { id }, data: { firedAt: at } });
    },
    async casesOfChat(channel, chatId, limit) {
      await settle();
      return (
        await tx.case.findMany({ where: { openerChannel: channel, openerChatId: chatId }, orderBy: { createdAt: "desc" }, take: limit })
      ).map(toCase);
    },
  };
}
