// What audit:verify and db:restore print about the audit trail, and the PostgreSQL URL they show.
import type { Config } from "../config.ts";
import { verifyAuditChain } from "../store/audit-verify.ts";
import type { Database } from "../store/database.ts";
import { sealSecretsOf, serverKeyRing } from "../store/server-key.ts";

/** Verifies the trail (with the bot's key, the seals' MACs too; `digests`, codes from the daily digest); returns the exit code. */
export async function reportAuditTrail(db: Database, config: Config, digests: { sealId: number; code: string }[] = []): Promise<number> {
  let sealSecrets: Map<string, Buffer> | undefined;
  try {
    sealSecrets = sealSecretsOf(serverKeyRing(config, { create: false }));
  } catch {
    console.warn("No FILE_ENCRYPTION_KEY: the seals' MACs are not checked (run with the bot's key to check them).");
  }
  const outcome = await verifyAuditChain(db, { ...(sealSecrets ? { sealSecrets } : {}), digests });
  const { events, chains, seals, keyedSeals, unkeyedSeals, problems } = outcome;
  if (problems.length === 0) {
    const n = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
    console.log(`Audit trail intact: ${n(events, "event")} in ${n(chains, "chain")}, ${n(seals, "seal")} verified.`);
    if (sealSecrets) console.log(`Keyed seals checked: ${keyedSeals}; seals from before seals were keyed: ${unkeyedSeals}.`);
    if (digests.length > 0) console.log(`Digest codes matching their seals: ${digests.length}.`);
    return 0;
  }
  for (const p of problems) console.error(p.message);
  console.error(`Audit trail BROKEN: ${problems.length} problem(s) in ${events} events.`);
  return 1;
}

/** The URL without its password (pg_dump and pg_restore take it from PGPASSWORD or ~/.pgpass). */
export function pgUrlWithoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = "";
    return parsed.toString();
  } catch {
    return "postgres://user@host:5432/database";
  }
}
