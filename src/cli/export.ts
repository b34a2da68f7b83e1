// Exports an office's cases, steps and audit trail for a period, for the archive and for hand-off
// to the national e-office system.
// Usage: npm run export -- --office <id> --period <2026-03|"2026-03-01 2026-03-31"|30> [--format csv|xlsx] [--out <folder>]
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { localDate, type TimeZone } from "../domain/working-time.ts";
import { exportRowsIn, parsePeriod } from "../engine/report-service.ts";
import { createEngineStore } from "../store/engine-store.ts";
import { toCsv, toXlsx } from "../store/exporter.ts";
import { CliError, openCliContext, runCli } from "./cli-context.ts";

runCli(async (env) => {
  const { values } = parseArgs({
    options: {
      office: { type: "string" },
      period: { type: "string", default: "30" },
      format: { type: "string", default: "xlsx" },
      out: { type: "string", default: "." },
    },
  });
  if (!["csv", "xlsx"].includes(values.format ?? "")) throw new CliError("--format must be csv or xlsx");
  const { db, catalog } = await openCliContext(env);
  try {
    const office = values.office ? catalog.offices.get(values.office)?.office : undefined;
    if (!office)
      throw new CliError(
        `Usage: npm run export -- --office <${[...catalog.offices.keys()].join("|")}> --period ` +
          `<2026-03|30|"2026-03-01 2026-03-31"> [--format csv|xlsx] [--out <folder>]`,
      );
    const period = parsePeriod(values.period ?? "30", new Date(), office.timeZone as TimeZone);
    if (!period) throw new CliError('--period: 30 (last days), 2026-03 (a month) or "2026-03-01 2026-03-31"');
    // The rows are read outside the write path (on SQLite a write transaction would hold the bot's
    // presses for the whole read); the audit event is a short transaction of its own.
    const store = createEngineStore(db);
    const rows = await store.read((view) => exportRowsIn(view, office.id, period.from, period.to));
    await store.transaction((tx) =>
      tx.appendAudit({
        at: new Date(),
        actorLabel: "admin (baris perintah)",
        action: "export",
        note: `${period.label}: ${rows.cases.length} kasus`,
      }),
    );
    const out = path.resolve(values.out ?? ".");
    mkdirSync(out, { recursive: true });
    const stem = `ekspor-${office.id}-${localDate(period.from, office.timeZone as TimeZone)}`;
    if (values.format === "csv") {
      for (const [name, table] of [
        ["kasus", rows.cases],
        ["langkah", rows.steps],
        ["audit", rows.audit],
      ] as const) {
        const file = path.join(out, `${stem}-${name}.csv`);
        writeFileSync(file, toCsv(table));
        console.log(`${file}: ${table.length} rows`);
      }
    } else {
      const file = path.join(out, `${stem}.xlsx`);
      writeFileSync(
        file,
        await toXlsx([
          { name: "Kasus", rows: rows.cases },
          { name: "Langkah", rows: rows.steps },
          { name: "Jejak audit", rows: rows.audit },
        ]),
      );
      console.log(`${file}: ${rows.cases.length} cases, ${rows.steps.length} steps, ${rows.audit.length} audit events`);
    }
    return 0;
  } finally {
    await db.close();
  }
});
