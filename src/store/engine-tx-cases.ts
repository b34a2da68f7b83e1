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
import type { ChainHead, createAuditAppender } from "./audit-chain.ts";
import type { Tx } from "./database.ts";
import type { DirectoryView } from "./engine-tx-people.ts";
import { Prisma, type Case as CaseModel, type StepTask as TaskModel } from "./generated/client.ts";
import { assignments, empty, insertReturningId, insertStatements, join, one, sql } from "./sql.ts";
import { unchecked, writeHeld, type HeldWrite } from "./write-batch.ts";
import { executeStatement, queryRows } from "./raw-statements.ts";

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
  | "createTask"
  | "taskById"
  | "updateTask"
  | "tasksOfCase"
  | "createToken"
  | "token"
  | "addDeadline"
  | "appendAudit"
  | "addEntry"
  | "entriesOfCase"
>;

/** A case row's columns, and a step's, each prefixed in a joined read (`c_id`, `t_id`, …). */
const caseFields = Object.values(Prisma.CaseScalarFieldEnum);
const taskFields = Object.values(Prisma.StepTaskScalarFieldEnum);
const prefixed = (alias: string, fields: readonly string[]) =>
  Prisma.raw(fields.map((f) => `${alias}."${f}" AS "${alias}_${f}"`).join(", "));
/** The columns a token's read returns for its step and case (built once: the press reads them every time). */
const tokenColumns = sql`a."taskId", a."visit", a."action", ${prefixed("t", taskFields)}, ${prefixed("c", caseFields)}`;
/** Each field with its prefixed name, the id first (a row without it is a join that found nothing). */
const prefixedKeys = (alias: string, fields: readonly string[]) =>
  ["id", ...fields.filter((f) => f !== "id")].map((f) => [f, `${alias}_${f}`] as const);
const taskKeys = prefixedKeys("t", taskFields);
const caseKeys = prefixedKeys("c", caseFields);
const unprefixed = <T>(row: Record<string, unknown>, keys: readonly (readonly [string, string])[]): T | null => {
  if (row[keys[0]![1]] == null) return null;
  const out: Record<string, unknown> = {};
  for (const [field, key] of keys) out[field] = row[key];
  return out as T;
};

/** A case update held until the end of the transaction, written in one statement with its audit head. */
interface PendingCase {
  /** The version the case had when this transaction first changed it (the update's condition). */
  from: number;
  set: Record<string, unknown>;
}

/**
 * The ports, and what they hold back until the end of the transaction (or a read that needs it):
 * `heldWrites` hands over the steps' rows and changes, their candidates, deadlines and buttons; a
 * case's changes are written once, by `caseWrite` together with its audit chain's new head, or by
 * `caseWrites`.
 */
