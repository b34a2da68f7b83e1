// Checks the audit trail's hash chains and seals, and reports any edited, removed, reordered or
// inserted event and any removed case. With the server key (FILE_ENCRYPTION_KEY, as the bot runs)
// it also checks each seal's MAC, which a database writer cannot recompute; codes from the daily
// seal digest (--seal <id>:<code>, as many as held) are checked against their seals.
// Usage: npm run audit:verify [-- --seal 41:1a2b3c4d5e6f7a8b]     Exit code 1 when the trail is broken.
import { parseArgs } from "node:util";
import { reportAuditTrail } from "./audit-report.ts";
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
    return await reportAuditTrail(db, config, digests);
  } finally {
    await db.close();
  }
});
