// What the chat commands and the command-line tools need of one person's data: find it, erase it on
// request, export it, correct an answer. The store implements it (src/store/person-data.ts).
import type { ChannelName } from "./types.ts";

/** A person, by the NIK they gave in a form, or by a chat they wrote from. */
export type PersonKey = { nik: string } | { channel: string; chatId: string };

export interface PersonCase {
  code: string;
  service: string;
  status: string;
  /** Its personal data is already gone (retention purge or an earlier erasure). */
  purged: boolean;
}

export interface PersonPlan {
  cases: PersonCase[];
  chats: { channel: ChannelName; chatId: string }[];
  formsInProgress: number;
  /** Why the erasure may not be done now (empty: it may), in Indonesian for the admin to pass on. */
  refusals: string[];
}

export interface PersonDataPort {
  /** What an erasure would remove for this person in this office, and why it may be refused. */
  plan(key: PersonKey, officeId: string): Promise<PersonPlan>;
  erase(key: PersonKey, officeId: string, by: { officialId: string; label: string }): Promise<PersonPlan & { erased: boolean }>;
  /** A keyed hash of a corrected answer's old value (kept in the audit trail instead of the value). */
  hashOldValue(caseId: string, value: string): string;
}

/** A NIK as typed ("5371 0123 0890 0001") → 16 digits, or null. */
export function parseNik(text: string): string | null {
  const nik = text.replace(/[\s.-]/g, "");
  return /^\d{16}$/.test(nik) ? nik : null;
}
