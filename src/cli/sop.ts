// Prints one SOP as a table so an official can check the transcription against the decree.
// Usage: npm run sop -- <number> [--office <office id>]
import { parseArgs } from "node:util";
import { describeActor, resolveActor } from "../domain/actor-resolution.ts";
import { buildCatalog, formatProblem } from "../domain/catalog.ts";
import { describeFlow, formatTotal, totalStandardTime } from "../domain/sop-summary.ts";
import type { Sop } from "../domain/sop-schema.ts";
import type { Office } from "../domain/office-schema.ts";
import { readFlows } from "../store/flow-reader.ts";
import { renderTable } from "./text-table.ts";
import { isEntryPoint } from "../entry-point.ts";

const startLabels: Record<Sop["start"]["kind"], string> = {
  applicant: "permohonan dari pemohon",
  "staff-deadline": "tenggat kepegawaian",
  employee: "permintaan pegawai",
  "incoming-letter": "surat masuk",
  calendar: "jadwal berkala",
  manual: "dibuka oleh pejabat",
};

export function renderSop(sop: Sop, office?: Office): string {
  const start = sop.start;
  const startText =
    start.kind === "staff-deadline"
      ? `${startLabels[start.kind]} (${{ kgb: "KGB", pension: "pensiun", promotion: "kenaikan pangkat" }[start.trigger]})`
      : start.kind === "calendar"
        ? `${startLabels[start.kind]} (${start.schedule})`
        : startLabels[start.kind];
  const head = [
    `SOP ${sop.code} — ${sop.title}`,
    `Unit: ${sop.unit.join(" / ")}`,
    `Dimulai oleh: ${startText}`,
    `Pelaksana: ${sop.actors.join(" | ")}`,
    ...(office ? [`Kantor: ${office.name}`] : []),
  ];
  const rows = sop.steps.map((step, i) => {
    const actor = office ? `${step.actor}\n→ ${describeActor(resolveActor(office, step.actor, sop.number))}` : step.actor;
    const time = "none" in step.time ? `${step.time.printed || "—"} (bukan waktu baku)` : step.time.printed;
    return [step.no ?? "–", actor, step.action, time, step.output, describeFlow(sop, i)];
  });
  const table = renderTable(["No", "Pelaksana", "Kegiatan", "Waktu", "Output", "Alur"], rows, [4, office ? 34 : 24, 56, 14, 26, 24]);
  return [...head, "", table, "", `Total waktu baku: ${formatTotal(totalStandardTime(sop))}`].join("\n");
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { office: { type: "string" }, flows: { type: "string", default: "flows" } },
    allowPositionals: true,
  });
  const number = Number(positionals[0]);
  const { catalog, problems } = buildCatalog(await readFlows(values.flows ?? "flows"));
  if (problems.length > 0) {
    console.error(problems.map(formatProblem).join("\n"));
    process.exit(1);
  }
  const sop = catalog.sops.get(number);
  if (!sop) {
    console.error(`Usage: npm run sop -- <number 1..${catalog.sops.size}> [--office ${[...catalog.offices.keys()].join("|")}]`);
    process.exit(2);
  }
  let office: Office | undefined;
  if (values.office) {
    office = catalog.offices.get(values.office)?.office;
    if (!office) {
      console.error(`Unknown office "${values.office}". Known: ${[...catalog.offices.keys()].join(", ")}`);
      process.exit(2);
    }
  }
  console.log(renderSop(sop.value, office));
}

if (isEntryPoint(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
