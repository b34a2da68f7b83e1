// Imports the personnel register of an office from CSV or XLSX.
// Usage: npm run staff:import -- <file.csv|file.xlsx> --office <id> [--skip-invalid] [--dry-run]
// Every row is checked first; a rejected row is reported with its line and reasons. Without
// --skip-invalid nothing is imported while any row is rejected; the import itself is one
// transaction, so a file is never half-imported. Re-importing updates employees by NIP.
import { parseArgs } from "node:util";
import { mapHeaders, validateStaffRow, staffColumns, type StaffColumn, type StaffRow } from "../domain/staff-import.ts";
import { localDate, type TimeZone } from "../domain/working-time.ts";
import { readRegister } from "../store/staff-file-reader.ts";
import { importStaffRows } from "../store/staff-store.ts";
import { CliError, openCliContext, runCli } from "./cli-context.ts";

function progressBar(done: number, total: number): string {
  const width = 30;
  const filled = Math.round((done / Math.max(total, 1)) * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${Math.round((done / Math.max(total, 1)) * 100)}% ${done}/${total}`;
}

runCli(async (env) => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      office: { type: "string" },
      "skip-invalid": { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
    },
  });
  const file = positionals[0];
  if (!file || !values.office) {
    throw new CliError(
      `Pemakaian: npm run staff:import -- <berkas.csv|berkas.xlsx> --office <id> [--skip-invalid] [--dry-run]\nKolom: ${Object.entries(
        staffColumns,
      )
        .map(([k, names]) => `${names[0]}${["nip", "name", "positionTitle", "positionKind"].includes(k) ? " (wajib)" : ""}`)
        .join(", ")}`,
    );
  }
  const { db, catalog } = await openCliContext(env);
  try {
    const office = catalog.offices.get(values.office)?.office;
    if (!office) throw new CliError(`Kantor "${values.office}" tidak dikenal. Pilihan: ${[...catalog.offices.keys()].join(", ")}`);
    const sheet = await readRegister(file);
    const { map, missing } = mapHeaders(sheet.headers);
    if (missing.length > 0)
      throw new CliError(
        `Kolom wajib tidak ditemukan: ${missing.map((c) => staffColumns[c][0]).join(", ")}. Baris pertama berkas harus berisi nama kolom.`,
      );
    // Today in the office's calendar (before 08:00 in Indonesia, UTC is still on the day before).
    const today = localDate(new Date(), office.timeZone as TimeZone);
    const good: StaffRow[] = [];
    const rejected: string[] = [];
    const seen = new Map<string, number>();
    sheet.rows.forEach((cells, i) => {
      const line = i + 2;
      if (cells.every((c) => String(c).trim() === "")) return;
      const byColumn: Partial<Record<StaffColumn, string | Date>> = {};
      map.forEach((column, index) => {
        const value = cells[index];
        if (value !== undefined) byColumn[column] = value;
      });
      const result = validateStaffRow(byColumn, today);
      if (!result.ok) {
        rejected.push(`Baris ${line}${byColumn.nip ? ` (NIP ${String(byColumn.nip)})` : ""}: ${result.errors.join("; ")}`);
        return;
      }
      const earlier = seen.get(result.row.nip);
      if (earlier) {
        rejected.push(`Baris ${line} (NIP ${result.row.nip}): NIP ini sudah ada di baris ${earlier}`);
        return;
      }
      seen.set(result.row.nip, line);
      good.push(result.row);
    });
    for (const r of rejected) console.error(r);
    console.error(`${good.length} baris sah, ${rejected.length} ditolak (dari ${sheet.rows.length} baris data).`);
    if (rejected.length > 0 && !values["skip-invalid"]) {
      console.error(
        "Tidak ada yang diimpor. Perbaiki baris yang ditolak, atau jalankan lagi dengan --skip-invalid " +
          "untuk mengimpor baris yang sah saja.",
      );
      return 1;
    }
    if (values["dry-run"]) {
      console.log("Uji coba (--dry-run): tidak ada yang disimpan.");
      return 0;
    }
    const interactive = Boolean(process.stderr.isTTY);
    const outcome = await importStaffRows(db, office.id, good, (done, total) => {
      if (interactive) process.stderr.write(`\r${progressBar(done, total)}`);
      else if (done === total || done % 20_000 < 500) process.stderr.write(`${progressBar(done, total)}\n`);
    });
    if (interactive) process.stderr.write("\n");
    console.log(`Selesai: ${outcome.created} pegawai baru, ${outcome.updated} diperbarui (${office.shortName}).`);
    return 0;
  } finally {
    await db.close();
  }
});
