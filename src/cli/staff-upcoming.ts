// Lists the coming personnel deadlines of an office, per employee, soonest first.
// Usage: npm run staff:upcoming -- --office <id> [--months 12]
import { parseArgs } from "node:util";
import { createCaseEngine } from "../engine/case-engine.ts";
import { createStaffService, kindLabels } from "../engine/staff-service.ts";
import { formatDateId } from "../domain/field-types.ts";
import { systemClock } from "../engine/ports.ts";
import { createEngineStore } from "../store/engine-store.ts";
import { workCalendarsOf } from "../store/work-calendar.ts";
import { CliError, openCliContext, runCli } from "./cli-context.ts";
import { renderTable } from "./text-table.ts";

const actionWords: Record<string, string> = { open: "buka kasus", overdue: "tenggat akhir" };

runCli(async (env) => {
  const { values } = parseArgs({ options: { office: { type: "string" }, months: { type: "string", default: "12" } } });
  const months = Number(values.months);
  if (!values.office || !Number.isInteger(months) || months < 1 || months > 60)
    throw new CliError("Pemakaian: npm run staff:upcoming -- --office <id> [--months 1..60]");
  const { db, catalog } = await openCliContext(env);
  try {
    const office = catalog.offices.get(values.office)?.office;
    if (!office) throw new CliError(`Kantor "${values.office}" tidak dikenal. Pilihan: ${[...catalog.offices.keys()].join(", ")}`);
    const store = createEngineStore(db);
    const calendar = workCalendarsOf(catalog);
    const engine = createCaseEngine({
      store,
      clock: systemClock,
      office: (id) => catalog.offices.get(id)?.office,
      sop: () => undefined,
      calendar,
    });
    const staff = createStaffService({
      store,
      engine,
      clock: systemClock,
      office: (id) => catalog.offices.get(id)?.office,
      calendar,
      sopActors: (n) => catalog.sops.get(n)?.value.actors ?? [],
    });
    const rows = await staff.upcoming(office.id, months);
    if (rows.length === 0) {
      console.log(`Tidak ada tenggat dalam ${months} bulan ke depan (${office.shortName}).`);
      return 0;
    }
    console.log(`Tenggat kepegawaian ${office.shortName}, ${months} bulan ke depan:\n`);
    console.log(
      renderTable(
        ["TMT", "Jenis", "Pegawai", "NIP", "Langkah berikutnya"],
        rows.map((r) => [
          formatDateId(r.deadline.tmt),
          kindLabels[r.deadline.kind],
          r.employee.name,
          r.employee.nip,
          r.nextAction
            ? `${actionWords[r.nextAction.key] ?? reminderWords(r.nextAction.key)} ${formatDateId(r.nextAction.date)}`
            : "sudah lewat",
        ]),
        [18, 16, 28, 18, 36],
      ),
    );
    return 0;
  } finally {
    await db.close();
  }
});

/** "remind-3" → "pengingat 3 bln"; any other key as it is. */
function reminderWords(key: string): string {
  return key.startsWith("remind-") ? `${key.replace("remind-", "pengingat ")} bln` : key;
}
