// What the chat service and its commands are built from.
import type { WorkCalendar } from "../../domain/working-time.ts";
import type { ApplicantService, LoadedForm } from "../applicant-service.ts";
import type { CaseEngine } from "../case-engine.ts";
import type { EngineStore } from "../case-ports.ts";
import type { FilePort } from "../file-ports.ts";
import type { EngineMetrics } from "../metrics-port.ts";
import type { PersonDataPort } from "../person-data-port.ts";
import type { Clock, Directory } from "../ports.ts";
import type { StaffService } from "../staff-service.ts";

export interface ChatServiceDeps {
  store: EngineStore;
  engine: CaseEngine;
  applicants: ApplicantService;
  staff?: StaffService;
  /** Draws an SOP's swimlane chart as PNG pages (for /alur). */
  sopChart?(sopNumber: number, officeId: string): Promise<{ name: string; png: Buffer }[]>;
  /** Where generated files (charts, reports) are kept to be sent. */
  files?: FilePort;
  renderPng?(svg: string): Promise<Buffer>;
  toXlsx?(sheets: { name: string; rows: Record<string, string | number | null>[] }[]): Promise<Buffer>;
  calendar?(officeId: string): WorkCalendar;
  /** Messages a chat that is not an official may send per minute (more are politely refused). */
  publicRateLimit?: number;
  directory: Directory;
  clock: Clock;
  /** The office a chat belongs to when nothing else tells (one office per deployment for now). */
  defaultOfficeId: string;
  /** The secret enrolment codes are stored under (an HMAC key; see src/store/server-key.ts). */
  enrolmentSecret: Buffer;
  /** Hours an enrolment code stays valid. */
  enrolmentTtlHours?: number;
  sopTitle(number: number): string | undefined;
  sopStartKind(number: number): string | undefined;
  /** The forms (for /koreksi: an answer is checked as the form checks it). */
  forms?(): LoadedForm[];
  /** One person's data: erasure on request, the hash of a corrected answer. */
  personData?: PersonDataPort;
  /** The highest SOP number in the catalog (for "/alur 99" answers). */
  sopCount?: number;
  /** Counts the messages received, by channel. */
  metrics?: Pick<EngineMetrics, "received">;
}
