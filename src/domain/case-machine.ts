// The pure transition function of a case: given the SOP, the case's state and a command, it returns
// the next state and the effects to carry out (open a step, close the case) — it performs none of
// them. The engine runs it inside one transaction and turns the effects into rows.
import { stepEdges } from "./sop-lint.ts";
import type { Sop } from "./sop-schema.ts";

export type CaseStatus = "open" | "completed" | "rejected" | "cancelled";

export interface CaseState {
  status: CaseStatus;
  /** The open step, or null before the start and after the end. */
  stepId: string | null;
  /** Increments every time a step opens; an action carries the visit it was offered for. */
  visit: number;
  /** The open step is paused: it waits for documents the official asked the applicant for. */
  awaiting?: boolean;
}

/**
 * What a person can do at a step. "request" pauses the step until the applicant sends what is
 * missing (offered by the engine on cases an applicant opened); while paused, the step resumes when
 * the request is "supplied" (sent by the applicant, or brought in person) or the official
 * "withdraw"s it.
 */
export type StepAction = "done" | "approve" | "return" | "reject" | "request" | "supplied" | "withdraw";

export type CaseCommand =
  { type: "start" } | { type: "act"; visit: number; action: StepAction; reason?: string } | { type: "cancel"; reason: string };

export type CaseEffect =
  | { type: "step-closed"; stepId: string; visit: number; action: StepAction | "cancel" }
  | {
      type: "step-opened";
      stepId: string;
      visit: number;
      returnedFrom?: { stepId: string; reason: string };
      /** The step waits for the applicant (a request); the reason says what is asked. */
      awaiting?: { reason: string };
      /** The step resumes after a request: how the request ended. */
      resumed?: "supplied" | "withdraw";
    }
  | { type: "case-closed"; status: Exclude<CaseStatus, "open">; reason?: string };

export type CaseRejection = "not-open" | "stale" | "action-not-allowed" | "reason-required" | "already-started";

export type Transition = { ok: true; state: CaseState; effects: CaseEffect[] } | { ok: false; error: CaseRejection };

/** The actions a step's kind allows, in the order they are offered (a request is offered by the engine). */
export function allowedActions(step: { kind: "task" | "review" | "decision"; decision?: { returnTo?: string } }): StepAction[] {
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
  const index = sop.steps.findIndex((s) => s.id === state.stepId);
  const step = sop.steps[index];
  if (!step) return { ok: false, error: "not-open" };
  const closed: CaseEffect = { type: "step-closed", stepId: step.id, visit: state.visit, action: command.action };
  const visit = state.visit + 1;

  if (state.awaiting) {
    // A paused step only resumes: the same step opens again for the official who asked.
    if (command.action !== "supplied" && command.action !== "withdraw") return { ok: false, error: "action-not-allowed" };
    return {
      ok: true,
      state: { status: "open", stepId: step.id, visit },
      effects: [closed, { type: "step-opened", stepId: step.id, visit, resumed: command.action }],
    };
  }
  if (command.action === "supplied" || command.action === "withdraw") return { ok: false, error: "action-not-allowed" };
  if (command.action !== "request" && !allowedActions(step).includes(command.action)) return { ok: false, error: "action-not-allowed" };
  const needsReason = command.action === "return" || command.action === "reject" || command.action === "request";
  if (needsReason && !command.reason?.trim()) return { ok: false, error: "reason-required" };

  if (command.action === "request") {
    const reason = command.reason ?? "";
    return {
      ok: true,
      state: { status: "open", stepId: step.id, visit, awaiting: true },
      effects: [closed, { type: "step-opened", stepId: step.id, visit, awaiting: { reason } }],
    };
  }
  const edges = stepEdges(sop, index);
  if (command.action === "reject") {
    return {
      ok: true,
      state: { status: "rejected", stepId: null, visit: state.visit },
      effects: [closed, { type: "case-closed", status: "rejected", reason: command.reason ?? "" }],
    };
  }
  if (command.action === "return") {
    if (!edges.back) return { ok: false, error: "action-not-allowed" };
    return {
      ok: true,
      state: { status: "open", stepId: edges.back, visit },
      effects: [
        closed,
        { type: "step-opened", stepId: edges.back, visit, returnedFrom: { stepId: step.id, reason: command.reason ?? "" } },
      ],
    };
  }
  if (edges.forward === "end") {
    return {
      ok: true,
      state: { status: "completed", stepId: null, visit: state.visit },
      effects: [closed, { type: "case-closed", status: "completed" }],
    };
  }
  return {
    ok: true,
    state: { status: "open", stepId: edges.forward, visit },
    effects: [closed, { type: "step-opened", stepId: edges.forward, visit }],
  };
}
