// The case engine's ports for cases, steps, tokens, deadlines, the audit trail and the case's
// conversation entries (see engine-store.ts), inside the transaction the engine opened.
import { parse } from "yaml";
import type { CaseStatus } from "../domain/case-machine.ts";
import { sopSchema, type Sop } from "../domain/sop-schema.ts";
import {
  ConcurrencyError,
  type Candidate,
  type CaseEntryRow,
  type CaseRow,
  type DeadlineRow,
  type EngineTx,
  type EntryKind,
  type TaskRow,
  type TokenAction,
} from "../engine/case-ports.ts";
import type { ChannelName } from "../engine/types.ts";
import type { createAuditAppender } from "./audit-chain.ts";
import type { Tx } from "./database.ts";
import type { Case as CaseModel, StepTask as TaskModel } from "./generated/client.ts";
import { assignments, insertReturningId, insertRows, join, one, sql } from "./sql.ts";

export function toCase(c: CaseModel): CaseRow {
  return {
    id: c.id,
    code: c.code,
    officeId: c.officeId,
    sopNumber: c.sopNumber,
    flowHash: c.flowHash,
    title: c.title,
    status: c.status as CaseStatus,
    currentStepId: c.currentStepId,
    visit: c.visit,
    version: c.version,
    openedByOfficialId: c.openedByOfficialId,
    openerChannel: c.openerChannel as ChannelName | null,
    openerChatId: c.openerChatId,
    subjectOfficialId: c.subjectOfficialId,
    data: JSON.parse(c.data) as Record<string, unknown>,
    createdAt: c.createdAt,
    closedAt: c.closedAt,
  };
}

export function toTask(t: TaskModel): TaskRow {
  return {
    id: t.id,
    caseId: t.caseId,
    stepId: t.stepId,
    visit: t.visit,
    status: t.status as TaskRow["status"],
    candidates: JSON.parse(t.candidates) as Candidate[],
    waitingFor: t.waitingFor,
    takenByOfficialId: t.takenByOfficialId,
    openedAt: t.openedAt,
    dueAt: t.dueAt,
    escalateAt: t.escalateAt,
    decidedByOfficialId: t.decidedByOfficialId,
    decision: t.decision,
    note: t.note,
    closedAt: t.closedAt,
  };
}

const taskColumns = [
  "id",
  "caseId",
  "stepId",
  "visit",
  "status",
  "candidates",
  "waitingFor",
  "takenByOfficialId",
  "openedAt",
  "dueAt",
  "escalateAt",
  "decidedByOfficialId",
  "decision",
  "note",
  "closedAt",
] as const;
const entryColumns = ["caseId", "at", "kind", "audience", "authorOfficialId", "authorLabel", "text", "fileId", "taskId"] as const;

type AuditRow = Awaited<ReturnType<EngineTx["auditEvents"]>>[number];

/** Rows per page of a long read (reports, exports). */
const PAGE = 250;

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
    const rows = await page(after);
    for (const row of rows) all.push(convert(row));
    if (rows.length < PAGE) return all;
    after = rows[rows.length - 1]!.id;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Parsed SOPs by content hash; content behind a hash never changes, so the cache never goes stale. */
const pinnedCache = new Map<string, Sop>();

type CasePorts = Pick<
  EngineTx,
  | "pinFlow"
  | "pinnedSop"
  | "createCase"
  | "caseById"
  | "caseByCode"
  | "updateCase"
  | "casesInvolving"
  | "createTask"
  | "taskById"
  | "updateTask"
  | "tasksOfCase"
  | "openTasks"
  | "openTasksOf"
  | "createToken"
  | "token"
  | "reportHistory"
  | "auditEvents"
  | "addDeadline"
  | "dueDeadlines"
  | "markDeadlineFired"
  | "appendAudit"
  | "addEntry"
  | "entriesOfCase"
  | "casesOfChat"
>;

/**
 * The ports, and `flush`, which writes what they buffered: the steps' deadlines and buttons, written
 * together at the end of the transaction (or before a read of the same table).
 */
