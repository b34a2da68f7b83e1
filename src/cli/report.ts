// SLA compliance report of an office for a period: the table on standard output, the chart as PNG.
// Usage: npm run report -- --office <id> [--period 30|2026-03|"2026-03-01 2026-03-31"] [--out laporan.png]
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { reportChart, reportText } from "../domain/sla-report.ts";
import type { TimeZone } from "../domain/working-time.ts";
import { buildSlaReportIn, parsePeriod } from "../engine/report-service.ts";
import { createEngineStore } from "../store/engine-store.ts";
import { createPngRenderer } from "../store/png-renderer.ts";
import { workCalendarsOf } from "../store/work-calendar.ts";
import { CliError, openCliContext, runCli } from "./cli-context.ts";

runCli(async (env) => {
  const { values } = parseArgs({
    options: { office: { type: "string" }, period: { type: "string", default: "" }, out: { type: "string" } },
  });
  const { db, catalog } = await openCliContext(env);
  try {
    const office = values.office ? catalog.offices.get(values.office)?.office : undefined;
    if (!office)
      throw new CliError(
        `Usage: npm run report -- --office <${[...catalog.offices.keys()].join("|")}> [--period ` +
          `30|2026-03|"2026-03-01 2026-03-31"] [--out laporan.png]`,
      );
    const period = parsePeriod(values.period ?? "", new Date(), office.timeZone as TimeZone);
    if (!period) throw new CliError('--period: 30 (last days), 2026-03 (a month) or "2026-03-01 2026-03-31"');
    const calendar = workCalendarsOf(catalog)(office.id);
    // A read, outside the write path: on SQLite a write transaction would hold the bot's presses.
    const report = await createEngineStore(db).read((view) =>
      buildSlaReportIn(view, office.id, period.from, period.to, new Date(), calendar),
    );
    console.log(reportText(report, office.shortName, period.label));
    if (values.out) {
      const renderer = createPngRenderer();
      try {
        writeFileSync(values.out, await renderer.render(reportChart(report, office.shortName, period.label).svg));
      } finally {
        await renderer.close();
      }
      console.log(`\nChart: ${values.out}`);
    }
    return 0;
  } finally {
    await db.close();
  }
});
