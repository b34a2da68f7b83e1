import { describe, expect, it } from "vitest";
import { allowedActions, decide, initialCaseState, type CaseState } from "../../src/domain/case-machine.ts";
import type { Sop } from "../../src/domain/sop-schema.ts";

const step = (id: string, kind: "task" | "review" | "decision", decision?: Sop["steps"][number]["decision"]) => ({
  id,
  no: id,
  actor: "A",
  kind,
  action: `langkah ${id}`,
  inputs: "",
  time: { printed: "10 menit", minutes: 10 },
  output: "",
  ...(decision ? { decision } : {}),
});

const sop = {
  number: 99,
  steps: [
    step("1", "task"),
    step("2", "task"),
    step("3", "review", { returnTo: "2" }),
    step("4", "decision", { rejectEnds: true }),
    step("5", "task"),
  ],
} as unknown as Sop;

const at = (stepId: string, visit: number): CaseState => ({ status: "open", stepId, visit });

describe("decide", () => {
  it.each([
    ["start opens the first step", initialCaseState, { type: "start" }, at("1", 1), [{ type: "step-opened", stepId: "1", visit: 1 }]],
    [
      "done moves to the next row",
      at("1", 1),
      { type: "act", visit: 1, action: "done" },
      at("2", 2),
      [
        { type: "step-closed", stepId: "1", visit: 1, action: "done" },
        { type: "step-opened", stepId: "2", visit: 2 },
      ],
    ],
    [
      "approve moves on",
      at("3", 3),
      { type: "act", visit: 3, action: "approve" },
      at("4", 4),
      [
        { type: "step-closed", stepId: "3", visit: 3, action: "approve" },
        { type: "step-opened", stepId: "4", visit: 4 },
      ],
    ],
    [
      "return goes back with the reason",
      at("3", 3),
      { type: "act", visit: 3, action: "return", reason: "lampiran kurang" },
      at("2", 4),
      [
        { type: "step-closed", stepId: "3", visit: 3, action: "return" },
        { type: "step-opened", stepId: "2", visit: 4, returnedFrom: { stepId: "3", reason: "lampiran kurang" } },
      ],
    ],
    [
      "reject ends the case",
      at("4", 4),
      { type: "act", visit: 4, action: "reject", reason: "dikecualikan" },
      { status: "rejected", stepId: null, visit: 4 },
      [
        { type: "step-closed", stepId: "4", visit: 4, action: "reject" },
        { type: "case-closed", status: "rejected", reason: "dikecualikan" },
      ],
    ],
    [
      "the last step completes the case",
      at("5", 5),
      { type: "act", visit: 5, action: "done" },
      { status: "completed", stepId: null, visit: 5 },
      [
        { type: "step-closed", stepId: "5", visit: 5, action: "done" },
        { type: "case-closed", status: "completed" },
      ],
    ],
    [
      "request pauses the step for the applicant",
      at("2", 2),
      { type: "act", visit: 2, action: "request", reason: "KTP buram" },
      { status: "open", stepId: "2", visit: 3, awaiting: true },
      [
        { type: "step-closed", stepId: "2", visit: 2, action: "request" },
        { type: "step-opened", stepId: "2", visit: 3, awaiting: { reason: "KTP buram" } },
      ],
    ],
    [
      "what the applicant sends resumes the same step",
      { ...at("2", 3), awaiting: true },
      { type: "act", visit: 3, action: "supplied" },
      at("2", 4),
      [
        { type: "step-closed", stepId: "2", visit: 3, action: "supplied" },
        { type: "step-opened", stepId: "2", visit: 4, resumed: "supplied" },
      ],
    ],
    [
      "a withdrawn request resumes the same step",
      { ...at("3", 5), awaiting: true },
      { type: "act", visit: 5, action: "withdraw" },
      at("3", 6),
      [
        { type: "step-closed", stepId: "3", visit: 5, action: "withdraw" },
        { type: "step-opened", stepId: "3", visit: 6, resumed: "withdraw" },
      ],
    ],
    [
      "cancel closes the open step and the case",
      at("2", 2),
      { type: "cancel", reason: "salah buka" },
      { status: "cancelled", stepId: null, visit: 2 },
      [
        { type: "step-closed", stepId: "2", visit: 2, action: "cancel" },
        { type: "case-closed", status: "cancelled", reason: "salah buka" },
      ],
    ],
  ] as const)("%s", (_name, state, command, next, effects) => {
    expect(decide(sop, state, command)).toEqual({ ok: true, state: next, effects });
  });

  it.each([
    ["a stale visit", at("3", 3), { type: "act", visit: 2, action: "approve" }, "stale"],
    ["an action the step does not offer", at("1", 1), { type: "act", visit: 1, action: "approve" }, "action-not-allowed"],
    ["a return without a reason", at("3", 3), { type: "act", visit: 3, action: "return", reason: "  " }, "reason-required"],
    ["any action on a closed case", { status: "completed", stepId: null, visit: 5 }, { type: "act", visit: 5, action: "done" }, "not-open"],
    ["starting twice", at("1", 1), { type: "start" }, "already-started"],
    ["a cancel without a reason", at("1", 1), { type: "cancel", reason: "" }, "reason-required"],
    ["a request without a reason", at("2", 2), { type: "act", visit: 2, action: "request", reason: " " }, "reason-required"],
    ["a decision on a paused step", { ...at("2", 3), awaiting: true }, { type: "act", visit: 3, action: "done" }, "action-not-allowed"],
    ["resuming a step that is not paused", at("2", 2), { type: "act", visit: 2, action: "supplied" }, "action-not-allowed"],
  ] as const)("refuses %s", (_name, state, command, error) => {
    expect(decide(sop, state as CaseState, command)).toEqual({ ok: false, error });
  });

  it("offers the actions each kind allows", () => {
    expect(sop.steps.map((s) => allowedActions(s))).toEqual([["done"], ["done"], ["approve", "return"], ["approve", "reject"], ["done"]]);
  });
});
