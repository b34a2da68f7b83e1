// The real flows/ catalog, loaded once per test file.
import path from "node:path";
import { buildCatalog, type Catalog, type RawFlows } from "../../src/domain/catalog.ts";
import type { WorkCalendar } from "../../src/domain/working-time.ts";
import { readFlows } from "../../src/store/flow-reader.ts";
import { workCalendarsOf } from "../../src/store/work-calendar.ts";
import { repoRoot } from "./run-bot.ts";

let cached: Promise<{ raw: RawFlows; catalog: Catalog; problems: ReturnType<typeof buildCatalog>["problems"] }> | undefined;

export function realCatalog() {
  cached ??= readFlows(path.join(repoRoot, "flows")).then((raw) => ({ raw, ...buildCatalog(raw) }));
  return cached;
}

/** The working calendar of an office of the real catalog. */
export async function workCalendarOf(officeId: string): Promise<WorkCalendar> {
  return workCalendarsOf((await realCatalog()).catalog)(officeId);
}
