// The XLSX export is written on a worker thread (the compiled dist/store/xlsx-worker.js, which the
// test set-up builds): the workbook it returns reads back with every sheet and row. What it spares
// the presses arriving meanwhile is measured in bench/load.ts (/ekspor while pressing).
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { toXlsx } from "../../src/store/exporter.ts";

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
});
