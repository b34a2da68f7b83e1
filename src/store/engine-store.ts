// The case engine's ports on Prisma. Every method runs inside the transaction the engine opened.
import { randomUUID } from "node:crypto";
import { parse } from "yaml";
import type { CaseStatus } from "../domain/case-machine.ts";
import { sopSchema, type Sop } from "../domain/sop-schema.ts";
import {
  ConcurrencyError,
  type ActionRef,
  type Candidate,
  type CaseEntryRow,
  type CaseRow,
  type DeadlineRow,
  type DelegationRow,
  type EntryKind,
  type EngineStore,
  type EngineTx,
  type FormSessionRow,
  type OfficialRow,
  type PromptRow,
  type TaskRow,
  type TokenAction,
} from "../engine/case-ports.ts";
import type { ChannelName } from "../engine/types.ts";
import { createAuditAppender } from "./audit-chain.ts";
import type { Database, Tx } from "./database.ts";
import { isWriteConflict } from "./storage-errors.ts";
import type { Case as CaseModel, StepTask as TaskModel, Delegation as DelegationModel } from "./generated/client.ts";

const channelPriority: ChannelName[] = ["telegram", "whatsapp", "console"];

function toCase(c: CaseModel): CaseRow {
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

function toTask(t: TaskModel): TaskRow {
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

function toDelegation(d: DelegationModel): DelegationRow {
  return { ...d, kind: d.kind as DelegationRow["kind"] };
}

const activeOn = (on: Date) => ({ startsOn: { lte: on }, OR: [{ endsOn: null }, { endsOn: { gt: on } }] });

/** Parsed SOPs by content hash; content behind a hash never changes, so the cache never goes stale. */
const pinnedCache = new Map<string, Sop>();

function createTx(tx: Tx): EngineTx {
  const officialRow = (o: { id: string; officeId: string; name: string; isAdmin: boolean; active: boolean }): OfficialRow => ({
    id: o.id,
    officeId: o.officeId,
    name: o.name,
    isAdmin: o.isAdmin,
    active: o.active,
  });
  const audit = createAuditAppender(tx);
  const seen = (c: CaseModel | null) => {
    if (c) audit.known(c.id, { seq: c.auditSeq, hash: c.auditHash });
    return c ? toCase(c) : null;
  };
  return {
    async recordInbound(channel, messageId, at) {
      const existing = await tx.inboundReceipt.findUnique({ where: { channel_messageId: { channel, messageId } } });
      if (existing) return false;
      await tx.inboundReceipt.create({ data: { channel, messageId, receivedAt: at } });
      return true;
    },

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
      return seen(await tx.case.findUnique({ where: { id } }));
    },
    async caseByCode(code) {
      return seen(await tx.case.findUnique({ where: { code } }));
    },
    async updateCase(id, expectedVersion, patch) {
      const { data, ...rest } = patch;
      const result = await tx.case.updateMany({
        where: { id, version: expectedVersion },
        data: { ...rest, ...(data ? { data: JSON.stringify(data) } : {}), version: { increment: 1 } },
      });
      if (result.count !== 1) throw new ConcurrencyError(`case ${id}`);
    },
    async casesInvolving(officialId, limit) {
      const taskCaseIds = await tx.stepTask.findMany({
        where: { OR: [{ decidedByOfficialId: officialId }, { takenByOfficialId: officialId }, { candidates: { contains: officialId } }] },
        select: { caseId: true },
        distinct: ["caseId"],
      });
      const cases = await tx.case.findMany({
        where: { OR: [{ openedByOfficialId: officialId }, { subjectOfficialId: officialId }, { id: { in: taskCaseIds.map((t) => t.caseId) } }] },
        orderBy: { createdAt: "desc" },
        take: limit,
      });
      return cases.map(toCase);
    },

    async createTask(row) {
      await tx.stepTask.create({ data: { ...row, candidates: JSON.stringify(row.candidates) } });
    },
    async taskById(id) {
      const t = await tx.stepTask.findUnique({ where: { id } });
      return t ? toTask(t) : null;
    },
    async updateTask(id, patch) {
      const { candidates, ...rest } = patch;
      await tx.stepTask.update({ where: { id }, data: { ...rest, ...(candidates ? { candidates: JSON.stringify(candidates) } : {}) } });
    },
    async tasksOfCase(caseId) {
      return (await tx.stepTask.findMany({ where: { caseId }, orderBy: { visit: "asc" } })).map(toTask);
    },
    async openTasks(officeId) {
      const tasks = await tx.stepTask.findMany({
        where: { status: "open", ...(officeId ? { case: { officeId } } : {}) },
        orderBy: { openedAt: "asc" },
      });
      return tasks.map(toTask);
    },

    async createToken(token, taskId, visit, action, at) {
      await tx.actionToken.create({ data: { token, taskId, visit, action, createdAt: at } });
    },
    async token(token) {
      const t = await tx.actionToken.findUnique({ where: { token } });
      return t ? { taskId: t.taskId, visit: t.visit, action: t.action as TokenAction } : null;
    },

    async setPrompt(row) {
      await tx.pendingPrompt.upsert({ where: { chatKey: row.chatKey }, create: row, update: row });
    },
    async prompt(chatKey) {
      const p = await tx.pendingPrompt.findUnique({ where: { chatKey } });
      return p ? { ...p, kind: p.kind as PromptRow["kind"] } : null;
    },
    async clearPrompt(chatKey) {
      await tx.pendingPrompt.deleteMany({ where: { chatKey } });
    },

    async enqueue(draft, at) {
      if (draft.dedupeKey) {
        const exists = await tx.outboxMessage.findUnique({ where: { dedupeKey: draft.dedupeKey } });
        if (exists) return;
      }
      await tx.outboxMessage.create({
        data: {
          channel: draft.channel,
          chatId: draft.chatId,
          text: draft.text,
          actions: draft.actions && draft.actions.length > 0 ? JSON.stringify(draft.actions) : null,
          caseId: draft.caseId ?? null,
          taskId: draft.taskId ?? null,
          editOfId: draft.editOfId ?? null,
          fileIds: draft.fileIds && draft.fileIds.length > 0 ? JSON.stringify(draft.fileIds) : null,
          dedupeKey: draft.dedupeKey ?? null,
          nextAttemptAt: at,
          createdAt: at,
        },
      });
    },
    async actionMessagesOfTask(taskId) {
      const rows = await tx.outboxMessage.findMany({ where: { taskId, actions: { not: null }, editOfId: null }, orderBy: { id: "asc" } });
      if (rows.length === 0) return [];
      const edits = await tx.outboxMessage.findMany({ where: { editOfId: { in: rows.map((r) => r.id) } }, orderBy: { id: "asc" }, select: { editOfId: true, text: true, actions: true } });
      const latest = new Map(edits.map((e) => [e.editOfId, e]));
      return rows.flatMap((r) => {
        const edit = latest.get(r.id);
        if (edit && !edit.actions) return [];
        return [{ id: r.id, channel: r.channel as ChannelName, chatId: r.chatId, text: edit?.text ?? r.text }];
      });
    },
    async reportHistory(officeId, from, to) {
      const cases = await tx.case.findMany({ where: { officeId, createdAt: { lt: to }, OR: [{ closedAt: null }, { closedAt: { gte: from } }] }, orderBy: { createdAt: "asc" } });
      const tasks = await tx.stepTask.findMany({ where: { caseId: { in: cases.map((c) => c.id) } }, orderBy: [{ caseId: "asc" }, { visit: "asc" }] });
      return { cases: cases.map(toCase), tasks: tasks.map(toTask) };
    },
    async auditEvents(officeId, from, to) {
      const caseIds = (await tx.case.findMany({ where: { officeId }, select: { id: true } })).map((c) => c.id);
      return tx.auditEvent.findMany({
        where: { at: { gte: from, lt: to }, OR: [{ caseId: { in: caseIds } }, { caseId: null }] },
        orderBy: { id: "asc" },
        select: { id: true, at: true, caseId: true, stepId: true, actorLabel: true, actingAs: true, action: true, note: true, flowHash: true, hash: true },
      });
    },
    async recordFile(row) {
      await tx.storedFile.create({ data: row });
    },
    async attachFile(fileId, caseId, taskId) {
      await tx.storedFile.update({ where: { id: fileId }, data: { caseId, taskId } });
    },
    async filesOfCase(caseId) {
      const kase = await tx.case.findUnique({ where: { id: caseId }, select: { openerChannel: true, openerChatId: true, openedByOfficialId: true } });
      const files = await tx.storedFile.findMany({ where: { caseId }, orderBy: { createdAt: "asc" } });
      // A file came from the applicant when it was sent from the chat that opened the case.
      const fromApplicant = (f: { channel: string; uploaderId: string }) =>
        kase !== null && kase.openedByOfficialId === null && f.channel === kase.openerChannel && (kase.openerChatId === f.uploaderId || kase.openerChatId === `console:${f.uploaderId}`);
      return files.map((f) => ({ id: f.id, name: f.originalName, byApplicant: fromApplicant(f) }));
    },
    async choicesOfMessage(channel, chatId, platformMessageId) {
      const row = await tx.outboxMessage.findFirst({ where: { channel, chatId, platformMessageId, actions: { not: null } } });
      return row ? { id: row.id, caseId: row.caseId, actions: JSON.parse(row.actions ?? "[]") as ActionRef[] } : null;
    },
    async rememberAlias(channel, externalId, alias) {
      await tx.chatIdentity.updateMany({ where: { channel, externalId, OR: [{ alias: null }, { alias: { not: alias } }] }, data: { alias } });
    },
    async latestChoices(channel, chatId) {
      // Only a message the person can have seen (sent). A prompt closed since then is still found:
      // its tokens can no longer act, and pressing one gets the precise reason why.
      const row = await tx.outboxMessage.findFirst({
        where: { channel, chatId, actions: { not: null }, editOfId: null, status: "sent" },
        orderBy: { id: "desc" },
      });
      if (!row) return null;
      return { id: row.id, caseId: row.caseId, actions: JSON.parse(row.actions ?? "[]") as ActionRef[] };
    },

    async addDeadline(row) {
      await tx.deadline.upsert({
        where: { taskId_kind: { taskId: row.taskId, kind: row.kind } },
        create: row,
        update: {},
      });
    },
    async dueDeadlines(now, limit) {
      const rows = await tx.deadline.findMany({ where: { firedAt: null, dueAt: { lte: now } }, orderBy: { dueAt: "asc" }, take: limit });
      return rows.map((r) => ({ ...r, kind: r.kind as DeadlineRow["kind"] }));
    },
    async markDeadlineFired(id, at) {
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
      const created = await tx.caseEntry.create({ data: draft });
      return created.id;
    },
    async entriesOfCase(caseId, afterId) {
      const rows = await tx.caseEntry.findMany({ where: { caseId, ...(afterId !== undefined ? { id: { gt: afterId } } : {}) }, orderBy: { id: "asc" } });
      return rows.map((r) => ({ ...r, kind: r.kind as EntryKind, audience: r.audience as CaseEntryRow["audience"] }));
    },
    async createBulk(row) {
      await tx.bulkAction.create({ data: { ...row, tasks: JSON.stringify(row.tasks) } });
    },
    async bulk(id) {
      const row = await tx.bulkAction.findUnique({ where: { id } });
      return row ? { ...row, action: row.action as "done" | "approve", tasks: JSON.parse(row.tasks) as { taskId: string; visit: number }[] } : null;
    },
    async caseView(viewer, caseId) {
      const row = await tx.caseView.findUnique({ where: { viewer_caseId: { viewer, caseId } } });
      return row ? { ...row, sentFileIds: JSON.parse(row.sentFileIds) as string[] } : null;
    },
    async saveCaseView(row) {
      const data = { ...row, sentFileIds: JSON.stringify(row.sentFileIds) };
      await tx.caseView.upsert({ where: { viewer_caseId: { viewer: row.viewer, caseId: row.caseId } }, create: data, update: data });
    },

    async official(id) {
      const o = await tx.official.findUnique({ where: { id } });
      return o ? officialRow(o) : null;
    },
    async officialsOfOffice(officeId) {
      return (await tx.official.findMany({ where: { officeId, active: true }, orderBy: { createdAt: "asc" } })).map(officialRow);
    },
    async holders(officeId, positionKey, on) {
      const holdings = await tx.positionHolding.findMany({
        where: { positionId: `${officeId}/${positionKey}`, ...activeOn(on), official: { active: true } },
        include: { official: true },
        orderBy: { startsOn: "asc" },
      });
      return holdings.map((h) => officialRow(h.official));
    },
    async positionsOf(officialId, on) {
      const holdings = await tx.positionHolding.findMany({ where: { officialId, ...activeOn(on) }, include: { position: true } });
      return holdings.map((h) => h.position.key);
    },
    async officialByIdentity(channel, externalId) {
      const identity = await tx.chatIdentity.findFirst({
        where: { channel, OR: [{ externalId }, { alias: externalId }], officialId: { not: null } },
        include: { official: true },
      });
      return identity?.official?.active ? officialRow(identity.official) : null;
    },
    async addressesOf(officialId) {
      const identities = await tx.chatIdentity.findMany({ where: { officialId }, orderBy: { createdAt: "asc" } });
      return identities
        .map((i) => ({
          channel: i.channel as ChannelName,
          chatId: i.channel === "console" ? `console:${i.externalId}` : i.externalId,
        }))
        .sort((a, b) => channelPriority.indexOf(a.channel) - channelPriority.indexOf(b.channel));
    },
    async linkIdentity(channel, externalId, officialId, displayName, at) {
      await tx.chatIdentity.upsert({
        where: { channel_externalId: { channel, externalId } },
        create: { id: randomUUID(), channel, externalId, officialId, displayName, createdAt: at },
        update: { officialId, displayName },
      });
    },

    async createDelegation(row) {
      await tx.delegation.create({ data: row });
    },
    async updateDelegation(id, patch) {
      await tx.delegation.update({ where: { id }, data: patch });
    },
    async delegations(officeId) {
      return (await tx.delegation.findMany({ where: { officeId }, orderBy: { startsAt: "asc" } })).map(toDelegation);
    },

    async createEnrolmentCode(row) {
      await tx.enrolmentCode.create({ data: row });
    },
    async enrolmentByHash(codeHash) {
      return tx.enrolmentCode.findUnique({ where: { codeHash } });
    },
    async markEnrolmentUsed(id, at) {
      await tx.enrolmentCode.update({ where: { id }, data: { usedAt: at } });
    },

    async formSession(chatKey) {
      const row = await tx.formSession.findUnique({ where: { chatKey } });
      return row ? { ...row, kind: row.kind as FormSessionRow["kind"], state: JSON.parse(row.state) as Record<string, unknown> } : null;
    },
    async saveFormSession(row) {
      const data = { ...row, state: JSON.stringify(row.state) };
      await tx.formSession.upsert({ where: { chatKey: row.chatKey }, create: data, update: data });
    },
    async deleteFormSession(chatKey) {
      await tx.formSession.deleteMany({ where: { chatKey } });
    },
    async casesOfChat(channel, chatId, limit) {
      return (await tx.case.findMany({ where: { openerChannel: channel, openerChatId: chatId }, orderBy: { createdAt: "desc" }, take: limit })).map(toCase);
    },
    async employees(officeId) {
      return tx.employee.findMany({
        where: { officeId, active: true },
        select: {
          id: true,
          officeId: true,
          nip: true,
          name: true,
          positionTitle: true,
          positionKind: true,
          grade: true,
          initialGrade: true,
          birthDate: true,
          tmtCpns: true,
          lastKgb: true,
          lastPromotion: true,
          retirementAgeOverride: true,
          nextKgbOverride: true,
          nextPromotionOverride: true,
        },
      });
    },
    async staffMilestoneKeys(officeId) {
      const ids = (await tx.employee.findMany({ where: { officeId }, select: { id: true } })).map((e) => e.id);
      const rows = await tx.staffMilestone.findMany({ where: { employeeId: { in: ids } }, select: { employeeId: true, kind: true, tmt: true, milestone: true } });
      return new Set(rows.map((r) => `${r.employeeId}|${r.kind}|${r.tmt}|${r.milestone}`));
    },
    async recordStaffMilestone(row) {
      await tx.staffMilestone.upsert({
        where: { employeeId_kind_tmt_milestone: { employeeId: row.employeeId, kind: row.kind, tmt: row.tmt, milestone: row.milestone } },
        create: row,
        update: {},
      });
    },
    async officialByNip(officeId, nip) {
      const o = await tx.official.findFirst({ where: { officeId, nip, active: true } });
      return o ? officialRow(o) : null;
    },
    async claimDigest(officialId, date, at) {
      const existing = await tx.digestSent.findUnique({ where: { officialId_date: { officialId, date } } });
      if (existing) return false;
      await tx.digestSent.create({ data: { officialId, date, sentAt: at } });
      return true;
    },
  };
}

/** Runs of a transaction that lost to a concurrent one on the same rows (PostgreSQL) before giving up. */
const conflictAttempts = 5;

export function createEngineStore(db: Database): EngineStore {
  return {
    // A transaction that worked from a view another one changed meanwhile runs again on fresh data:
    // the second of two presses on one case then finds the step decided and says so.
    async transaction(fn) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.write((tx) => fn(createTx(tx)));
        } catch (error) {
          if (attempt >= conflictAttempts || !isWriteConflict(error)) throw error;
        }
      }
    },
  };
}
