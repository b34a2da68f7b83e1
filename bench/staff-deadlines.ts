// Benchmark: the staff-deadline computation over 100,000 generated employees.
// Prints the time and memory of (1) the pure computation, (2) importing the register into SQLite
// (one transaction), (3) reading the register back and computing the year ahead, as the daily run does:
// deadlines that fall on a weekend or a holiday move to the working day before, on the NTT office's
// calendar from flows/.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { defaultStaffSettings, staffDeadlines, type EmployeeRecord } from "../src/domain/staff-rules.ts";
import { validateStaffRow, type StaffRow } from "../src/domain/staff-import.ts";
import { openDatabase } from "../src/store/database.ts";
import { importStaffRows } from "../src/store/staff-store.ts";
import { isEntryPoint } from "../src/entry-point.ts";
import { buildCatalog } from "../src/domain/catalog.ts";
import { isWorkingDay, previousWorkingDay } from "../src/domain/working-time.ts";
import { readFlows } from "../src/store/flow-reader.ts";
import { workCalendarsOf } from "../src/store/work-calendar.ts";

const count = Number(process.env.BENCH_EMPLOYEES ?? 100_000);
const today = "2026-11-22";
const kinds = [
  "Pelaksana",
  "Administrator",
  "Pengawas",
  "Fungsional Ahli Pertama",
  "Fungsional Ahli Muda",
  "Fungsional Keterampilan",
  "JPT",
];

/** A deterministic pseudo-random generator, so every run measures the same register. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function generate(n: number): StaffRow[] {
  const random = rng(42);
  const rows: StaffRow[] = [];
  const seen = new Set<string>();
  for (let i = 0; rows.length < n && i < n * 2; i++) {
    const birthYear = 1966 + Math.floor(random() * 34);
    const birth = `${birthYear}${String(1 + Math.floor(random() * 12)).padStart(2, "0")}${String(1 + Math.floor(random() * 28)).padStart(2, "0")}`;
    const cpnsYear = Math.min(2025, birthYear + 22 + Math.floor(random() * 10));
    const tmt = `${cpnsYear}${String(1 + Math.floor(random() * 12)).padStart(2, "0")}`;
    // Unique NIPs: the serial and the TMT month vary with the index.
    const nip = `${birth}${tmt}${random() < 0.5 ? 1 : 2}${String((i % 999) + 1).padStart(3, "0")}`;
    if (seen.has(nip)) continue;
    seen.add(nip);
    const kgbYear = Math.max(cpnsYear + 1, 2024 + Math.floor(random() * 3));
    const row = validateStaffRow(
      {
        nip,
        name: `Pegawai ${i}`,
        positionTitle: "Staf",
        positionKind: kinds[Math.floor(random() * kinds.length)] ?? "Pelaksana",
        lastKgb: kgbYear <= 2026 ? `${kgbYear}-${String(1 + Math.floor(random() * 10)).padStart(2, "0")}-01` : "",
        lastPromotion: `${Math.max(cpnsYear, 2020 + Math.floor(random() * 6))}-${random() < 0.5 ? "04" : "10"}-01`,
      },
      today,
    );
    if (row.ok) rows.push(row.row);
  }
  return rows;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

export async function benchStaffDeadlines(): Promise<void> {
  const rows = generate(count);
  console.log(`staff deadlines: ${rows.length} valid generated employees (of ${count})`);
  const records: EmployeeRecord[] = rows.map((r) => ({ ...r, kind: r.positionKind }));
  const calendar = workCalendarsOf(buildCatalog(await readFlows("flows")).catalog)("ntt-provinsi");
  const onWorkingDay = (date: string) => (isWorkingDay(date, calendar) ? date : previousWorkingDay(date, calendar));

  const heapBefore = process.memoryUsage().heapUsed;
  let t = performance.now();
  let deadlines = 0;
  for (const r of records) deadlines += staffDeadlines(r, defaultStaffSettings, today, onWorkingDay).length;
  const pureMs = performance.now() - t;
  console.log(
    `  pure computation: ${deadlines} deadlines in ${pureMs.toFixed(0)} ms (${((records.length / pureMs) * 1000).toFixed(0)} employees/s), heap +${mb(process.memoryUsage().heapUsed - heapBefore)}`,
  );

  const dir = mkdtempSync(path.join(tmpdir(), "sopbot-bench-"));
  try {
    const db = await openDatabase({ file: path.join(dir, "bench.db") });
    await db.write((tx) =>
      tx.office.create({ data: { id: "bench", name: "Bench", shortName: "Bench", timeZone: "Asia/Makassar", flowHash: "-" } }),
    );
    t = performance.now();
    await importStaffRows(db, "bench", rows);
    const importMs = performance.now() - t;
    console.log(
      `  import into SQLite (one transaction): ${(importMs / 1000).toFixed(1)} s (${((rows.length / importMs) * 1000).toFixed(0)} rows/s)`,
    );

    t = performance.now();
    const loaded = await db.prisma.employee.findMany({ where: { officeId: "bench", active: true } });
    let year = 0;
    for (const e of loaded)
      year += staffDeadlines({ ...e, kind: e.positionKind as EmployeeRecord["kind"] }, defaultStaffSettings, today, onWorkingDay).length;
    const scanMs = performance.now() - t;
    console.log(
      `  read register + compute (daily run without sending): ${scanMs.toFixed(0)} ms for ${loaded.length} employees (${year} deadlines)`,
    );
    console.log(`  resident memory: ${mb(process.memoryUsage().rss)}`);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) {
  benchStaffDeadlines().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
