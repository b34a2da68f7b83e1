// CSV exports neutralize formula cells (OWASP "CSV injection"): text an applicant or official typed
// that starts with =, +, -, @, a tab or a carriage return reaches the file as text, not a formula.
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { toCsv } from "../../src/store/exporter.ts";

const dangerous = ['=HYPERLINK("http://x.example","klik")', "+1+2", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"];

function readBack(csv: string): Record<string, string>[] {
  return parse(csv.replace(/^\uFEFF/, ""), { columns: true, relax_quotes: false }) as Record<string, string>[];
}

describe("CSV export", () => {
  it.each(dangerous)("turns %j into text a spreadsheet will not run", (text) => {
    const [row] = readBack(toCsv([{ catatan: text, jumlah: 3 }]));
    expect(row?.["catatan"]).toBe(`'${text}`);
    expect(row?.["jumlah"]).toBe("3");
  });

  it("keeps ordinary text, numbers (negative too) and quoting as they were", () => {
    const rows = readBack(
      toCsv([
        { catatan: 'Koperasi "Maju", Kupang; 2026', jumlah: -5 },
        { catatan: "a=b tetap", jumlah: 0 },
      ]),
    );
    expect(rows).toEqual([
      { catatan: 'Koperasi "Maju", Kupang; 2026', jumlah: "-5" },
      { catatan: "a=b tetap", jumlah: "0" },
    ]);
  });
});
