// The embedded default, run as a person would: the real process, a real SQLite file, the console.
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { collect, repoRoot, runConsole, spawnBot } from "../../helpers/run-bot.ts";
import { tempDir } from "../../helpers/temp-db.ts";
import { rmSync } from "node:fs";

const dir = tempDir();
const env = { DATABASE_URL: `file:${path.join(dir, "bot.db")}` };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("console channel (embedded default)", () => {
  it("answers /bantuan and /pejabat, switches persona, and exits 0 when input ends", async () => {
    const run = await runConsole(["/bantuan", "/pejabat", "/sebagai Sekretaris", "/saya", "apa kabar", "/sebagai tidak-ada"], env);
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toContain("Anda berbicara sebagai Stefanus Ola (Pengadministrasi Umum)");
    expect(out).toContain("Stefanus Ola (Pengadministrasi Umum) › /bantuan");
    expect(out).toContain("sopbot → Stefanus Ola (Pengadministrasi Umum):\n  Perintah yang tersedia:");
    expect(out).toContain("/sebagai <nama atau jabatan>");
    expect(out).toMatch(/• Kepala Dinas: Yosef Lamanepa/);
    expect(out).toMatch(/• Pengelola Kepegawaian: Yohanes Seran, Rikardus Nggadas/);
    expect(out).toContain("sekarang Anda berbicara sebagai Maria Goreti Bria (Sekretaris)");
    expect(out).toContain("sopbot → Maria Goreti Bria (Sekretaris):\n  Anda: Maria Goreti Bria");
    expect(out).toContain("Maria Goreti Bria (Sekretaris) › apa kabar");
    expect(out).toContain("Ketik /bantuan");
    expect(out).toContain('tidak ada orang dengan nama atau jabatan "tidak-ada"');
    expect(run.stderr).toBe("");
  });

  it("runs from a folder whose path contains a space", () => {
    // A copy of the built bot in "<tmp>/sop bot" (packages linked), started as npm start starts it.
    const home = path.join(dir, "kantor dinas", "sop bot");
    mkdirSync(home, { recursive: true });
    for (const part of ["dist", "flows", "prisma", "package.json"])
      cpSync(path.join(repoRoot, part), path.join(home, part), { recursive: true });
    symlinkSync(path.join(repoRoot, "node_modules"), path.join(home, "node_modules"));
    const run = spawnSync(process.execPath, [path.join(home, "dist", "main.js")], {
      cwd: home,
      input: "/bantuan\n",
      env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn" },
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Perintah yang tersedia");
  });

  it("keeps its data across a restart (the demo is seeded once)", async () => {
    const run = await runConsole(["/pejabat"], env);
    expect(run.code).toBe(0);
    // The directory line lists each official once (other messages may name them too: a 07:30 digest).
    expect(run.stdout.match(/• Pengelola Kepegawaian: .*/g)).toEqual(["• Pengelola Kepegawaian: Yohanes Seran, Rikardus Nggadas"]);
  });

  it("stops on SIGTERM: no new input, database closed, exit code 0", async () => {
    const child = spawnBot(env);
    const done = collect(child);
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (d: Buffer) => {
        if (d.toString().includes("Ketik /bantuan")) resolve();
      });
    });
    child.kill("SIGTERM");
    const run = await done;
    expect(run.code).toBe(0);
  });

  it("refuses to start on an invalid .env and names the variable", async () => {
    const cwd = tempDir();
    writeFileSync(
      path.join(cwd, ".env"),
      `DATABASE_URL=file:${path.join(cwd, "x.db")}\nFLOWS_DIR=${path.join(repoRoot, "flows")}\nDEMO_DATA=maybe\nSHUTDOWN_GRACE_MS=soon\n`,
    );
    const run = await runConsole([], {}, cwd);
    rmSync(cwd, { recursive: true, force: true });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("sopbot cannot start.");
    expect(run.stderr).toContain("DEMO_DATA: expected true or false");
    expect(run.stderr).toContain("SHUTDOWN_GRACE_MS: expected a number of milliseconds");
  });
});
