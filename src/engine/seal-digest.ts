// The daily seal digest: on each working day from 07:30 office time, the Kepala Dinas and the office's
// admins get the newest audit seal's number and code (the start of its hash). The seals are chained,
// so that code vouches for the whole trail up to it: a later rewrite of the database, even by someone
// who holds the key, contradicts a message they already hold (audit:verify --seal <id>:<code>).
import { formatDateId } from "../domain/field-types.ts";
import { atLocal, isOfficeTime, localDate, type WorkCalendar } from "../domain/working-time.ts";
import type { EngineTx } from "./case-ports.ts";
import { privacyMessages } from "./privacy-messages.ts";

export interface SealSummary {
  id: number;
  at: Date;
  hash: string;
  /** How many chains the seal covers (null: not known). */
  chains?: number | null;
}

/** A seal's code as the digest shows it: the first 16 hex characters of its hash, in groups of four. */
export const digestCode = (hash: string) => (hash.slice(0, 16).match(/.{4}/g) ?? []).join(" ");

export interface SealDigestInput {
  officeId: string;
  officeName: string;
  now: Date;
  calendar: WorkCalendar;
  seal: SealSummary;
}

/** Whether today's digest is due: a working day, from 07:30 office time. */
export function sealDigestDue(now: Date, calendar: WorkCalendar): boolean {
  return isOfficeTime(now, calendar) && now >= atLocal(localDate(now, calendar.timeZone), 7 * 60 + 30, calendar.timeZone);
}

/** Sends today's digest to each recipient who has not had it (call when sealDigestDue); returns how many were sent. */
export async function sendSealDigestIn(tx: EngineTx, input: SealDigestInput): Promise<number> {
  const { now, calendar } = input;
  const today = localDate(now, calendar.timeZone);
  const recipients = new Set<string>();
  for (const o of await tx.holders(input.officeId, "kepala-dinas", now)) recipients.add(o.id);
  for (const o of await tx.officialsOfOffice(input.officeId)) if (o.isAdmin) recipients.add(o.id);
  const text = privacyMessages.sealDigest(
    input.officeName,
    formatDateId(today),
    input.seal.id,
    digestCode(input.seal.hash),
    input.seal.chains ?? null,
  );
  let sent = 0;
  for (const officialId of recipients) {
    if (!(await tx.claimDigest(officialId, `seal-${today}`, now))) continue;
    const address = (await tx.addressesOf(officialId))[0];
    if (!address) continue;
    await tx.enqueue({ ...address, text }, now);
    sent++;
  }
  return sent;
}
