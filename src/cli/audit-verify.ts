// Checks the audit trail's hash chains and seals, and reports any edited, removed, reordered or
// inserted event and any removed case. With the server key (FILE_ENCRYPTION_KEY, as the bot runs)
// it also checks each seal's MAC, which a database writer cannot recompute; codes from the daily
// seal digest (--seal <id>:<code>, as many as held) are checked against their seals.
// Usage: npm run audit:verify [-- --seal 41:1a2b3c4d5e6f7a8b]     Exit code 1 when the trail is broken.
import { parseArgs } from "node:util";
import { verifyAuditChain } from "../store/audit-verify.ts";
import { sealSecretsOf, serverKeyRing } from "../store/server-key.ts";
import { CliError, openCliContext, runCli } from "./cli-context.ts";

function digestsOf(values: string[]): { sealId: number; code: string }[] {
  return values.map((v) => {
    const m = /^(\d+):([0-9a-fA-F ]{8,})$/.exec(v.trim());
    if (!m) throw new CliError(`--seal ${v}: expected <seal number>:<code>, as the daily digest shows it, e.g. --seal 41:1a2b3c4d5e6f7a8b`);
    return { sealId: Number(m[1]), code: m[2] ?? "" };
  });
}

runCli(async (env) => {
  const { values } = parseArgs({ options: { seal: { type: "string", multiple: true } }, allowPositionals: false });
  const digests = digestsOf(values.seal ?? []);
  const { config, db } = await openCliContext(env);
  try {
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
  } finally {
    await db.close();
  }
});
