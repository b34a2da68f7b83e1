// Staff deadlines: the register import (through the real command) and the daily run (through the
// app with a fake clock): cases opened once, reminders once, the right people, both time zones,
// nothing outside office hours, and nothing repeated across restarts.
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterEach, describe, expect, it } from "vitest";
import { validateStaffRow } from "../../src/domain/staff-import.ts";
import { importStaffRows } from "../../src/store/staff-store.ts";
import { startHarness, type Harness } from "../helpers/harness.ts";
import { compiled, repoRoot } from "../helpers/run-bot.ts";
import { tempDir } from "../helpers/temp-db.ts";
import { newDatabaseUrl, scalar, sqlClient } from "../helpers/test-database.ts";

let h: Harness | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const header = "NIP;Nama;Jabatan;Jenis Jabatan;Golongan;TMT KGB Terakhir;TMT Pangkat Terakhir";

function cli(args: string[], databaseUrl: string) {
  return spawnSync(process.execPath, [compiled(args[0] ?? ""), ...args.slice(1)], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", DATABASE_URL: databaseUrl, DEMO_DATA: "false" },
    encoding: "utf8",
  });
}

describe("npm run staff:import", () => {
  it("reports every rejected row and imports nothing; with --skip-invalid imports the rest; re-import updates by NIP", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const db = await newDatabaseUrl(dir, "staff");
    const csv = path.join(dir, "pegawai.csv");
    writeFileSync(
      csv,
      [
        header,
        "199005052015031001;Yohanes Seran;Pengelola Kepegawaian;Pelaksana;III/a;01-01-2025;01-04-2023",
        "19900505201503100;Salah Panjang;Staf;Pelaksana;III/a;;",
        "198002302006012002;Tanggal Aneh;Staf;Pelaksana;III/a;;",
        "198011022006012002;Fransiska Nona Lodo;Kasubag;Kepala Bidang;III/d;01-10-2025;",
        "198011022006012003;Lupa Golongan;Staf;Pengawas;3b;32-13-2025;",
        "199005052015031001;Yohanes Dobel;Staf;Pelaksana;III/a;;",
        "197508152001121004;Kristina Bere;Arsiparis;Fungsional Keterampilan;II/c;2026-02-01;2025-12-01",
      ].join("\n"),
    );
    const refused = cli(["src/cli/staff-import.ts", csv, "--office", "ntt-provinsi"], db);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("Baris 3 (NIP 19900505201503100): NIP: NIP harus 18 angka");
    expect(refused.stderr).toContain("Baris 4 (NIP 198002302006012002): NIP: tanggal lahir pada NIP (19800230) tidak ada di kalender");
    expect(refused.stderr).toContain('Baris 5 (NIP 198011022006012002): jenis jabatan "Kepala Bidang" tidak dikenal');
    expect(refused.stderr).toContain('golongan "3b" tidak dikenal (contoh: III/b)');
    expect(refused.stderr).toContain('TMT KGB terakhir: "32-13-2025" bukan tanggal');
    expect(refused.stderr).toContain("Baris 7 (NIP 199005052015031001): NIP ini sudah ada di baris 2");
    expect(refused.stderr).toContain("2 baris sah, 5 ditolak (dari 7 baris data).");
    expect(refused.stderr).toContain("Tidak ada yang diimpor.");

    const count = () => scalar(db, `SELECT COUNT(*) AS n FROM "Employee"`);
    expect(await count()).toBe(0);

    const partial = cli(["src/cli/staff-import.ts", csv, "--office", "ntt-provinsi", "--skip-invalid"], db);
    expect(partial.status).toBe(0);
    expect(partial.stdout).toContain("Selesai: 2 pegawai baru, 0 diperbarui");
    expect(partial.stderr).toMatch(/\[#+\] 100% 2\/2/);
    expect(await count()).toBe(2);

    writeFileSync(csv, [header, "199005052015031001;Yohanes Seran;Pengelola Kepegawaian;Pelaksana;III/b;01-01-2025;01-04-2025"].join("\n"));
    const again = cli(["src/cli/staff-import.ts", csv, "--office", "ntt-provinsi"], db);
    expect(again.stdout).toContain("Selesai: 0 pegawai baru, 1 diperbarui");
    const d = await sqlClient(db);
    expect(await d.all(`SELECT grade, "lastPromotion" FROM "Employee" WHERE nip = '199005052015031001'`)).toEqual([
      { grade: "III/b", lastPromotion: "2025-04-01" },
    ]);
    await d.close();
  });

  it("reads XLSX, with real spreadsheet dates", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = path.join(dir, "pegawai.xlsx");
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Pegawai");
    sheet.addRow(["NIP", "Nama", "Jabatan", "Jenis Jabatan", "Golongan", "TMT KGB Terakhir"]);
    sheet.addRow(["199005052015031001", "Yohanes Seran", "Pengelola Kepegawaian", "Pelaksana", "III/a", new Date(Date.UTC(2025, 0, 1))]);
    await workbook.xlsx.writeFile(file);
    const run = cli(["src/cli/staff-import.ts", file, "--office", "kota-batam"], await newDatabaseUrl(dir, "x"));
    expect(run.stdout).toContain("Selesai: 1 pegawai baru, 0 diperbarui (Dinas Koperasi dan Usaha Mikro Kota Batam)");
  });
});

