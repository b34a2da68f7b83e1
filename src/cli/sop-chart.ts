// Draws an SOP as a swimlane flowchart PNG (one file per page).
// Usage: npm run sop:chart -- <number> [--office <id>] [--out <folder>]
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildCatalog, formatProblem } from "../domain/catalog.ts";
import { renderSopChart } from "../domain/sop-chart.ts";
import { readFlows } from "../store/flow-reader.ts";
import { createPngRenderer } from "../store/png-renderer.ts";

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { office: { type: "string" }, out: { type: "string", default: "." }, flows: { type: "string", default: "flows" } },
  });
  const number = Number(positionals[0]);
  const { catalog, problems } = buildCatalog(await readFlows(values.flows ?? "flows"));
  if (problems.length > 0) throw new Error(problems.map(formatProblem).join("\n"));
  const sop = catalog.sops.get(number)?.value;
  if (!sop) throw new Error(`Usage: npm run sop:chart -- <number 1..${catalog.sops.size}> [--office <id>] [--out <folder>]`);
  const office = values.office ? catalog.offices.get(values.office)?.office : undefined;
  if (values.office && !office) throw new Error(`Unknown office "${values.office}". Known: ${[...catalog.offices.keys()].join(", ")}`);
  const pages = renderSopChart(sop, office ? { subtitle: office.name } : {});
  const out = path.resolve(values.out ?? ".");
  mkdirSync(out, { recursive: true });
  const renderer = createPngRenderer();
  try {
    for (const [i, page] of pages.entries()) {
      const file = path.join(out, `sop-${String(number).padStart(2, "0")}${pages.length > 1 ? `-${i + 1}` : ""}.png`);
      writeFileSync(file, await renderer.render(page.svg));
      console.log(`${file} (${page.width}×${page.height}, steps ${page.steps.join(", ")})`);
    }
  } finally {
    await renderer.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
