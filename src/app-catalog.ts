// Loads the rulebook (flows/) for the app and refuses to start on a flow problem or an unknown
// default office, with a message that says what to fix.
import type { Config } from "./config.ts";
import { buildCatalog, formatProblem, type Catalog } from "./domain/catalog.ts";
import { renderSopChart } from "./domain/sop-chart.ts";
import type { LoadedForm } from "./engine/applicant-service.ts";
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
  const unknown = config.offices.filter((id) => !catalog.offices.has(id));
  if (unknown.length > 0)
    throw new StartupError(
      `OFFICES: no office ${unknown.map((u) => `"${u}"`).join(", ")} in flows/offices (known: ${[...catalog.offices.keys()].join(", ")}).`,
    );
  return catalog;
}

/** The forms with their content hashes (a case pins the form it was filled with). */
export const formsOf = (catalog: Catalog) => (): LoadedForm[] => [...catalog.forms.values()].map((f) => ({ form: f.value, hash: f.hash }));

/** /alur: an SOP drawn as PNG pages, subtitled with the office's name. */
export const sopChartsOf = (catalog: Catalog, renderPng: (svg: string) => Promise<Buffer>) => async (n: number, officeId: string) => {
  const sop = catalog.sops.get(n)?.value;
  if (!sop) return [];
  const pages = renderSopChart(sop, { subtitle: catalog.offices.get(officeId)?.office.name ?? sop.unit.join(" / ") });
  return Promise.all(
    pages.map(async (p, i) => ({
      name: `sop-${String(n).padStart(2, "0")}${pages.length > 1 ? `-${i + 1}` : ""}.png`,
      png: await renderPng(p.svg),
    })),
  );
};
