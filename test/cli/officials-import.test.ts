// Importing the officials from the personnel register: a dry run lists every row it cannot place
// with its line, nothing is imported while any is refused, the same file twice changes nothing,
// and a later file shows its changes (a transfer, a new name) before they are applied.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { describePlan, officialsChanges } from "../../src/cli/officials-changes.ts";
import { realCatalog } from "../helpers/catalog.ts";
import { caseCode, startHarness, wita, type Harness } from "../helpers/harness.ts";
import { compiled, repoRoot } from "../helpers/run-bot.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

const csv = (rows: string[][]) => ["NIP;Nama;Jabatan", ...rows.map((r) => r.join(";"))].join("\n");
const andreas = "198001012005011001";
const lusia = "198502022010012002";

describe("npm run officials -- import (the personnel register)", () => {
  it("places every row or says why by line, applies once, and shows a later file's changes first", async () => {
    h = await startHarness({ now: wita("2026-03-16 08:00") });
    const { catalog } = await realCatalog();
    const office = catalog.offices.get("ntt-provinsi")!.office;
    const config = loadConfig({ DATABASE_URL: h.databaseUrl, FILES_DIR: path.join(h.dir, "files") });
    const changes = officialsChanges({ config, db: h.app.db, catalog }, office, h.clock);
    const file = path.join(h.dir, "register.csv");
    const map = path.join(h.dir, "titles.yaml");
    writeFileSync(map, '"Pengemudi": null\n"Analis Kelembagaan Koperasi": kabid-kelembagaan-pengawasan\n');

    writeFileSync(
      file,
      csv([
        [andreas, "Andreas Lamury", "Sekretaris"],
        ["12345", "Salah NIP", "Sekretaris"],
        ["199001012015011003", "Petrus Bala", "Staf Khusus"],
        ["199101012016011004", "Yakobus Sopir", "Pengemudi"],
        [lusia, "Lusia Dua", "Analis Kelembagaan Koperasi"],
      ]),
    );
    // The compiled command, as an operator runs it: every row it cannot place, by line; exit 1; nothing imported.
    const env = { PATH: process.env.PATH ?? "", DATABASE_URL: h.databaseUrl, DEMO_DATA: "false" };
    const dry = spawnSync(
      process.execPath,
      [compiled("src/cli/officials.ts"), "import", file, "--office", office.id, "--map", map, "--dry-run"],
      {
        cwd: repoRoot,
        env,
        encoding: "utf8",
      },
    );
    expect(dry.status).toBe(1);
    expect(dry.stdout).toContain('line 3: NIP "12345" is not 18 digits');
    expect(dry.stdout).toContain('line 4: no position titled "Staf Khusus": add it to the mapping file');
    expect(dry.stdout).toContain("line 5: skipped (Pengemudi is mapped to nothing)");
    expect(dry.stdout).toContain(`line 2: add Andreas Lamury (NIP ${andreas}) as Sekretaris`);
    expect(dry.stderr).toContain("2 row(s) cannot be placed: nothing was imported.");
    expect(await h.app.db.prisma.official.count({ where: { nip: andreas } })).toBe(0);

    // Fixed: applied once; the same file again changes nothing.
    const good = [
      [andreas, "Andreas Lamury", "Sekretaris"],
      ["199101012016011004", "Yakobus Sopir", "Pengemudi"],
      [lusia, "Lusia Dua", "Analis Kelembagaan Koperasi"],
    ];
    writeFileSync(file, csv(good));
    const first = await changes.importRegister(file, map, true);
    expect(first.applied).toBe(true);
    expect(describePlan(first.plan, office).filter((l) => l.startsWith("line"))).toEqual([
      "line 3: skipped (Pengemudi is mapped to nothing)",
      `line 2: add Andreas Lamury (NIP ${andreas}) as Sekretaris`,
      `line 4: add Lusia Dua (NIP ${lusia}) as Kepala Bidang Kelembagaan dan Pengawasan Koperasi`,
    ]);
    const again = await changes.importRegister(file, map, true);
    expect(again).toMatchObject({ applied: false, plan: { add: [], move: [], rename: [], errors: [] } });

    // A case waits on the Sekretaris step (now Maria and Andreas); a later register moves Andreas and renames Lusia.
    const code = caseCode(await h.say("/buka 18 KGB Benediktus Nahak"));
    writeFileSync(
      file,
      csv([
        [andreas, "Andreas Lamury", "Kepala Dinas"],
        [lusia, "Lusia Dua Bani", "Analis Kelembagaan Koperasi"],
      ]),
    );
    const preview = await changes.importRegister(file, map, false);
    expect(preview.applied).toBe(false);
    expect(describePlan(preview.plan, office)).toEqual(
      expect.arrayContaining(["line 2: move Andreas Lamury: Sekretaris → Kepala Dinas", "line 3: rename Lusia Dua → Lusia Dua Bani"]),
    );
    expect(await h.app.db.prisma.official.findFirst({ where: { nip: andreas }, include: { holdings: true } })).toMatchObject({
      holdings: [{ endsOn: null }],
    });
    expect((await changes.importRegister(file, map, true)).applied).toBe(true);
    expect(await changes.history("Andreas Lamury")).toMatch(
      /Andreas Lamury:\n16 Maret 2026 – 16 Maret 2026: Sekretaris\n16 Maret 2026 – sekarang: Kepala Dinas/,
    );
    expect(await h.app.db.prisma.official.count({ where: { name: "Lusia Dua Bani" } })).toBe(1);
    const kase = await h.app.db.prisma.case.findUniqueOrThrow({ where: { code }, include: { tasks: true } });
    const candidates = JSON.parse(kase.tasks.find((t) => t.status === "open")!.candidates) as { officialId: string }[];
    const andreasId = (await h.app.db.prisma.official.findFirstOrThrow({ where: { nip: andreas } })).id;
    expect(candidates.map((c) => c.officialId)).not.toContain(andreasId);
    expect(await h.auditProblems()).toEqual([]);
  });
});

describe("npm run officials -- move --on (a transfer dated ahead)", () => {
  it("records the change for its day and refuses a date it cannot read", async () => {
    h = await startHarness({ now: wita("2026-03-16 08:00") });
    const env = { PATH: process.env.PATH ?? "", DATABASE_URL: h.databaseUrl, DEMO_DATA: "false" };
    const officials = (...args: string[]) =>
      spawnSync(process.execPath, [compiled("src/cli/officials.ts"), ...args, "--office", "ntt-provinsi"], {
        cwd: repoRoot,
        env,
        encoding: "utf8",
      });
    const bad = officials("move", "--name", "Maria Goreti Bria", "--to", "arsiparis", "--on", "soon");
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('--on: expected a date such as 2027-01-02, got "soon".');
    // The command runs on the real clock: a day well ahead of it.
    const ahead = officials("move", "--name", "Maria Goreti Bria", "--to", "arsiparis", "--on", "2099-01-05");
    expect(ahead.status).toBe(0);
    expect(ahead.stdout).toContain("Maria Goreti Bria: Sekretaris → Arsiparis Terampil from 2099-01-05; the open steps move on that day.");
    const holdings = await h.app.db.prisma.positionHolding.findMany({
      where: { official: { name: "Maria Goreti Bria" } },
      orderBy: { startsOn: "asc" },
      select: { positionId: true, startsOn: true, endsOn: true },
    });
    expect(holdings.map((x) => [x.positionId, x.endsOn?.toISOString() ?? null])).toEqual([
      ["ntt-provinsi/sekretaris", wita("2099-01-05 00:00").toISOString()],
      ["ntt-provinsi/arsiparis", null],
    ]);
  });
});
