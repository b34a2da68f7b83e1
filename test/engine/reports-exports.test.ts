// Reports and exports over a seeded history run through the app: /laporan, /ekspor, the weekly
// digest, and the export command; the exports read back to the same rows.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { afterEach, describe, expect, it } from "vitest";
import { caseCode, startHarness, wita, type Harness } from "../helpers/harness.ts";
import { compiled, repoRoot } from "../helpers/run-bot.ts";
import { targetOf } from "../helpers/test-database.ts";
import { openDatabase } from "../../src/store/database.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

/** Three SOP 13 letters on Tuesday 17 March 2026 (WITA); two finished, one waiting at step 3. */
async function seedHistory(harness: Harness): Promise<string[]> {
  const codes: string[] = [];
  for (const [i, minutesAtStep2] of [10, 45, 20].entries()) {
    harness.clock.set(wita(`2026-03-10 ${String(8 + i).padStart(2, "0")}:00`));
    await harness.as("Kasubag Kepegawaian");
    codes.push(caseCode(await harness.say(`/buka 13 Surat nomor ${i + 1}`)));
    await harness.say("1");
    await harness.as("Stefanus");
    harness.clock.advanceMinutes(minutesAtStep2);
    await harness.say("1");
    if (i === 2) continue;
    for (const who of ["Kasubag Kepegawaian", "Sekretaris", "Kepala Dinas", "Stefanus"]) {
      await harness.as(who);
      harness.clock.advanceMinutes(5);
      await harness.say("1");
    }
  }
  return codes;
}

describe("reports", () => {
  it("/laporan gives the Kepala Dinas the numbers and a chart; others are refused", async () => {
    h = await startHarness({ now: wita("2026-03-10 08:00") });
    const codes = await seedHistory(h);
    h.clock.set(wita("2026-03-12 09:00"));
    await h.as("Kepala Dinas");
    const out = await h.say("/laporan 2026-03");
    expect(out).toContain("Laporan kepatuhan waktu layanan — Dinas Koperasi UKM Provinsi NTT");
    expect(out).toContain("Periode: Maret 2026");
    expect(out).toContain("Kasus dibuka 3, selesai 2, masih berjalan 1.");
    // Step 2 (30 minutes standard) took 10, 45 and 20 office minutes: 2 of 3 on time, median 20.
    expect(out).toMatch(/langkah 2: median 20 menit, p90 45 menit \(baku 30 menit\); tepat waktu 67% dari 3/);
    expect(out).toContain(`• ${codes[2]} — SOP 13 langkah 3:`);
    expect(out).toMatch(/Berkas: laporan-sla\.png → .*console-files/);
    await h.as("Simon");
    expect(await h.say("/laporan")).toContain("hanya untuk Kepala Dinas dan Sekretaris");
  });

  it("sends the weekly digest on Monday from 07:30, once", async () => {
    h = await startHarness({ now: wita("2026-03-10 08:00") });
    await seedHistory(h);
    h.clock.set(wita("2026-03-16 07:29"));
    expect(await h.tick()).not.toContain("Ringkasan mingguan");
    h.clock.set(wita("2026-03-16 07:31"));
    const monday = await h.tick();
    expect(monday).toContain("sopbot → Yosef Lamanepa (Kepala Dinas):\n  Ringkasan mingguan.");
    expect(monday).toContain("sopbot → Maria Goreti Bria (Sekretaris):\n  Ringkasan mingguan.");
    expect(monday).toContain("Periode: 9 Maret 2026 – 15 Maret 2026");
    h.clock.set(wita("2026-03-16 09:00"));
    expect(await h.tick()).not.toContain("Ringkasan mingguan");
  });
});

