// The pure transition function of a case: given the SOP, the case's state and a command, it returns
// the next state and the effects to carry out (open a step, close the case) — it performs none of
// them. The engine runs it inside one transaction and turns the effects into rows.
import { stepEdges } from "./sop-lint.ts";
import type { Sop, SopStep } from "./sop-schema.ts";

export type CaseStatus = "open" | "completed" | "rejected" | "cancelled";

export interface CaseState {
  status: CaseStatus;
  /** The open step, or null before the start and after the end. */
  stepId: string | null;
  /** Increments every time a step opens; an action carries the visit it was offered for. */
  visit: number;
}

/** What a person can do at a step. "request" sends the case back to an earlier step of the applicant's
 * to complete what is missing (offered by the engine on cases an applicant opened). */
export type StepAction = "done" | "approve" | "return" | "reject" | "request";

export type CaseCommand =
  | { type: "start" }
  | { type: "act"; visit: number; action: StepAction; reason?: string; to?: string }
  | { type: "cancel"; reason: string };

export type CaseEffect =
  | { type: "step-closed"; stepId: string; visit: number; action: StepAction | "cancel" }
  | { type: "step-opened"; stepId: string; visit: number; returnedFrom?: { stepId: string; reason: string } }
  | { type: "case-closed"; status: Exclude<CaseStatus, "open">; reason?: string };

export type CaseRejection = "not-open" | "stale" | "action-not-allowed" | "reason-required" | "already-started";

export type Transition = { ok: true; state: CaseState; effects: CaseEffect[] } | { ok: false; error: CaseRejection };

/** The actions a step's kind allows, in the order they are offered. */
export function allowedActions(step: SopStep): StepAction[] {
  switch (step.kind) {
    case "task":
      return ["done"];
    case "review":
      return ["approve", "return"];
    case "decision":
      return step.decision?.returnTo ? ["approve", "return", "reject"] : ["approve", "reject"];
  }
}

export const initialCaseState: CaseState = { status: "open", stepId: null, visit: 0 };

function indexOf(sop: Sop, stepId: string): number {
  return sop.steps.findIndex((s) => s.id === stepId);
}

/** Decides what a command does to a case. Pure: same inputs, same result. */
export function decide(sop: Sop, state: CaseState, command: CaseCommand): Transition {
  if (state.status !== "open") return { ok: false, error: "not-open" };

  if (command.type === "start") {
    const first = sop.steps[0];
    if (state.stepId !== null || !first) return { ok: false, error: "already-started" };
    const visit = state.visit + 1;
    return { ok: true, state: { status: "open", stepId: first.id, visit }, effects: [{ type: "step-opened", stepId: first.id, visit }] };
  }

  if (command.type === "cancel") {
    if (!command.reason.trim()) return { ok: false, error: "reason-required" };
    const effects: CaseEffect[] = [];
    if (state.stepId) effects.push({ type: "step-closed", stepId: state.stepId, visit: state.visit, action: "cancel" });
    effects.push({ type: "case-closed", status: "cancelled", reason: command.reason });
    return { ok: true, state: { status: "cancelled", stepId: null, visit: state.visit }, effects };
  }

  if (state.stepId === null) return { ok: false, error: "not-open" };
  if (command.visit !== state.visit) return { ok: false, error: "stale" };
  const index = indexOf(sop, state.stepId);
  const step = sop.steps[index];
  if (!step) return { ok: false, error: "not-open" };
  if (command.action === "request") {
    const target = command.to === undefined ? -1 : indexOf(sop, command.to);
    if (target < 0 || target >= index) return { ok: false, error: "action-not-allowed" };
  } else if (!allowedActions(step).includes(command.action)) return { ok: false, error: "action-not-allowed" };
  const needsReason = command.action === "return" || command.action === "reject" || command.action === "request";
  if (needsReason && !command.reason?.trim()) return { ok: false, error: "reason-required" };

  const closed: CaseEffect = { type: "step-closed", stepId: step.id, visit: state.visit, action: command.action };
  const edges = stepEdges(sop, index);

  if (command.action === "reject") {
    return {
      ok: true,
      state: { status: "rejected", stepId: null, visit: state.visit },
      effects: [closed, { type: "case-closed", status: "rejected", reason: command.reason ?? "" }],
    };
  }
  if (command.action === "return" || command.action === "request") {
    const target = command.action === "request" ? command.to : edges.back;
    if (!target) return { ok: false, error: "action-not-allowed" };
    const visit = state.visit + 1;
    return {
      ok: true,
      state: { status: "open", stepId: target, visit },
      effects: [closed, { type: "step-opened", stepId: target, visit, returnedFrom: { stepId: step.id, reason: command.reason ?? "" } }],
    };
  }
  if (edges.forward === "end") {
    return { ok: true, state: { status: "completed", stepId: null, visit: state.visit }, effects: [closed, { type: "case-closed", status: "completed" }] };
  }
  const visit = state.visit + 1;
  return {
    ok: true,
    state: { status: "open", stepId: edges.forward, visit },
    effects: [closed, { type: "step-opened", stepId: edges.forward, visit }],
  };
}
