// Checks the audit trail's hash chains and seals, and reports any edited, removed, reordered or
// inserted event and any removed case.
// Usage: npm run audit:verify     Exit code 1 when the chain is broken.
import { verifyAuditChain } from "../store/audit-verify.ts";
import { openCliContext, runCli } from "./cli-context.ts";

runCli(async (env) => {
  const { db } = await openCliContext(env);
  try {
    const { events, chains, seals, problems } = await verifyAuditChain(db);
    if (problems.length === 0) {
      const n = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
      console.log(`Audit trail intact: ${n(events, "event")} in ${n(chains, "chain")}, ${n(seals, "seal")} verified.`);
      return 0;
    }
    for (const p of problems) console.error(p.message);
    console.error(`Audit trail BROKEN: ${problems.length} problem(s) in ${events} events.`);
    return 1;
  } finally {
    await db.close();
  }
});