describe("exports", () => {
  it("/ekspor gives the Sekretaris an XLSX whose sheets read back to the cases, steps and audit trail", async () => {
    h = await startHarness({ now: wita("2026-03-10 08:00") });
    await seedHistory(h);
    await h.as("Sekretaris");
    const out = await h.say("/ekspor 2026-03");
    expect(out).toMatch(/Ekspor Dinas Koperasi UKM Provinsi NTT, Maret 2026: 3 kasus, \d+ langkah, \d+ peristiwa audit\./);
    const file = /→ (\S+\.xlsx)/.exec(out)?.[1] ?? "";
    // Named after the period's first day in the office's calendar (1 March; in UTC still 28 February).
    expect(out).toContain("Berkas: ekspor-ntt-provinsi-2026-03-01.xlsx");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(readFileSync(file) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(["Kasus", "Langkah", "Jejak audit"]);
    const cases = workbook.getWorksheet("Kasus");
    expect(cases?.getRow(1).values).toEqual([
      undefined,
      "kode",
      "sop",
      "judul_sop",
      "perihal",
      "status",
      "dibuka",
      "ditutup",
      "dibuka_oleh",
      "versi_sop",
    ]);
    const dbCases = await h.app.db.prisma.case.findMany({ orderBy: { createdAt: "asc" } });
    expect((cases?.rowCount ?? 0) - 1).toBe(dbCases.length);
    expect(cases?.getRow(2).getCell(1).value).toBe(dbCases[0]?.code);
    const steps = await h.app.db.prisma.stepTask.count();
    expect((workbook.getWorksheet("Langkah")?.rowCount ?? 0) - 1).toBe(steps);
    await h.as("Kepala Dinas");
    expect(await h.say("/ekspor")).toContain("hanya untuk Sekretaris dan admin");
  });

  it("npm run export writes CSVs that parse back to the same rows", async () => {
    h = await startHarness({ now: wita("2026-03-10 08:00") });
    await seedHistory(h);
    await h.close();
    const out = path.join(h.dir, "ekspor");
    const run = spawnSync(
      process.execPath,
      [compiled("src/cli/export.ts"), "--office", "ntt-provinsi", "--period", "2026-03", "--format", "csv", "--out", out],
      {
        cwd: repoRoot,
        env: { PATH: process.env.PATH ?? "", DATABASE_URL: h.databaseUrl, DEMO_DATA: "false" },
        encoding: "utf8",
      },
    );
    expect(run.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      "ekspor-ntt-provinsi-2026-03-01-audit.csv",
      "ekspor-ntt-provinsi-2026-03-01-kasus.csv",
      "ekspor-ntt-provinsi-2026-03-01-langkah.csv",
    ]);
    const read = (name: string) =>
      parse(readFileSync(path.join(out, `ekspor-ntt-provinsi-2026-03-01-${name}.csv`), "utf8").replace(/^\uFEFF/, ""), {
        columns: true,
      }) as Record<string, string>[];
    const cases = read("kasus");
    expect(cases.map((c) => c["kode"])).toHaveLength(3);
    expect(cases[0]).toMatchObject({ sop: "13", judul_sop: "Penanganan Surat Keluar", perihal: "Surat nomor 1", status: "completed" });
    const steps = read("langkah");
    expect(steps.filter((s) => s["keputusan"] === "approve").length).toBeGreaterThan(0);
    expect(steps.find((s) => s["langkah"] === "2")).toMatchObject({ pelaksana_sop: "Pengadministrasi Umum", oleh: "Stefanus Ola" });
    const audit = read("audit");
    expect(audit.every((a) => /^[0-9a-f]{64}$/.test(a["hash"] ?? ""))).toBe(true);
    rmSync(out, { recursive: true, force: true });
    // The export is on the record (read outside the write path, recorded in a short transaction after).
    const db = await openDatabase({ target: targetOf(h.databaseUrl) });
    try {
      const recorded = await db.prisma.auditEvent.findMany({ where: { action: "export" } });
      expect(recorded.map((e) => [e.actorLabel, e.note])).toEqual([["admin (baris perintah)", "Maret 2026: 3 kasus"]]);
    } finally {
      await db.close();
    }
  });
});