/** Register rows for the run: dates chosen against a fake clock in late 2026. */
function row(nip: string, name: string, kind: string, lastKgb: string | null, lastPromotion: string | null) {
  const r = validateStaffRow(
    { nip, name, positionTitle: name, positionKind: kind, lastKgb: lastKgb ?? "", lastPromotion: lastPromotion ?? "" },
    "2026-10-01",
  );
  if (!r.ok) throw new Error(r.errors.join("; "));
  return r.row;
}

describe("the daily run", () => {
  it("opens each case once, reminds the positions the SOP names, waits for office hours, and survives restarts", async () => {
    // Tuesday 20 October 2026, 06:00 WITA: before office hours.
    h = await startHarness({ now: new Date("2026-10-20T06:00:00+08:00") });
    await importStaffRows(h.app.db, "ntt-provinsi", [
      // KGB: last 2025-01-01 → next 2027-01-01; opens 3 months before (2026-10-01).
      row("199005052015031001", "Yohanes Seran", "Pelaksana", "2025-01-01", null),
      // Pension: born 1968-03-10, age 58 → TMT 2026-04-01 … already past; born 1969-03-10 → 2027-04-01; opens 2026-04-01.
      row("196903102000031002", "Markus Ndun", "Administrator", "2026-03-01", null),
      // Promotion: 4 years after 2022-12-15 → eligible 2026-12-15 → period 2027-01-01; opens 2026-10-01.
      row("198512122010012003", "Natalia Sogen", "Pelaksana", "2026-06-01", "2022-12-15"),
      // Nothing due for a long time.
      row("199512122020012004", "Simon Tualaka", "Pelaksana", "2026-08-01", "2024-04-01"),
    ]);
    expect(await h.tick()).toBe("");

    h.clock.set(new Date("2026-10-20T07:30:00+08:00"));
    const first = await h.tick();
    const cases = await h.app.db.prisma.case.findMany({ orderBy: { sopNumber: "asc" } });
    expect(cases.map((c) => [c.sopNumber, c.title])).toEqual([
      [16, "Pensiun Markus Ndun — TMT 1 April 2027"],
      [17, "Kenaikan pangkat Natalia Sogen — TMT 1 Januari 2027"],
      [18, "KGB Yohanes Seran — TMT 1 Januari 2027"],
    ]);
    // SOP 18's first step goes to the Sekretaris; the reminder goes to the positions SOP 18 names.
    expect(first).toContain("sopbot → Maria Goreti Bria (Sekretaris):\n  Tugas baru — kasus 18-");
    expect(first).toMatch(
      /sopbot → Fransiska Nona Lodo \(Kepala Sub Bagian Kepegawaian dan Umum\):\n  Tenggat kepegawaian — Dinas Koperasi UKM Provinsi NTT:\n(.|\n)*KGB Yohanes Seran \(NIP 199005052015031001\) TMT 1 Januari 2027 — kasus SOP 18 dibuka/,
    );
    expect(first).toContain("surat PKGB harus diterima Biro Keuangan paling lambat 1 Desember 2026");
    expect(first).toContain("sopbot → Yohanes Seran (Pengelola Kepegawaian):\n  Tenggat kepegawaian");
    // Pension: opened late (12 months before is past) with the 7-month reminder (not the 12 and 9),
    // and already overdue: the file had to reach the BKD six months before the TMT.
    const pension = await h.app.db.prisma.staffMilestone.findMany({ where: { kind: "pension" }, orderBy: { milestone: "asc" } });
    expect(pension.map((m) => [m.milestone, m.status])).toEqual([
      ["open", "fired"],
      ["overdue", "fired"],
      ["remind-12", "superseded"],
      ["remind-7", "fired"],
      ["remind-9", "superseded"],
    ]);
    // One line per deadline however many of its milestones fired, and one message per official.
    expect(first).toMatch(
      /• TERLAMBAT: Pensiun Markus Ndun \(NIP 196903102000031002\) TMT 1 April 2027 — kasus SOP 16 dibuka \(16-[A-Z0-9]{5}\); berkas usul pensiun harus sampai di BKD paling lambat 1 Oktober 2026; tenggat itu sudah tiba\./,
    );
    const toFransiska = first.split("sopbot → ").filter((m) => m.startsWith("Fransiska Nona Lodo") && m.includes("Tenggat kepegawaian"));
    expect(toFransiska).toHaveLength(1);
    expect(toFransiska[0]?.match(/Pensiun Markus Ndun/g)).toHaveLength(1);
    expect(toFransiska[0]?.match(/KGB Yohanes Seran/g)).toHaveLength(1);

    // Later the same day, and after a restart: nothing new.
    h.clock.set(new Date("2026-10-20T10:00:00+08:00"));
    expect(await h.tick()).not.toContain("Tenggat kepegawaian");
    h = await h.restart();
    expect(await h.tick()).not.toContain("Tenggat kepegawaian");
    expect(await h.app.db.prisma.case.count()).toBe(3);

    // A month on: the 2-month KGB reminder (1 Nov is a Sunday: it goes out Monday 2 Nov at 07:30).
    h.clock.set(new Date("2026-11-01T09:00:00+08:00"));
    expect(await h.tick()).not.toContain("Tenggat kepegawaian");
    h.clock.set(new Date("2026-11-02T07:31:00+08:00"));
    const november = await h.tick();
    expect(november).toContain("• KGB Yohanes Seran (NIP 199005052015031001) TMT 1 Januari 2027 — surat PKGB");
    expect(november).not.toContain("kasus SOP 18 dibuka");
    // December: the KGB letter deadline is reached (1 Dec 2026 is a Tuesday).
    h.clock.set(new Date("2026-12-01T08:00:00+08:00"));
    expect(await h.tick()).toContain("• TERLAMBAT: KGB Yohanes Seran");
    h = await h.restart();
    h.clock.set(new Date("2026-12-02T08:00:00+08:00"));
    expect(await h.tick()).not.toContain("TERLAMBAT: KGB");
    expect(await h.app.db.prisma.case.count({ where: { sopNumber: 18 } })).toBe(1);
    expect(await h.auditProblems()).toEqual([]);
  });

  it("runs each office at 07:30 in its own time zone", async () => {
    h = await startHarness({ now: new Date("2026-10-20T07:30:00+08:00") }); // 06:30 in Batam
    await h.app.db.write(async (tx) => {
      await tx.official.create({ data: { id: "btm-kasubag", officeId: "kota-batam", name: "Rina Batam", isAdmin: false } });
      await tx.positionHolding.create({
        data: {
          id: "btm-h",
          officialId: "btm-kasubag",
          positionId: "kota-batam/kasubag-kepegawaian-umum",
          startsOn: new Date("2025-01-01"),
        },
      });
      await tx.chatIdentity.create({ data: { id: "btm-c", channel: "console", externalId: "rina-batam", officialId: "btm-kasubag" } });
    });
    await importStaffRows(h.app.db, "kota-batam", [row("199005052015031001", "Budi Batam", "Pelaksana", "2025-01-01", null)]);
    await importStaffRows(h.app.db, "ntt-provinsi", [row("199105052016031001", "Ana Kupang", "Pelaksana", "2025-01-01", null)]);
    const wita = await h.tick();
    expect(wita).toContain("KGB Ana Kupang");
    expect(wita).not.toContain("Budi Batam");
    h.clock.set(new Date("2026-10-20T07:30:00+07:00"));
    const wib = await h.tick();
    expect(wib).toContain("sopbot → Rina Batam (Kepala Sub Bagian Umum dan Kepegawaian):\n  Tenggat kepegawaian — ");
    expect(wib).toContain("KGB Budi Batam");
    // Only the NTT morning digest mentions Ana's case now; her reminder is not sent again.
    expect(wib).not.toContain("KGB Ana Kupang (NIP");
  });

  it("tells the employee about their own KGB when the office enables it, and lists deadlines ahead", async () => {
    const flows = path.join(tempDir(), "flows");
    dirs.push(path.dirname(flows));
    cpSync(path.join(repoRoot, "flows"), flows, { recursive: true });
    const office = path.join(flows, "offices", "ntt-provinsi.yaml");
    writeFileSync(office, `${readFileSync(office, "utf8")}\nstaffDeadlines:\n  notifyEmployees: true\n`);
    h = await startHarness({ now: new Date("2026-10-20T08:00:00+08:00"), flowsDir: flows });
    await h.app.db.write((tx) => tx.official.updateMany({ where: { name: "Yohanes Seran" }, data: { nip: "199005052015031001" } }));
    await importStaffRows(h.app.db, "ntt-provinsi", [
      row("199005052015031001", "Yohanes Seran", "Pelaksana", "2025-01-01", null),
      row("196903102000031002", "Markus Ndun", "Administrator", "2026-03-01", null),
    ]);
    const out = await h.tick();
    expect(out).toContain(
      "sopbot → Yohanes Seran (Pengelola Kepegawaian):\n  Informasi kepegawaian: kenaikan gaji berkala Anda berikutnya TMT 1 Januari 2027.",
    );
    await h.as("Fransiska");
    const ahead = await h.say("/jatuhtempo 12");
    expect(ahead).toContain("Tenggat kepegawaian 12 bulan ke depan (2):");
    expect(ahead).toMatch(/• 1 Januari 2027 — KGB Yohanes Seran \(NIP 199005052015031001\); pengingat 1 November 2026/);
    expect(ahead).toContain("• 1 April 2027 — Pensiun Markus Ndun");
    await h.as("Simon");
    expect(await h.say("/jatuhtempo")).toContain("hanya untuk Sub Bagian Kepegawaian");
  });
});
