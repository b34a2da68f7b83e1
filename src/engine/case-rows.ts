// The rows the case engine reads and writes through its ports (case-ports.ts), as plain data.
import type { CaseStatus } from "../domain/case-machine.ts";
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
  /** "Theresia Lake (Admin Klinik …)", or "Pemohon" (an applicant's name never enters the audit trail). */
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

/** How the audit trail names an applicant: by role only, so a purge or an erasure leaves the trail whole. */
export const applicantActor = "Pemohon";

/** The applicant's name in a form's answers ("Pemohon" when the form asks none). */
export const applicantNameOf = (value: (fieldId: string) => string | undefined) => value("nama") ?? value("nama_pemohon") ?? "Pemohon";

/** An application's case title: the form and its subject (the cooperative, the business, else the applicant). */
export function applicationTitle(formTitle: string, value: (fieldId: string) => string | undefined): string {
  return `${formTitle} — ${value("nama_koperasi") ?? value("nama_usaha") ?? value("nama_calon_koperasi") ?? applicantNameOf(value)}`;
}

/** A case title without its subject ("Legalitas Koperasi — Koperasi Maju" → "Legalitas Koperasi"), for the audit trail. */
export function serviceOf(title: string): string {
  return title.split(" — ")[0] ?? title;
}
