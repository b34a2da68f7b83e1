// What every part of the case engine shares: its dependencies, the office and step lookups, and the
// shapes of an actor and a reply.
import type { Office } from "../../domain/office-schema.ts";
import type { Sop, SopStep } from "../../domain/sop-schema.ts";
import type { WorkCalendar } from "../../domain/working-time.ts";
import type { ActionRef, CaseRow, EngineStore, OfficialRow } from "../case-ports.ts";
import type { Clock } from "../ports.ts";
import type { ChannelName } from "../types.ts";

export interface SopSource {
  sop: Sop;
  hash: string;
  text: string;
}

export interface CaseEngineDeps {
  store: EngineStore;
  clock: Clock;
  office(officeId: string): Office | undefined;
  /** The current catalog's SOP (a new case pins its content). */
  sop(number: number): SopSource | undefined;
  calendar(officeId: string): WorkCalendar;
  /** Escalation at this multiple of the standard time (default 2). */
  escalationFactor?: number;
}

/** Who is acting, as the engine sees it. */
export interface Actor {
  official: OfficialRow;
  channel: ChannelName;
  chatId: string;
}

/** A message back to the sender's chat. `discardFileIds`: files the sender sent that were not kept. */
export type Reply = {
  text: string;
  actions?: ActionRef[];
  taskId?: string;
  caseId?: string;
  fileIds?: string[];
  discardFileIds?: string[];
};

export interface EngineContext {
  deps: CaseEngineDeps;
  clock: Clock;
  escalationFactor: number;
  officeOf(officeId: string): Office;
  stepOf(sop: Sop, stepId: string): SopStep;
  positionTitle(office: Office, key: string | null): string | undefined;
}

export function createContext(deps: CaseEngineDeps): EngineContext {
  return {
    deps,
    clock: deps.clock,
    escalationFactor: deps.escalationFactor ?? 2,
    officeOf(officeId) {
      const office = deps.office(officeId);
      if (!office) throw new Error(`Unknown office ${officeId}`);
      return office;
    },
    stepOf(sop, stepId) {
      const step = sop.steps.find((s) => s.id === stepId);
      if (!step) throw new Error(`SOP ${sop.number} has no step ${stepId}`);
      return step;
    },
    positionTitle(office, key) {
      return key ? office.positions.find((p) => p.id === key)?.title : undefined;
    },
  };
}

/** A case an applicant opened from a chat form: their chat hears the applicant's side of it. */
export function isApplicantCase(kase: CaseRow): boolean {
  return typeof kase.data["form"] === "string" && kase.openerChannel !== null && kase.openerChatId !== null;
}

/** The applicant's chat of an applicant case. */
export function applicantChat(kase: CaseRow): { channel: ChannelName; chatId: string } | null {
  return isApplicantCase(kase) && kase.openerChannel && kase.openerChatId
    ? { channel: kase.openerChannel, chatId: kase.openerChatId }
    : null;
}

/** The applicant's name as the form recorded it. */
export function applicantName(kase: CaseRow): string {
  return (kase.data["applicant"] as { name?: string } | undefined)?.name ?? "";
}

/** The viewer key of the applicant in CaseView rows. */
export const applicantViewer = "applicant";
