// Plt./Plh.: when a delegation starts, the absent official's pending steps move to the deputy; when
// it ends (or is ended early), whatever the deputy holds for them goes back.
import type { Candidate, EngineTx } from "../case-ports.ts";
import type { EngineContext } from "./context.ts";
import type { Notices } from "./notices.ts";

export function createDelegations(ctx: EngineContext, notices: Notices) {
  async function applyDelegationsIn(tx: EngineTx, officeId: string): Promise<number> {
    const at = ctx.clock.now();
    let moved = 0;
    for (const d of await tx.delegations(officeId)) {
      const active = !d.endedAt && d.startsAt <= at && d.endsAt > at;
      const started = active && !d.appliedAt;
      // Hand back whatever a delegation holds once it is over, whether or not a tick applied it:
      // steps opened while it ran were given to the deputy directly.
      const finished = !active && !d.revertedAt && (d.endsAt <= at || d.endedAt !== null);
      if (!started && !finished) continue;
      const kind = d.kind === "plt" ? "Plt." : "Plh.";
      for (const task of await tx.openTasks(officeId)) {
        const kase = await tx.caseById(task.caseId);
        if (!kase) continue;
        let changed = false;
        const candidates = task.candidates.map((c): Candidate => {
          if (started && c.officialId === d.absentOfficialId && !c.delegationId) {
            changed = true;
            return {
              officialId: d.deputyOfficialId,
              positionKey: c.positionKey,
              delegationId: d.id,
              onBehalfOfOfficialId: d.absentOfficialId,
            };
          }
          if (finished && c.delegationId === d.id) {
            changed = true;
            return { officialId: d.absentOfficialId, positionKey: c.positionKey };
          }
          return c;
        });
        if (!changed) continue;
        const from = started ? d.absentOfficialId : d.deputyOfficialId;
        const to = started ? d.deputyOfficialId : d.absentOfficialId;
        const takenBy = task.takenByOfficialId === from ? to : task.takenByOfficialId;
        await tx.updateTask(task.id, { candidates, takenByOfficialId: takenBy });
        moved += 1;
        const [fromName, toName] = await Promise.all([tx.official(from), tx.official(to)]);
        const fromChats = new Set((await tx.addressesOf(from)).map((a) => `${a.channel}:${a.chatId}`));
        await notices.closeTaskMessages(tx, task, `➜ Dialihkan kepada ${toName?.name ?? to} (${kind})`, at, fromChats);
        await tx.appendAudit({
          at,
          caseId: task.caseId,
          stepId: task.stepId,
          actorLabel: "sistem",
          action: started ? "step-delegated" : "step-returned-from-delegate",
          note: `${fromName?.name ?? from} → ${toName?.name ?? to} (${kind})`,
          flowHash: kase.flowHash,
        });
        const sop = await tx.pinnedSop(kase.flowHash);
        await notices.sendStepMessage(tx, kase, sop, { ...task, candidates, takenByOfficialId: takenBy }, at, { only: to });
      }
      await tx.updateDelegation(d.id, started ? { appliedAt: at } : { revertedAt: at });
      await tx.appendAudit({
        at,
        actorLabel: "sistem",
        action: started ? "delegation-started" : "delegation-ended",
        note: `${d.kind} ${d.id}`,
      });
    }
    return moved;
  }

  return { applyDelegationsIn };
}
