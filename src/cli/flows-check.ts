// Validates every file in flows/ and prints each problem as file + path + what is wrong.
// Usage: npm run flows:check [-- <flows dir>]   Exit code 1 when there is any problem.
import path from "node:path";
import { buildCatalog, formatProblem } from "../domain/catalog.ts";
import { readFlows } from "../store/flow-reader.ts";

async function main(): Promise<void> {
  const dir = path.resolve(process.argv[2] ?? "flows");
  const raw = await readFlows(dir);
  const { catalog, problems } = buildCatalog(raw);
  for (const p of problems) console.error(formatProblem(p));
  const steps = [...catalog.sops.values()].reduce((n, s) => n + s.value.steps.length, 0);
  const summary =
    `${catalog.sops.size} SOPs (${steps} steps), ${catalog.offices.size} offices, ` +
    `${catalog.calendars.size} calendar years, ${catalog.forms.size} forms`;
  if (problems.length > 0) {
    console.error(`\n${problems.length} problem(s) in ${dir}; valid so far: ${summary}.`);
    process.exit(1);
  }
  console.log(`flows OK: ${summary}.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
