// The store operations the case engine needs, all inside one transaction (EngineTx). The engine
// owns the rules; the store only keeps rows. Declared here so the engine imports no store.
import type { CaseStatus } from "../domain/case-machine.ts";
import type { Sop } from "../domain/sop-schema.ts";
import type { ChannelName } from "./types.ts";

export interface CaseRow {
  id: string;
  code: string;
  officeId: string;
  sopNumber: number;
  flowHash: string;
  title: string;
  status: CaseStatus;
  currentStepId: string | null;
  visit: number;
  version: number;
  openedByOfficialId: string | null;
  openerChannel: ChannelName | null;
  openerChatId: string | null;
  subjectOfficialId: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
  closedAt: Date | null;
}

/** Someone offered a step: a holder of the mapped position, or the deputy of an absent holder. */
export interface Candidate {
  officialId: string;
  positionKey: string | null;
  /** Set when the candidate stands in for an absent official (Plt./Plh.). */
  delegationId?: string;
  onBehalfOfOfficialId?: string;
}

export type TaskStatus = "open" | "done" | "superseded";

export interface TaskRow {
  id: string;
  caseId: string;
  stepId: string;
  visit: number;
  status: TaskStatus;
  candidates: Candidate[];
  /**
   * What the step waits for outside the office's positions: "applicant" (a step of the SOP the
   * applicant does), "request" (the step is paused until the applicant sends what an official asked
   * for), "employee" or "external"; null for an official's own step.
   */
  waitingFor: string | null;
  takenByOfficialId: string | null;
  openedAt: Date;
  dueAt: Date | null;
  escalateAt: Date | null;
  decidedByOfficialId: string | null;
  decision: string | null;
  note: string | null;
  closedAt: Date | null;
}

export type TokenAction =
  | "take"
  | "done"
  | "done-note"
  | "done-applicant"
  | "approve"
  | "return"
  | "reject"
  | "ask-applicant"
  | "message-applicant"
  | "supplied"
  | "withdraw"
  | "bulk"
  | "bulk-confirm"
  | "bulk-cancel";

/** A choice to act on several tasks of one step at once; its tokens carry `bulk:<id>` as task. */
export interface BulkRow {
  id: string;
  officialId: string;
  action: "done" | "approve";
  tasks: { taskId: string; visit: number }[];
  label: string;
  createdAt: Date;
}

export interface ActionRef {
  label: string;
  token: string;
}

export interface OutboxDraft {
  channel: ChannelName;
  chatId: string;
  text: string;
  actions?: ActionRef[];
  caseId?: string;
  /** The task whose buttons this message carries (its message is edited when the task closes). */
  taskId?: string;
  /** Edit the message sent for this earlier outbox row instead of sending a new one. */
  editOfId?: number;
  fileIds?: string[];
  /** Idempotency: a second draft with the same key is dropped. */
  dedupeKey?: string;
}

export interface OutboxRow extends OutboxDraft {
  id: number;
  platformMessageId: string | null;
  /** How many of its parts (text chunks, files) have been sent already. */
  partsSent: number;
  /** Sent as part of that row's combined message. */
  mergedIntoId: number | null;
  status: "pending" | "sent" | "failed";
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
}

export interface AuditDraft {
  at: Date;
  caseId?: string;
  stepId?: string;
  actorOfficialId?: string;
  actorLabel: string;
  actingAs?: string;
  action: string;
  note?: string;
  flowHash?: string;
}

export interface DelegationRow {
  id: string;
  officeId: string;
  kind: "plt" | "plh";
  absentOfficialId: string;
  deputyOfficialId: string;
  startsAt: Date;
  endsAt: Date;
  reason: string;
  createdByOfficialId: string | null;
  createdAt: Date;
  appliedAt: Date | null;
  revertedAt: Date | null;
  endedAt: Date | null;
}

export interface OfficialRow {
  id: string;
  officeId: string;
  name: string;
  isAdmin: boolean;
  active: boolean;
}

export interface PromptRow {
  chatKey: string;
  officialId: string | null;
  kind: "return-reason" | "reject-reason" | "done-note" | "cancel-reason" | "request-reason" | "done-applicant-note" | "applicant-message";
  token: string | null;
  caseId: string | null;
  createdAt: Date;
}

/** The kinds of a case's conversation entries (see CaseEntryRow). */
export type EntryKind =
  | "note"
  | "return"
  | "request"
  | "to-applicant"
  | "from-applicant"
  | "applicant-file"
  | "request-withdrawn"
  | "received-in-person"
  | "reject"
  | "cancel";

/**
 * One event of a case's conversation, with its audience: "internal" entries (notes and returns
 * between officials) are never shown to the applicant; "applicant" entries are the applicant's side
 * (requests, messages both ways, files they sent, refusals). Officials see both.
 */
