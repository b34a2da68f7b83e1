// The admin commands as an official runs them: flows:check on a good and a broken copy, and the SOP reader.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compiled, repoRoot } from "../helpers/run-bot.ts";
import { tempDir } from "../helpers/temp-db.ts";

const run = (args: string[]) =>
  spawnSync(process.execPath, [compiled(args[0] ?? ""), ...args.slice(1)], { cwd: repoRoot, encoding: "utf8" });
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run flows:check", () => {
  it("passes on the real flows", () => {
    const out = execFileSync(process.execPath, [compiled("src/cli/flows-check.ts")], { cwd: repoRoot, encoding: "utf8" });
    expect(out).toContain("flows OK: 48 SOPs");
    expect(out).toContain("4 offices, 2 calendar years");
  });

  it("rejects a deliberately broken copy with file, path and what is wrong, exit code 1", () => {
    const flows = path.join(dir, "flows");
    cpSync(path.join(repoRoot, "flows"), flows, { recursive: true });
    const file = path.join(flows, "sop", "sop-13.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace(/returnTo: "(\d+)"/, 'returnTo: "99"'));
    const result = run(["src/cli/flows-check.ts", flows]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^flows\/sop\/sop-13\.yaml at steps\[\d+\]\.decision\.returnTo: no step "99"$/m);
    expect(result.stderr).toContain("1 problem(s)");
  });
});

describe("npm run sop", () => {
  it("prints an SOP as a table with its total standard time", () => {
    const result = run(["src/cli/sop.ts", "18"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("SOP 18 Tahun 2025 — Penerbitan Surat Pemberitahuan Kenaikan Gaji Berkala");
    expect(result.stdout).toMatch(/No\s+│ Pelaksana\s+│ Kegiatan\s+│ Waktu\s+│ Output\s+│ Alur/);
    expect(result.stdout).toContain("setuju → 6; kembali → 4");
    expect(result.stdout).toContain("Total waktu baku: 4 jam 15 menit (dalam jam kerja)");
  });

  it("shows the positions that act in a given office", () => {
    const result = run(["src/cli/sop.ts", "18", "--office", "kota-batam"]);
    expect(result.stdout).toContain("Kantor: Dinas Koperasi dan Usaha Mikro Kota Batam");
    expect(result.stdout).toMatch(/→ Kepala Sub Bagian Umum dan\s+│/);
  });

  it("explains its usage for an unknown number", () => {
    const result = run(["src/cli/sop.ts", "99"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Usage: npm run sop -- <number 1..48>");
  });
});
