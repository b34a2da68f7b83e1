// The XLSX export is written on a worker thread (the compiled dist/store/xlsx-worker.js, which the
// test set-up builds): the workbook it returns reads back with every sheet and row. What it spares
// the presses arriving meanwhile is measured in bench/load.ts (/ekspor while pressing).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import ExcelJS from "exceljs";
import { describe, expect, it, vi } from "vitest";
import { toXlsx } from "../../src/store/exporter.ts";
import { xlsxWorkerFlag } from "../../src/store/xlsx-protocol.ts";

/** The nice value of each thread of this process (Linux: /proc/self/task/<tid>/stat, field 19). */
function threadNices(): Map<number, number> {
  const nices = new Map<number, number>();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      nices.set(Number(tid), Number(fields[16]));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return nices;
}

async function readBack(bytes: Buffer): Promise<Record<string, unknown[][]>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheets: Record<string, unknown[][]> = {};
  workbook.eachSheet((ws) => {
    const rows: unknown[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    sheets[ws.name] = rows;
  });
  return sheets;
}

describe("XLSX export on a worker thread", () => {
  it("returns a workbook with each sheet's header and rows, text and numbers as given", async () => {
    const cases = Array.from({ length: 1203 }, (_, i) => ({ kode: `13-${i}`, sop: 13, catatan: i % 2 ? "=1+1" : null }));
    const bytes = await toXlsx([
      { name: "Kasus", rows: cases },
      { name: "Jejak audit", rows: [{ id: 1, tindakan: "export" }] },
    ]);
    const sheets = await readBack(bytes);
    expect(Object.keys(sheets)).toEqual(["Kasus", "Jejak audit"]);
    expect(sheets["Kasus"]?.[0]).toEqual(["kode", "sop", "catatan"]);
    expect(sheets["Kasus"]).toHaveLength(1204);
    expect(sheets["Kasus"]?.[1202]).toEqual(["13-1201", 13, "=1+1"]);
    expect(sheets["Jejak audit"]).toEqual([
      ["id", "tindakan"],
      [1, "export"],
    ]);
  });

  it.runIf(existsSync("/proc/self/task"))("runs at a lower OS priority than the bot's own threads (Linux)", async () => {
    const before = threadNices();
    const base = before.get(process.pid) ?? 0;
    const worker = new Worker(new URL("../../dist/store/xlsx-worker.js", import.meta.url), { workerData: { [xlsxWorkerFlag]: true } });
    try {
      // The worker lowers its own thread's priority as it starts; the threads that were there keep theirs.
      await vi.waitFor(
        () => expect([...threadNices()].filter(([tid, nice]) => !before.has(tid) && nice === Math.max(10, base))).toHaveLength(1),
        {
          timeout: 5_000,
        },
      );
      expect([...threadNices()].filter(([tid]) => before.has(tid)).every(([, nice]) => nice === base)).toBe(true);
    } finally {
      await worker.terminate();
    }
  });
});
