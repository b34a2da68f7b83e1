// The lint of one SOP file: what the schema cannot check. Every problem names the path in the file.
import { parseStandardTime } from "./standard-time.ts";
import type { Sop, SopStep } from "./sop-schema.ts";

export interface LintProblem {
  path: string;
  message: string;
}

/** The edges a step can take: where "done/approve" leads, where "return" leads, and whether it can end the case. */
export function stepEdges(sop: Sop, index: number): { forward: string | "end"; back?: string; canEnd: boolean } {
  const step = sop.steps[index] as SopStep;
  const following = sop.steps[index + 1]?.id ?? "end";
  const forward = step.decision?.approveTo ?? step.next ?? following;
  return {
    forward,
    ...(step.decision?.returnTo ? { back: step.decision.returnTo } : {}),
    canEnd: forward === "end" || step.decision?.rejectEnds === true,
  };
}

export function lintSop(sop: Sop, file: string): LintProblem[] {
  const problems: LintProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });

  const expectedFile = `sop/sop-${String(sop.number).padStart(2, "0")}.yaml`;
  if (file !== expectedFile) add("number", `SOP ${sop.number} must be in flows/${expectedFile}`);

  const actors = new Set<string>();
  sop.actors.forEach((a, i) => {
    if (actors.has(a)) add(`actors[${i}]`, `column "${a}" is listed twice`);
    actors.add(a);
  });

  const index = new Map<string, number>();
  sop.steps.forEach((step, i) => {
    if (index.has(step.id)) add(`steps[${i}].id`, `step id "${step.id}" is used twice`);
    else index.set(step.id, i);
  });

  let previousNumber: number | null = null;
  let afterUnnumbered = false;
  const seenNumbers = new Set<string>();
  sop.steps.forEach((step, i) => {
    const at = `steps[${i}]`;
    if (!actors.has(step.actor)) add(`${at}.actor`, `"${step.actor}" is not one of this SOP's columns (${sop.actors.join(", ")})`);

    // Numbering as printed: a skip, a repeat or a missing number must be explained.
    if (step.no === null) {
      if (!step.numberNote) add(`${at}.numberNote`, "an unnumbered row needs a numberNote saying what the document shows");
      afterUnnumbered = true;
    } else {
      const n = Number(step.no);
      const repeated = seenNumbers.has(step.no);
      // An unnumbered row may stand in for the missing number before this one (SOP 07: 3, –, 5).
      const skipped =
        Number.isInteger(n) && previousNumber !== null && n !== previousNumber + 1 && !(afterUnnumbered && n === previousNumber + 2);
      const firstNotOne = previousNumber === null && n !== 1 && i === 0;
      if ((repeated || skipped || firstNotOne) && !step.numberNote)
        add(
          `${at}.numberNote`,
          `number ${step.no} ${repeated ? "repeats" : "does not follow"} the previous one; say what the document shows`,
        );
      seenNumbers.add(step.no);
      if (Number.isInteger(n)) previousNumber = n;
      afterUnnumbered = false;
    }

    // Time: the printed text and the numbers must agree, or the time is declared unusable with a reason.
    const parsed = parseStandardTime(step.time.printed);
    if ("minutes" in step.time) {
      if (parsed.kind !== "minutes" || parsed.value !== step.time.minutes)
        add(`${at}.time`, `printed "${step.time.printed}" does not read as ${step.time.minutes} office-hours minutes`);
    } else if ("workingDays" in step.time) {
      if (parsed.kind !== "workingDays" || parsed.value !== step.time.workingDays)
        add(`${at}.time`, `printed "${step.time.printed}" does not read as ${step.time.workingDays} working days`);
    }

    // Decisions.
    const d = step.decision;
    if (step.kind === "task" && d) add(`${at}.decision`, "a task step has no decision; make it a review or a decision step");
    if (step.kind === "review" && !d?.returnTo) add(`${at}.decision.returnTo`, "a review step needs the step a return goes back to");
    if (step.kind === "decision" && !d?.rejectEnds && !d?.returnTo)
      add(`${at}.decision`, "a decision step needs rejectEnds: true or a returnTo");
    if (d?.returnTo !== undefined) {
      const target = index.get(d.returnTo);
      if (target === undefined) add(`${at}.decision.returnTo`, `no step "${d.returnTo}"`);
      else if (target >= i) add(`${at}.decision.returnTo`, `"${d.returnTo}" is not an earlier step`);
    }
    for (const [key, target] of [
      ["decision.approveTo", d?.approveTo],
      ["next", step.next],
    ] as const) {
      if (target !== undefined && target !== "end" && !index.has(target)) add(`${at}.${key}`, `no step "${target}"`);
      if (target !== undefined && target !== "end" && (index.get(target) ?? 0) <= i && key === "next")
        add(`${at}.next`, `"${target}" is not a later step (use a review's returnTo to go back)`);
    }
  });

  // Every step reachable from the first; an end reachable.
  const reached = new Set<number>();
  let endReachable = false;
  const queue = [0];
  while (queue.length > 0) {
    const i = queue.shift() as number;
    if (reached.has(i) || i >= sop.steps.length) continue;
    reached.add(i);
    const edges = stepEdges(sop, i);
    if (edges.canEnd) endReachable = true;
    for (const target of [edges.forward, edges.back]) {
      if (target === undefined || target === "end") continue;
      const j = index.get(target);
      if (j !== undefined) queue.push(j);
    }
  }
  sop.steps.forEach((step, i) => {
    if (!reached.has(i)) add(`steps[${i}]`, `step "${step.id}" cannot be reached from the first step`);
  });
  if (!endReachable) add("steps", "no step leads to the end of the SOP");

  if (sop.steps[0] && sop.steps[0].kind !== "task" && sop.steps[0].decision?.returnTo)
    add("steps[0]", "the first step cannot return anywhere");
  return problems;
}
