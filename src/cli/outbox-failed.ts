// Lists notifications that could not be delivered (permanent failures), newest first, without
// their text (it may hold personal data): which chat, when, how often tried, and why it failed.
// Usage: npm run outbox:failed [-- --retry]   --retry puts them back in the queue.
import { parseArgs } from "node:util";
import { createOutboxStore } from "../store/outbox-store.ts";
import { openCliContext, runCli } from "./cli-context.ts";

runCli(async (env) => {
  const { values } = parseArgs({ options: { retry: { type: "boolean", default: false } } });
  const { db } = await openCliContext(env);
  try {
    const failed = await createOutboxStore(db).failed(200);
    if (failed.length === 0) {
      console.log("No failed notifications.");
      return 0;
    }
    for (const row of failed) {
      console.log(
        `#${row.id}  ${row.createdAt.toISOString()}  ${row.channel}  attempts=${row.attempts}  ` +
          `case=${row.caseId ?? "-"}  error=${row.lastError ?? "?"}`,
      );
    }
    if (values.retry) {
      const ids = failed.map((r) => r.id);
      await db.write((tx) =>
        tx.outboxMessage.updateMany({ where: { id: { in: ids } }, data: { status: "pending", attempts: 0, nextAttemptAt: new Date() } }),
      );
      console.log(`${ids.length} notification(s) queued again; the running bot sends them within a minute.`);
    } else {
      console.log(`${failed.length} failed notification(s). Fix the cause, then: npm run outbox:failed -- --retry`);
    }
    return 0;
  } finally {
    await db.close();
  }
});