export interface CaseEntryRow {
  id: number;
  caseId: string;
  at: Date;
  kind: EntryKind;
  audience: "internal" | "applicant";
  authorOfficialId: string | null;
  /** "Theresia Lake (Admin Klinik …)" or "Pemohon: Budi". */
  authorLabel: string;
  text: string | null;
  fileId: string | null;
  taskId: string | null;
}

/** What one viewer (an official's id, or "applicant") was last shown of a case. */
export interface CaseViewRow {
  viewer: string;
  caseId: string;
  /** The newest entry they were shown (0: none yet). */
  lastEntryId: number;
  /** Files of the case already sent to them. */
  sentFileIds: string[];
  /** Whether they were shown the applicant's answers. */
  answersShown: boolean;
}

export interface DeadlineRow {
  id: string;
  caseId: string;
  taskId: string;
  /** "applicant-reminder": the applicant is reminded once of what they were asked for. */
  kind: "reminder" | "escalation" | "applicant-reminder";
  dueAt: Date;
  firedAt: Date | null;
}

export class ConcurrencyError extends Error {
  readonly retryable = true;
  constructor(what: string) {
    super(`${what} was changed by someone else`);
    this.name = "ConcurrencyError";
  }
}

export interface EngineTx {
  /** Records an inbound message id; false when it was already recorded (a redelivery). */
  recordInbound(channel: ChannelName, messageId: string, at: Date): Promise<boolean>;

  /** Stores the SOP file content under its hash (idempotent). */
  pinFlow(hash: string, sopNumber: number, content: string): Promise<void>;
  /** The SOP a case is pinned to, parsed from the stored content. */
  pinnedSop(hash: string): Promise<Sop>;

  createCase(row: CaseRow): Promise<void>;
  caseById(id: string): Promise<CaseRow | null>;
  caseByCode(code: string): Promise<CaseRow | null>;
  /** Saves a case if its version is still `expectedVersion`; bumps the version. */
  updateCase(id: string, expectedVersion: number, patch: Partial<Pick<CaseRow, "status" | "currentStepId" | "visit" | "closedAt" | "data">>): Promise<void>;
  casesInvolving(officialId: string, limit: number): Promise<CaseRow[]>;

  createTask(row: TaskRow): Promise<void>;
  taskById(id: string): Promise<TaskRow | null>;
  updateTask(id: string, patch: Partial<Omit<TaskRow, "id" | "caseId">>): Promise<void>;
  tasksOfCase(caseId: string): Promise<TaskRow[]>;
  openTasks(officeId?: string): Promise<TaskRow[]>;

  createToken(token: string, taskId: string, visit: number, action: TokenAction, at: Date): Promise<void>;
  token(token: string): Promise<{ taskId: string; visit: number; action: TokenAction } | null>;

  setPrompt(row: PromptRow): Promise<void>;
  prompt(chatKey: string): Promise<PromptRow | null>;
  clearPrompt(chatKey: string): Promise<void>;

  enqueue(draft: OutboxDraft, at: Date): Promise<void>;
  /**
   * Messages that offered choices for a task and still offer them: never edited, or last edited to
   * new choices. `text` is what the message shows now.
   */
  actionMessagesOfTask(taskId: string): Promise<{ id: number; channel: ChannelName; chatId: string; text: string }[]>;
  /** Cases of an office that overlap [from, to) (created before `to`, not closed before `from`), and their tasks. */
  reportHistory(officeId: string, from: Date, to: Date): Promise<{ cases: CaseRow[]; tasks: TaskRow[] }>;
  /** Audit events of an office's cases in [from, to), and the office-wide events without a case. */
  auditEvents(officeId: string, from: Date, to: Date): Promise<{ id: number; at: Date; caseId: string | null; stepId: string | null; actorLabel: string; actingAs: string | null; action: string; note: string | null; flowHash: string | null; hash: string }[]>;
  /** Records a file written by FilePort.prepare. */
  recordFile(row: { id: string; channel: string; uploaderId: string; originalName: string; mime: string; size: number; sha256: string; createdAt: Date }): Promise<void>;
  /** Attaches a stored file to a case (and the step it was sent for). */
  attachFile(fileId: string, caseId: string, taskId: string | null): Promise<void>;
  /** Files attached to a case, oldest first. */
  filesOfCase(caseId: string): Promise<{ id: string; name: string; byApplicant: boolean }[]>;
  /** The choices of a message the person quoted, by the platform's id of that message. */
  choicesOfMessage(channel: ChannelName, chatId: string, platformMessageId: string): Promise<{ id: number; caseId: string | null; actions: ActionRef[] } | null>;
  /** Records another address of a known chat identity (WhatsApp LID). */
  rememberAlias(channel: ChannelName, externalId: string, alias: string): Promise<void>;
  /** The newest message to a chat that offered numbered choices. */
  latestChoices(channel: ChannelName, chatId: string): Promise<{ id: number; caseId: string | null; actions: ActionRef[] } | null>;

