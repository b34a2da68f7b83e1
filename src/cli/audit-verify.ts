// Checks the audit trail's hash chain and reports any edited, removed or reordered event.
// Usage: npm run audit:verify     Exit code 1 when the chain is broken.
import { verifyAuditChain } from "../store/audit-chain.ts";
import { openCliContext, runCli } from "./cli-context.ts";

runCli(async (env) => {
  const { db } = await openCliContext(env);
  try {
    const { events, problems } = await verifyAuditChain(db);
    if (problems.length === 0) {
      console.log(`Audit trail intact: ${events} events, chain verified.`);
      return 0;
    }
    for (const p of problems) console.error(p.message);
    console.error(`Audit trail BROKEN: ${problems.length} problem(s) in ${events} events.`);
    return 1;
  } finally {
    await db.close();
  }
});
