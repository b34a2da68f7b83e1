// Enrolment: an admin issues a single-use, expiring code for an official; the official sends it in
// chat to link that chat identity. Only an HMAC of the code under a server secret (derived from the
// server's key, see src/store/server-key.ts) is stored: whoever reads the database cannot test
// guesses against it offline. There is no other way to claim a position from a chat.
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import type { EngineTx, OfficialRow } from "./case-ports.ts";
import type { ChannelName } from "./types.ts";

const alphabet = "ACDEFHJKMNPQRTUVWXY34679"; // no look-alike characters

const normalized = (code: string) => code.toUpperCase().replace(/[^0-9A-Z]/g, "");

/** What is stored of a code: HMAC-SHA256 under the server's enrolment secret. */
export function hashEnrolmentCode(code: string, secret: Buffer): string {
  return createHmac("sha256", secret)
    .update(`enrol:${normalized(code)}`)
    .digest("hex");
}

/** How codes issued before the HMAC were stored (an unsalted SHA-256); still redeemed until they expire. */
function legacyHash(code: string): string {
  return createHash("sha256")
    .update(`enrol:${normalized(code)}`)
    .digest("hex");
}

/** Bytes at or above this would favour the alphabet's first letters (256 is not a multiple of its size): drawn again. */
const fairLimit = 256 - (256 % alphabet.length);

/** "K7QX-3MPA": eight characters from an alphabet without look-alikes, each equally likely. */
export function newEnrolmentCode(random: (n: number) => Buffer = randomBytes): string {
  let chars = "";
  while (chars.length < 8) {
    for (const b of random(8)) {
      if (b < fairLimit && chars.length < 8) chars += alphabet[b % alphabet.length];
    }
  }
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}

export async function issueEnrolmentCode(
  tx: EngineTx,
  official: OfficialRow,
  now: Date,
  ttlHours: number,
  secret: Buffer,
  issuedBy?: OfficialRow,
): Promise<{ code: string; expiresAt: Date }> {
  const code = newEnrolmentCode();
  const expiresAt = new Date(now.getTime() + ttlHours * 3_600_000);
  await tx.createEnrolmentCode({
    id: randomUUID(),
    officialId: official.id,
    codeHash: hashEnrolmentCode(code, secret),
    expiresAt,
    createdAt: now,
  });
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
  input: { channel: ChannelName; externalId: string; displayName: string | null; code: string; now: Date; secret: Buffer },
): Promise<RedeemResult> {
  const row = (await tx.enrolmentByHash(hashEnrolmentCode(input.code, input.secret))) ?? (await tx.enrolmentByHash(legacyHash(input.code)));
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