  addDeadline(row: Omit<DeadlineRow, "firedAt">): Promise<void>;
  dueDeadlines(now: Date, limit: number): Promise<DeadlineRow[]>;
  markDeadlineFired(id: string, at: Date): Promise<void>;

  appendAudit(draft: AuditDraft): Promise<void>;

  /** Adds an entry to a case's conversation; returns its id (ids grow with time). */
  addEntry(draft: Omit<CaseEntryRow, "id">): Promise<number>;
  /** A case's entries after `afterId` (all by default), oldest first. */
  entriesOfCase(caseId: string, afterId?: number): Promise<CaseEntryRow[]>;
  caseView(viewer: string, caseId: string): Promise<CaseViewRow | null>;
  createBulk(row: BulkRow): Promise<void>;
  bulk(id: string): Promise<BulkRow | null>;
  saveCaseView(row: CaseViewRow): Promise<void>;

  official(id: string): Promise<OfficialRow | null>;
  officialsOfOffice(officeId: string): Promise<OfficialRow[]>;
  /** Officials holding a position of an office on a date. */
  holders(officeId: string, positionKey: string, on: Date): Promise<OfficialRow[]>;
  /** Position keys an official holds on a date. */
  positionsOf(officialId: string, on: Date): Promise<string[]>;
  officialByIdentity(channel: ChannelName, externalId: string): Promise<OfficialRow | null>;
  /** Where an official can be reached, best channel first. */
  addressesOf(officialId: string): Promise<{ channel: ChannelName; chatId: string }[]>;
  linkIdentity(channel: ChannelName, externalId: string, officialId: string, displayName: string | null, at: Date): Promise<void>;

  createDelegation(row: DelegationRow): Promise<void>;
  updateDelegation(id: string, patch: Partial<Pick<DelegationRow, "appliedAt" | "revertedAt" | "endedAt" | "endsAt">>): Promise<void>;
  delegations(officeId: string): Promise<DelegationRow[]>;

  createEnrolmentCode(row: { id: string; officialId: string; codeHash: string; expiresAt: Date; createdAt: Date }): Promise<void>;
  enrolmentByHash(codeHash: string): Promise<{ id: string; officialId: string; expiresAt: Date; usedAt: Date | null } | null>;
  markEnrolmentUsed(id: string, at: Date): Promise<void>;

  formSession(chatKey: string): Promise<FormSessionRow | null>;
  saveFormSession(row: FormSessionRow): Promise<void>;
  deleteFormSession(chatKey: string): Promise<void>;
  /** Cases opened from one chat (an applicant's own cases), newest first. */
  casesOfChat(channel: ChannelName, chatId: string, limit: number): Promise<CaseRow[]>;

  /** Active employees of an office. */
  employees(officeId: string): Promise<EmployeeRow[]>;
  /** Milestones already acted on, as "employeeId|kind|tmt|milestone". */
  staffMilestoneKeys(officeId: string): Promise<Set<string>>;
  recordStaffMilestone(row: { employeeId: string; kind: string; tmt: string; milestone: string; status: "fired" | "superseded"; caseId: string | null; at: Date }): Promise<void>;
  /** The official whose NIP this is, in that office. */
  officialByNip(officeId: string, nip: string): Promise<OfficialRow | null>;

  /** True when the digest for (official, local date) was not yet recorded; records it. */
  claimDigest(officialId: string, date: string, at: Date): Promise<boolean>;
}

export interface FormSessionRow {
  chatKey: string;
  /** "amend" is a legacy kind (sessions of older versions), read as no session. */
  kind: "menu" | "form" | "pick-case" | "amend";
  formId: string | null;
  formHash: string | null;
  caseId: string | null;
  state: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export interface EmployeeRow {
  id: string;
  officeId: string;
  nip: string;
  name: string;
  positionTitle: string;
  positionKind: string;
  grade: string | null;
  initialGrade: string | null;
  birthDate: string;
  tmtCpns: string;
  lastKgb: string | null;
  lastPromotion: string | null;
  retirementAgeOverride: number | null;
  nextKgbOverride: string | null;
  nextPromotionOverride: string | null;
}

export interface EngineStore {
  /** Runs `fn` in one transaction, serialized with every other write. */
  transaction<T>(fn: (tx: EngineTx) => Promise<T>): Promise<T>;
}