export function casePorts(tx: Tx, audit: ReturnType<typeof createAuditAppender>): { ports: CasePorts; flush(): Promise<void> } {
  /** Cases read in this transaction, as they are now (a case updated here is read again). */
  const cases = new Map<string, CaseModel>();
  const seen = (c: CaseModel | null) => {
    if (!c) return null;
    cases.set(c.id, c);
    audit.known(c.id, { seq: c.auditSeq, hash: c.auditHash });
    return toCase(c);
  };
  /** Steps created in this transaction: their deadlines cannot exist yet, so they need no upsert. */
  const freshTasks = new Set<string>();
  const deadlines: Parameters<EngineTx["addDeadline"]>[0][] = [];
  const tokens: { token: string; taskId: string; visit: number; action: string; createdAt: Date }[] = [];
  const candidateRows: { taskId: string; officialId: string }[] = [];
  const flushCandidates = async () => {
    if (candidateRows.length > 0) await insertRows(tx, "TaskCandidate", ["taskId", "officialId"], candidateRows.splice(0));
  };
  const rowsOf = (taskId: string, candidates: { officialId: string }[]) =>
    [...new Set(candidates.map((c) => c.officialId))].map((officialId) => ({ taskId, officialId }));
  const flushDeadlines = async () => {
    if (deadlines.length > 0) await insertRows(tx, "Deadline", ["id", "caseId", "taskId", "kind", "dueAt"], deadlines.splice(0));
  };
  const flushTokens = async () => {
    if (tokens.length > 0) await insertRows(tx, "ActionToken", ["token", "taskId", "visit", "action", "createdAt"], tokens.splice(0));
  };
  const flush = async () => {
    await flushCandidates();
    await flushTokens();
    await flushDeadlines();
  };
  const ports: CasePorts = {
    async pinFlow(hash, sopNumber, content) {
      await tx.flowSnapshot.upsert({ where: { hash }, create: { hash, sopNumber, content }, update: {} });
    },
    async pinnedSop(hash) {
      const cached = pinnedCache.get(hash);
      if (cached) return cached;
      const row = await tx.flowSnapshot.findUnique({ where: { hash } });
      if (!row) throw new Error(`No stored SOP content for hash ${hash}`);
      const sop = sopSchema.parse(parse(row.content));
      pinnedCache.set(hash, sop);
      return sop;
    },
    async createCase(row) {
      await tx.case.create({
        data: { ...row, data: JSON.stringify(row.data) },
      });
    },
    async caseById(id) {
      return seen(cases.get(id) ?? (await one<CaseModel>(tx, sql`SELECT * FROM "Case" WHERE "id" = ${id}`)));
    },
    async caseByCode(code) {
      return seen(
        [...cases.values()].find((c) => c.code === code) ?? (await one<CaseModel>(tx, sql`SELECT * FROM "Case" WHERE "code" = ${code}`)),
      );
    },
    async updateCase(id, expectedVersion, patch) {
      const { data, ...rest } = patch;
      const set = assignments({ ...rest, ...(data ? { data: JSON.stringify(data) } : {}), updatedAt: new Date() });
      const count = await tx.$executeRaw`
        UPDATE "Case" SET ${join(set, ", ")}, "version" = "version" + 1 WHERE "id" = ${id} AND "version" = ${expectedVersion}`;
      if (count !== 1) throw new ConcurrencyError(`case ${id}`);
      // The row as it now is, without reading it again.
      const known = cases.get(id);
      if (known) cases.set(id, { ...known, ...rest, ...(data ? { data: JSON.stringify(data) } : {}), version: known.version + 1 });
    },
    async casesInvolving(officialId, limit) {
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
    async createTask(row) {
      freshTasks.add(row.id);
      candidateRows.push(...rowsOf(row.id, row.candidates));
      await insertRows(tx, "StepTask", taskColumns, [{ ...row, candidates: JSON.stringify(row.candidates) }]);
    },
    async taskById(id) {
      const t = await one<TaskModel>(tx, sql`SELECT * FROM "StepTask" WHERE "id" = ${id}`);
      return t ? toTask(t) : null;
    },
    async updateTask(id, patch) {
      const { candidates, ...rest } = patch;
      const set = assignments({ ...rest, ...(candidates ? { candidates: JSON.stringify(candidates) } : {}) });
      if (set.length > 0) await tx.$executeRaw`UPDATE "StepTask" SET ${join(set, ", ")} WHERE "id" = ${id}`;
      if (candidates) {
        await flushCandidates();
        await tx.taskCandidate.deleteMany({ where: { taskId: id } });
        await tx.taskCandidate.createMany({ data: rowsOf(id, candidates) });
      }
    },
    async tasksOfCase(caseId) {
      return (await tx.$queryRaw<TaskModel[]>`SELECT * FROM "StepTask" WHERE "caseId" = ${caseId} ORDER BY "visit"`).map(toTask);
    },
    async openTasks(officeId) {
      const tasks = await tx.stepTask.findMany({
        where: { status: "open", ...(officeId ? { case: { officeId } } : {}) },
        orderBy: { openedAt: "asc" },
      });
      return tasks.map(toTask);
    },
    async openTasksOf(officialId) {
      await flushCandidates();
      const tasks = await tx.stepTask.findMany({
        // A taken step is its taker's alone; an untaken one belongs to each of its candidates.
        where: {
          status: "open",
          OR: [{ takenByOfficialId: officialId }, { takenByOfficialId: null, candidateRows: { some: { officialId } } }],
        },
        orderBy: { openedAt: "asc" },
      });
      return tasks.map(toTask);
    },
    async createToken(token, taskId, visit, action, at) {
      tokens.push({ token, taskId, visit, action, createdAt: at });
    },
    async token(token) {
      await flushTokens();
      const t = await one<{ taskId: string; visit: number; action: string }>(
        tx,
        sql`SELECT "taskId", "visit", "action" FROM "ActionToken" WHERE "token" = ${token}`,
      );
      return t ? { taskId: t.taskId, visit: t.visit, action: t.action as TokenAction } : null;
    },
    async reportHistory(officeId, from, to) {
      // Pages of a few hundred rows, the event loop let run between them: a page is read and
      // converted in one go, and presses keep arriving during a report of 10,000 cases.
      const cases = await paged<CaseModel, CaseRow>(
        (after) => tx.$queryRaw<CaseModel[]>`
          SELECT * FROM "Case" WHERE "officeId" = ${officeId} AND "createdAt" < ${to}
            AND ("closedAt" IS NULL OR "closedAt" >= ${from}) AND "id" > ${after ?? ""}
          ORDER BY "id" LIMIT ${PAGE}`,
        toCase,
      );
      cases.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
      // The steps of a hundred cases at a time, through the (caseId, visit) index, in (case id, visit)
      // order: the chunks follow the sorted ids, so the whole list comes out in that order.
      const tasks: TaskRow[] = [];
      const ids = cases.map((c) => c.id).sort();
      for (let k = 0; k < ids.length; k += 100) {
        const chunk = ids.slice(k, k + 100);
        const rows = await tx.$queryRaw<TaskModel[]>`
          SELECT * FROM "StepTask" WHERE "caseId" IN (${join(chunk)}) ORDER BY "caseId", "visit"`;
        for (const t of rows) tasks.push(toTask(t));
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      return { cases, tasks };
    },
    async auditEvents(officeId, from, to) {
      await audit.flush();
      const events = await paged<AuditRow, AuditRow>(
        (after) => tx.$queryRaw<AuditRow[]>`
          SELECT "id", "at", "caseId", "stepId", "actorLabel", "actingAs", "action", "note", "flowHash", "hash"
          FROM "AuditEvent" WHERE "at" >= ${from} AND "at" < ${to} AND "id" > ${after ?? 0} ORDER BY "id" LIMIT ${PAGE}`,
        (row) => ({ ...row, id: Number(row.id) }),
      );
      // The office's cases among them, asked in chunks (a statement takes a limited number of parameters).
      const caseIds = [...new Set(events.flatMap((e) => (e.caseId ? [e.caseId] : [])))];
      const ours = new Set<string>();
      for (let k = 0; k < caseIds.length; k += 500) {
        const rows = await tx.$queryRaw<{ id: string }[]>`
          SELECT "id" FROM "Case" WHERE "officeId" = ${officeId} AND "id" IN (${join(caseIds.slice(k, k + 500))})`;
        for (const r of rows) ours.add(r.id);
      }
      return events.filter((e) => e.caseId === null || ours.has(e.caseId));
    },
    async addDeadline(row) {
      if (freshTasks.has(row.taskId)) {
        deadlines.push(row);
        return;
      }
      await tx.deadline.upsert({
        where: { taskId_kind: { taskId: row.taskId, kind: row.kind } },
        create: row,
        update: {},
      });
    },
    async dueDeadlines(now, limit) {
      await flushDeadlines();
      const rows = await tx.deadline.findMany({ where: { firedAt: null, dueAt: { lte: now } }, orderBy: { dueAt: "asc" }, take: limit });
      return rows.map((r) => ({ ...r, kind: r.kind as DeadlineRow["kind"] }));
    },
    async markDeadlineFired(id, at) {
      await flushDeadlines();
      await tx.deadline.update({ where: { id }, data: { firedAt: at } });
    },
    async appendAudit(draft) {
      await audit.append({
        at: draft.at,
        caseId: draft.caseId ?? null,
        stepId: draft.stepId ?? null,
        actorOfficialId: draft.actorOfficialId ?? null,
        actorLabel: draft.actorLabel,
        actingAs: draft.actingAs ?? null,
        action: draft.action,
        note: draft.note ?? null,
        flowHash: draft.flowHash ?? null,
      });
    },
    async addEntry(draft) {
      return insertReturningId(tx, "CaseEntry", entryColumns, draft);
    },
    async entriesOfCase(caseId, afterId) {
      const rows = await tx.$queryRaw<(Omit<CaseEntryRow, "kind" | "audience"> & { kind: string; audience: string })[]>`
        SELECT * FROM "CaseEntry" WHERE "caseId" = ${caseId} AND "id" > ${afterId ?? 0} ORDER BY "id"`;
      return rows.map((r) => ({ ...r, kind: r.kind as EntryKind, audience: r.audience as CaseEntryRow["audience"] }));
    },
    async casesOfChat(channel, chatId, limit) {
      return (
        await tx.case.findMany({ where: { openerChannel: channel, openerChatId: chatId }, orderBy: { createdAt: "desc" }, take: limit })
      ).map(toCase);
    },
  };
  return { ports, flush };
}
