// Enrolment: an admin issues a single-use, expiring code for an official; the official sends it in
// chat to link that chat identity. Only the code's hash is stored. There is no other way to claim
// a position from a chat.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { EngineTx, OfficialRow } from "./case-ports.ts";
import type { ChannelName } from "./types.ts";

const alphabet = "ACDEFHJKMNPQRTUVWXY34679"; // no look-alike characters

export function hashEnrolmentCode(code: string): string {
  return createHash("sha256")
    .update(`enrol:${code.toUpperCase().replace(/[^0-9A-Z]/g, "")}`)
    .digest("hex");
}

/** "K7QX-3MPA": eight characters from an alphabet without look-alikes. */
export function newEnrolmentCode(random: (n: number) => Buffer = randomBytes): string {
  const chars = [...random(8)].map((b) => alphabet[b % alphabet.length]).join("");
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}

export async function issueEnrolmentCode(
  tx: EngineTx,
  official: OfficialRow,
  now: Date,
  ttlHours: number,
  issuedBy?: OfficialRow,
): Promise<{ code: string; expiresAt: Date }> {
  const code = newEnrolmentCode();
  const expiresAt = new Date(now.getTime() + ttlHours * 3_600_000);
  await tx.createEnrolmentCode({ id: randomUUID(), officialId: official.id, codeHash: hashEnrolmentCode(code), expiresAt, createdAt: now });
  await tx.appendAudit({
    at: now,
    ...(issuedBy ? { actorOfficialId: issuedBy.id } : {}),
    actorLabel: issuedBy?.name ?? "admin (baris perintah)",
    action: "enrolment-code-issued",
    note: `untuk ${official.name}, berlaku sampai ${expiresAt.toISOString()}`,
  });
  return { code, expiresAt };
}

export type RedeemResult = { ok: true; official: OfficialRow } | { ok: false; reason: "unknown" | "used" | "expired" };

export async function redeemEnrolmentCode(
  tx: EngineTx,
  input: { channel: ChannelName; externalId: string; displayName: string | null; code: string; now: Date },
): Promise<RedeemResult> {
  const row = await tx.enrolmentByHash(hashEnrolmentCode(input.code));
  if (!row) return { ok: false, reason: "unknown" };
  if (row.usedAt) return { ok: false, reason: "used" };
  if (row.expiresAt <= input.now) return { ok: false, reason: "expired" };
  const official = await tx.official(row.officialId);
  if (!official?.active) return { ok: false, reason: "unknown" };
  await tx.markEnrolmentUsed(row.id, input.now);
  await tx.linkIdentity(input.channel, input.externalId, official.id, input.displayName, input.now);
  await tx.appendAudit({
    at: input.now,
    actorOfficialId: official.id,
    actorLabel: official.name,
    action: "identity-linked",
    note: `kanal ${input.channel}`,
  });
  return { ok: true, official };
}