export function casePorts(tx: Tx, audit: ReturnType<typeof createAuditAppender>, directory?: DirectoryView) {
  /** Cases read in this transaction, as they are now (a case updated here is read again). */
  const cases = new Map<string, CaseModel>();
  const seen = (c: CaseModel | null) => {
    if (!c) return null;
    cases.set(c.id, c);
    audit.known(c.id, { seq: c.auditSeq, hash: c.auditHash });
    return toCase(c);
  };
  /** Steps read or written in this transaction, as they are now. */
  const tasks = new Map<string, TaskRow>();
  const pending = new Map<string, PendingCase>();
  /**
   * The write of a case's held changes, with its audit chain's move when given, conditional on the
   * version it was read with (and the chain head); null when nothing was held. Handed over: no longer held.
   */
  function caseWrite(id: string, head?: { from: ChainHead; to: ChainHead }): HeldWrite | null {
    const held = pending.get(id);
    if (!held) return null;
    pending.delete(id);
    const version = cases.get(id)?.version ?? held.from + 1;
    const set = assignments({ ...held.set, version, ...(head ? { auditSeq: head.to.seq, auditHash: head.to.hash } : {}) });
    return {
      sql: sql`UPDATE "Case" SET ${join(set, ", ")} WHERE "id" = ${id} AND "version" = ${held.from}
        ${head ? sql`AND "auditSeq" = ${head.from.seq}` : empty}`,
      expect: { rows: 1, error: () => new ConcurrencyError(head ? `case ${id} or its audit chain` : `case ${id}`) },
    };
  }
  /** The writes of every case still held. */
  const caseWrites = () => [...pending.keys()].flatMap((id) => caseWrite(id) ?? []);
  /** Steps created in this transaction: their deadlines cannot exist yet, so they need no upsert. */
  const freshTasks = new Set<string>();
  const deadlines: Parameters<EngineTx["addDeadline"]>[0][] = [];
  const tokens: { token: string; taskId: string; visit: number; action: string; createdAt: Date }[] = [];
  const candidateRows: { taskId: string; officialId: string }[] = [];
  /** Steps created here, not yet written (their rows are in `tasks`), and changes to steps read here. */
  const unwrittenTasks = new Set<string>();
  const taskChanges = new Map<string, Record<string, unknown>>();
  /** The steps' rows and changes held so far, as writes (no longer held): before their candidates, which refer to them. */
  const taskWrites = (): HeldWrite[] => {
    const created = [...unwrittenTasks].map((id) => {
      const row = tasks.get(id)!;
      return { ...row, candidates: JSON.stringify(row.candidates) };
    });
    unwrittenTasks.clear();
    const changed = [...taskChanges].map(([id, set]) => ({
      sql: sql`UPDATE "StepTask" SET ${join(assignments(set), ", ")} WHERE "id" = ${id}`,
      expect: { rows: 1, error: () => new Error(`step ${id} was not found to update`) },
    }));
    taskChanges.clear();
    return [...unchecked(insertStatements("StepTask", taskColumns, created)), ...changed];
  };
  const flushTasks = () => writeHeld(tx, false, taskWrites());
  const candidateWrites = () => insertStatements("TaskCandidate", ["taskId", "officialId"], candidateRows.splice(0));
  const flushCandidates = async () => {
    await flushTasks();
    await writeHeld(tx, false, unchecked(candidateWrites()));
  };
  const rowsOf = (taskId: string, candidates: { officialId: string }[]) =>
    [...new Set(candidates.map((c) => c.officialId))].map((officialId) => ({ taskId, officialId }));
  const tokenWrites = () => insertStatements("ActionToken", ["token", "taskId", "visit", "action", "createdAt"], tokens.splice(0));
  const flushTokens = () => writeHeld(tx, false, unchecked(tokenWrites()));
  /** The steps' candidates, buttons and deadlines held so far, as writes (no longer held). */
  const heldWrites = (): HeldWrite[] => [
    ...taskWrites(),
    ...unchecked([
      ...candidateWrites(),
      ...tokenWrites(),
      ...insertStatements("Deadline", ["id", "caseId", "taskId", "kind", "dueAt"], deadlines.splice(0)),
    ]),
  ];
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
      const changes = { ...rest, ...(data ? { data: JSON.stringify(data) } : {}), updatedAt: new Date() };
      const known = cases.get(id);
      if (!known) {
        // Not read in this transaction: written at once, on its version.
        const count = await executeStatement(
          tx,
          sql`
          UPDATE "Case" SET ${join(assignments(changes), ", ")}, "version" = "version" + 1
          WHERE "id" = ${id} AND "version" = ${expectedVersion}`,
        );
        if (count !== 1) throw new ConcurrencyError(`case ${id}`);
        return;
      }
      // Read here: held, and written at the end on the version it was read with (a concurrent change
      // makes that write fail, and the transaction runs again). The row as it now is stays known.
      if (known.version !== expectedVersion) throw new ConcurrencyError(`case ${id}`);
      const held = pending.get(id);
      pending.set(id, { from: held?.from ?? expectedVersion, set: { ...held?.set, ...changes } });
      cases.set(id, { ...known, ...changes, version: known.version + 1 } as CaseModel);
    },
    // A step's row is written at the end of the transaction (or before a read of steps), as it then is.
    async createTask(row) {
      freshTasks.add(row.id);
      unwrittenTasks.add(row.id);
      candidateRows.push(...rowsOf(row.id, row.candidates));
      tasks.set(row.id, row);
    },
    async taskById(id) {
      const known = tasks.get(id);
      if (known) return known;
      const t = await one<TaskModel>(tx, sql`SELECT * FROM "StepTask" WHERE "id" = ${id}`);
      if (!t) return null;
      const task = toTask(t);
      tasks.set(id, task);
      return task;
    },
    async updateTask(id, patch) {
      const known = tasks.get(id);
      if (known) tasks.set(id, { ...known, ...patch });
      const { candidates, ...rest } = patch;
      const changes = Object.fromEntries(
        Object.entries({ ...rest, ...(candidates ? { candidates: JSON.stringify(candidates) } : {}) }).filter(([, v]) => v !== undefined),
      );
      // A step created here is written whole at the end; one read here, its changes then (held with the others).
      if (known && !unwrittenTasks.has(id) && Object.keys(changes).length > 0) taskChanges.set(id, { ...taskChanges.get(id), ...changes });
      else if (!known && Object.keys(changes).length > 0)
        await executeStatement(tx, sql`UPDATE "StepTask" SET ${join(assignments(changes), ", ")} WHERE "id" = ${id}`);
      if (candidates) {
        await flushCandidates();
        await tx.taskCandidate.deleteMany({ where: { taskId: id } });
        await tx.taskCandidate.createMany({ data: rowsOf(id, candidates) });
      }
    },
    async tasksOfCase(caseId) {
      await flushTasks();
      return (await queryRows<TaskModel>(tx, sql`SELECT * FROM "StepTask" WHERE "caseId" = ${caseId} ORDER BY "visit"`)).map(toTask);
    },
    async createToken(token, taskId, visit, action, at) {
      tokens.push({ token, taskId, visit, action, createdAt: at });
    },
    async token(token) {
      await flushTasks();
      await flushTokens();
      // The press's step and case come with its token (one statement instead of three); they are then
      // known. So does the directory's version: a press's check outside a transaction needs no read of its own.
      const row = await one<Record<string, unknown> & { taskId: string; visit: number; action: string; directoryVersion: unknown }>(
        tx,
        sql`SELECT ${tokenColumns}, (SELECT "version" FROM "DirectoryVersion" WHERE "id" = 1) AS "directoryVersion"
          FROM "ActionToken" a LEFT JOIN "StepTask" t ON t."id" = a."taskId" LEFT JOIN "Case" c ON c."id" = t."caseId"
          WHERE a."token" = ${token}`,
      );
      if (!row) return null;
      directory?.versionRead(Number(row.directoryVersion ?? 0));
      const task = unprefixed<TaskModel>(row, taskKeys);
      if (task && !tasks.has(task.id)) tasks.set(task.id, toTask(task));
      const kase = unprefixed<CaseModel>(row, caseKeys);
      if (kase && !cases.has(kase.id)) seen(kase);
      return { taskId: row.taskId, visit: row.visit, action: row.action as TokenAction };
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
      const rows = await queryRows<Omit<CaseEntryRow, "kind" | "audience"> & { kind: string; audience: string }>(
        tx,
        sql`
        SELECT * FROM "CaseEntry" WHERE "caseId" = ${caseId} AND "id" > ${afterId ?? 0} ORDER BY "id"`,
      );
      return rows.map((r) => ({ ...r, kind: r.kind as EntryKind, audience: r.audience as CaseEntryRow["audience"] }));
    },
  };
  return { ports, heldWrites, caseWrite, caseWrites };
}
