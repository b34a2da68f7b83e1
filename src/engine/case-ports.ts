// The store operations the case engine needs, all inside one transaction (EngineTx). The engine
// owns the rules; the store only keeps rows. Declared here so the engine imports no store.
import type { Sop } from "../domain/sop-schema.ts";
import type { ChannelName } from "./types.ts";
import type { StoredFileRow } from "./file-ports.ts";
import type {
  Candidate,
  CaseRow,
  TaskRow,
  TokenAction,
  BulkRow,
  ActionRef,
  OutboxDraft,
  AuditDraft,
  DelegationRow,
  OfficialRow,
  PromptRow,
  CaseEntryRow,
  CaseViewRow,
  DeadlineRow,
  FormSessionRow,
  EmployeeRow,
} from "./case-rows.ts";

export * from "./case-rows.ts";

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
  updateCase(
    id: string,
    expectedVersion: number,
    patch: Partial<Pick<CaseRow, "status" | "currentStepId" | "visit" | "closedAt" | "data" | "title">>,
  ): Promise<void>;
  casesInvolving(officialId: string, limit: number): Promise<CaseRow[]>;

  createTask(row: TaskRow): Promise<void>;
  taskById(id: string): Promise<TaskRow | null>;
  updateTask(id: string, patch: Partial<Omit<TaskRow, "id" | "caseId">>): Promise<void>;
  tasksOfCase(caseId: string): Promise<TaskRow[]>;
  openTasks(officeId?: string): Promise<TaskRow[]>;
  /** The different candidate lists of an office's open tasks (each once: a few, however many tasks). */
  openCandidateSets(officeId: string): Promise<Candidate[][]>;
  /** The open tasks an official is a candidate for or has taken (through an index, not a scan). */
  openTasksOf(officialId: string): Promise<TaskRow[]>;
  /**
   * An official's open tasks in brief, counted by the database: how many, how many overdue at `now`
   * (not counting those waiting for the applicant), and the first `limit` of them: waiting for the
   * applicant last, then by due time (none last).
   */
  openTaskSummary(officialId: string, now: Date, limit: number): Promise<{ total: number; overdue: number; first: TaskRow[] }>;

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
  auditEvents(
    officeId: string,
    from: Date,
    to: Date,
  ): Promise<
    {
      id: number;
      at: Date;
      caseId: string | null;
      stepId: string | null;
      actorLabel: string;
      actingAs: string | null;
      action: string;
      note: string | null;
      flowHash: string | null;
      hash: string;
    }[]
  >;
  /** Records a file written by FilePort.prepare. */
  recordFile(row: StoredFileRow): Promise<void>;
  /** Attaches a stored file to a case (and the step it was sent for). */
  attachFile(fileId: string, caseId: string, taskId: string | null): Promise<void>;
  /** Files attached to a case, oldest first. */
  filesOfCase(caseId: string): Promise<{ id: string; name: string; byApplicant: boolean }[]>;
  /** The choices of a message the person quoted, by the platform's id of that message. */
  choicesOfMessage(
    channel: ChannelName,
    chatId: string,
    platformMessageId: string,
  ): Promise<{ id: number; caseId: string | null; actions: ActionRef[] } | null>;
  /** Records another address of a known chat identity (WhatsApp LID). */
  rememberAlias(channel: ChannelName, externalId: string, alias: string): Promise<void>;
  /** The newest message to a chat that offered numbered choices. */
  latestChoices(channel: ChannelName, chatId: string): Promise<{ id: number; caseId: string | null; actions: ActionRef[] } | null>;

  addDeadline(row: Omit<DeadlineRow, "firedAt">): Promise<void>;
  dueDeadlines(now: Date, limit: number): Promise<DeadlineRow[]>;
  /** The deadline if it is still due at `now` (not fired yet). */
  dueDeadline(id: string, now: Date): Promise<DeadlineRow | null>;
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
  recordStaffMilestone(row: {
    employeeId: string;
    kind: string;
    tmt: string;
    milestone: string;
    status: "fired" | "superseded";
    caseId: string | null;
    at: Date;
  }): Promise<void>;
  /** The official whose NIP this is, in that office. */
  officialByNip(officeId: string, nip: string): Promise<OfficialRow | null>;

  /** An official's positions over time, oldest first (the directory's history). */
  holdingsOf(officialId: string): Promise<{ positionKey: string; startsOn: Date; endsOn: Date | null }[]>;
  /** Ends the official's open holdings of a position (all positions when null) on a date; returns how many. */
  endHoldings(officialId: string, positionKey: string | null, on: Date): Promise<number>;
  startHolding(officialId: string, officeId: string, positionKey: string, on: Date): Promise<void>;
  updateOfficial(officialId: string, patch: { active?: boolean; isAdmin?: boolean; name?: string; nip?: string | null }): Promise<void>;
  createOfficial(row: { id: string; officeId: string; name: string; nip: string | null; isAdmin: boolean }): Promise<void>;
  /** Removes an official's chat accounts (they left the office); returns how many. */
  unlinkIdentities(officialId: string): Promise<number>;

  /** True when the digest for (official, local date) was not yet recorded; records it. */
  claimDigest(officialId: string, date: string, at: Date): Promise<boolean>;
  /** Whether a digest was already claimed (a read; claimDigest is the write). */
  digestClaimed(officialId: string, date: string): Promise<boolean>;
}

export interface ReadOptions {
  snapshot?: boolean;
}

export interface EngineStore {
  /** Runs `fn` in one write transaction (run again when it lost to a concurrent one on the same case). */
  transaction<T>(fn: (tx: EngineTx) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on a read-only view of what is committed, outside the write path: it waits for no
   * write and no write waits for it; it must not write. `snapshot: false`: each read sees what is
   * committed when it runs (no read-only transaction around them: on PostgreSQL three round trips
   * fewer), for a check that the write path makes again anyway.
   */
  read<T>(fn: (view: EngineTx) => Promise<T>, options?: ReadOptions): Promise<T>;
}
