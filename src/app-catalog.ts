// Loads the rulebook (flows/) for the app and refuses to start on a flow problem or an unknown
// default office, with a message that says what to fix.
import type { Config } from "./config.ts";
import { buildCatalog, formatProblem, type Catalog } from "./domain/catalog.ts";
import { readFlows } from "./store/flow-reader.ts";

export class StartupError extends Error {}

export async function loadCatalog(config: Config): Promise<Catalog> {
  const { catalog, problems } = buildCatalog(await readFlows(config.flowsDir));
  if (problems.length > 0) {
    throw new StartupError(
      `The flow files have ${problems.length} problem(s); fix them and start again (npm run flows:check lists them):\n${problems
        .slice(0, 50)
        .map((p) => `  ${formatProblem(p)}`)
        .join("\n")}`,
    );
  }
  if (!catalog.offices.has(config.defaultOffice)) {
    throw new StartupError(
      `DEFAULT_OFFICE: no office "${config.defaultOffice}" in flows/offices (known: ${[...catalog.offices.keys()].join(", ")}).`,
    );
  }
  return catalog;
}
