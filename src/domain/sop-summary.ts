// A human-readable view of an SOP: each step's decision in words, and the total standard time.
import { stepEdges } from "./sop-lint.ts";
import type { Sop, SopStep } from "./sop-schema.ts";
import { formatStandardTime } from "./standard-time.ts";

/** The step's standard time for the engine: office-hours minutes, working days, or null (not a time). */
export function stepStandardTime(step: SopStep): { minutes: number } | { workingDays: number } | null {
  if ("minutes" in step.time) return { minutes: step.time.minutes };
  if ("workingDays" in step.time) return { workingDays: step.time.workingDays };
  return null;
}

/** What happens after the step, in Indonesian: "→ 5", "setuju → 6; kembali → 3", "selesai". */
export function describeFlow(sop: Sop, index: number): string {
  const step = sop.steps[index] as SopStep;
  const edges = stepEdges(sop, index);
  const forward = edges.forward === "end" ? "selesai" : `→ ${edges.forward}`;
  if (step.kind === "task") return forward;
  const parts = [`setuju ${forward}`];
  if (edges.back) parts.push(`kembali → ${edges.back}`);
  if (step.decision?.rejectEnds) parts.push("tolak → selesai");
  return parts.join("; ");
}

export interface TimeTotal {
  minutes: number;
  workingDays: number;
  untimed: number;
}

export function totalStandardTime(sop: Sop): TimeTotal {
  const total: TimeTotal = { minutes: 0, workingDays: 0, untimed: 0 };
  for (const step of sop.steps) {
    const t = stepStandardTime(step);
    if (t === null) total.untimed += 1;
    else if ("minutes" in t) total.minutes += t.minutes;
    else total.workingDays += t.workingDays;
  }
  return total;
}

export function formatTotal(total: TimeTotal): string {
  const parts: string[] = [];
  if (total.minutes > 0) parts.push(`${formatStandardTime({ minutes: total.minutes })} (dalam jam kerja)`);
  if (total.workingDays > 0) parts.push(formatStandardTime({ workingDays: total.workingDays }));
  if (parts.length === 0) parts.push("tidak ada waktu baku");
  if (total.untimed > 0) parts.push(`${total.untimed} langkah tanpa waktu baku`);
  return parts.join(" + ");
}
