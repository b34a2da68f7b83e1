// Who a step is offered to: the holders of the position the SOP names in this office (a vacant
// position falls to its nearest held superior, nobody at all to the office's admins), the person a
// returned step came from, the employee or their direct superior, the official who records an outside
// party's part — and, for an absent candidate, their Plt./Plh.
import { resolveActor } from "../../domain/actor-resolution.ts";
import { directSuperior } from "../../domain/direct-superior.ts";
import type { Office } from "../../domain/office-schema.ts";
import type { Sop, SopStep } from "../../domain/sop-schema.ts";
import type { Candidate, CaseRow, DelegationRow, EngineTx, OfficialRow, TaskRow } from "../case-ports.ts";
import type { EngineContext } from "./context.ts";

export function activeDelegationFor(delegations: DelegationRow[], absentOfficialId: string, now: Date): DelegationRow | undefined {
  return delegations.find((d) => d.absentOfficialId === absentOfficialId && !d.endedAt && d.startsAt <= now && d.endsAt > now);
}

export function createAssignment(ctx: EngineContext) {
  /** The actor label for the audit trail: "Maria (Sekretaris)", or "Agustinus (Plt. Sekretaris untuk Maria)". */
  async function actingAs(tx: EngineTx, office: Office, official: OfficialRow, task: TaskRow | null): Promise<string> {
    const candidate = task?.candidates.find((c) => c.officialId === official.id);
    if (candidate?.delegationId) {
      const absent = candidate.onBehalfOfOfficialId ? await tx.official(candidate.onBehalfOfOfficialId) : null;
      const delegation = (await tx.delegations(office.id)).find((d) => d.id === candidate.delegationId);
      const title = ctx.positionTitle(office, candidate.positionKey) ?? "";
      return `${delegation?.kind === "plt" ? "Plt." : "Plh."} ${title}${absent ? ` untuk ${absent.name}` : ""}`.trim();
    }
    const title = ctx.positionTitle(office, candidate?.positionKey ?? null);
    if (title) return title;
    const keys = await tx.positionsOf(official.id, ctx.clock.now());
    return keys.map((k) => ctx.positionTitle(office, k) ?? k).join(", ") || (official.isAdmin ? "admin" : "pejabat");
  }

  /** Superior position holders, walking up past vacant positions. */
  async function superiorHolders(
    tx: EngineTx,
    office: Office,
    positionKey: string,
    now: Date,
  ): Promise<{ key: string; holders: OfficialRow[] } | null> {
    let current = office.positions.find((p) => p.id === positionKey)?.superior ?? null;
    while (current) {
      const holders = await tx.holders(office.id, current, now);
      if (holders.length > 0) return { key: current, holders };
      current = office.positions.find((p) => p.id === current)?.superior ?? null;
    }
    return null;
  }

  /** Holders of a position; a vacant position falls to its nearest held superior. */
  async function positionCandidates(
    tx: EngineTx,
    office: Office,
    key: string,
    now: Date,
  ): Promise<{ candidates: Candidate[]; vacancy?: string }> {
    const holders = await tx.holders(office.id, key, now);
    if (holders.length > 0) return { candidates: holders.map((h) => ({ officialId: h.id, positionKey: key })) };
    const up = await superiorHolders(tx, office, key, now);
    if (!up) return { candidates: [] };
    return {
      candidates: up.holders.map((h) => ({ officialId: h.id, positionKey: up.key })),
      vacancy: ctx.positionTitle(office, key) ?? key,
    };
  }

  /** The nearest step (before, then after) whose actor is a position: who records an outside party's part. */
  function recorderStep(office: Office, sop: Sop, step: SopStep): string | null {
    const index = sop.steps.indexOf(step);
    const order = [...sop.steps.slice(0, index).reverse(), ...sop.steps.slice(index + 1)];
    for (const s of order) {
      const r = resolveActor(office, s.actor, sop.number);
      if (r.kind === "position") return r.position.id;
    }
    return null;
  }

  /** Applies Plt./Plh. and removes repeated people. */
  async function finish(tx: EngineTx, office: Office, candidates: Candidate[], now: Date): Promise<Candidate[]> {
    const delegations = await tx.delegations(office.id);
    const seen = new Set<string>();
    return candidates
      .map((c) => {
        const d = activeDelegationFor(delegations, c.officialId, now);
        return d
          ? { officialId: d.deputyOfficialId, positionKey: c.positionKey, delegationId: d.id, onBehalfOfOfficialId: c.officialId }
          : c;
      })
      .filter((c) => (seen.has(c.officialId) ? false : (seen.add(c.officialId), true)));
  }

  async function resolveCandidates(
    tx: EngineTx,
    office: Office,
    sop: Sop,
    step: SopStep,
    kase: CaseRow,
    now: Date,
    previousDoer: string | null,
  ): Promise<{ candidates: Candidate[]; waitingFor: string | null; vacancy?: string }> {
    const resolved = resolveActor(office, step.actor, sop.number);
    let result: { candidates: Candidate[]; waitingFor: string | null; vacancy?: string };
    if (resolved.kind === "position") {
      const key = (kase.data["choices"] as Record<string, string> | undefined)?.[step.actor] ?? resolved.position.id;
      const { candidates, vacancy } = await positionCandidates(tx, office, key, now);
      result = { candidates, waitingFor: null, ...(vacancy ? { vacancy } : {}) };
    } else if (resolved.kind === "party" && resolved.party === "employee") {
      const employee = kase.subjectOfficialId ?? kase.openedByOfficialId;
      const keys = employee ? await tx.positionsOf(employee, now) : [];
      result = { candidates: employee ? [{ officialId: employee, positionKey: keys[0] ?? null }] : [], waitingFor: "employee" };
    } else if (resolved.kind === "party" && resolved.party === "employee-superior") {
      // The office's own rule on coordinators picks the direct superior; a vacant one falls upwards.
      const employee = kase.subjectOfficialId ?? kase.openedByOfficialId;
      const keys = employee ? await tx.positionsOf(employee, now) : [];
      const direct = keys[0] ? directSuperior(office, keys[0]) : null;
      const { candidates } = direct ? await positionCandidates(tx, office, direct, now) : { candidates: [] };
      result = { candidates, waitingFor: null };
    } else {
      // Applicant or an outside body: the office names who records it, else the official of the nearest internal step.
      const key = (resolved.kind === "party" ? resolved.recordedBy : undefined) ?? recorderStep(office, sop, step);
      const { candidates } = key ? await positionCandidates(tx, office, key, now) : { candidates: [] };
      result = { candidates, waitingFor: resolved.kind === "party" ? resolved.party : "external" };
    }
    // A returned step goes back to the person who did it, if they still may.
    if (previousDoer && result.candidates.some((c) => c.officialId === previousDoer)) {
      result.candidates = result.candidates.filter((c) => c.officialId === previousDoer);
    }
    if (result.candidates.length === 0) {
      // Nobody holds the position or any superior: the office's admins see it.
      const admins = (await tx.officialsOfOffice(office.id)).filter((o) => o.isAdmin);
      result.candidates = admins.map((a) => ({ officialId: a.id, positionKey: null }));
    }
    result.candidates = await finish(tx, office, result.candidates, now);
    return result;
  }

  /** Who acts on a task now: the one who took it, or every candidate. */
  function assignees(task: TaskRow): string[] {
    return task.takenByOfficialId ? [task.takenByOfficialId] : task.candidates.map((c) => c.officialId);
  }

  function mayAct(task: TaskRow, officialId: string): boolean {
    if (task.takenByOfficialId) return task.takenByOfficialId === officialId;
    return task.candidates.some((c) => c.officialId === officialId);
  }

  return { actingAs, superiorHolders, positionCandidates, resolveCandidates, assignees, mayAct };
}

export type Assignment = ReturnType<typeof createAssignment>;
