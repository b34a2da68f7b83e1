// Reads a personnel register from CSV (comma or semicolon, UTF-8 with or without BOM) or XLSX
// (first sheet) into header + rows of cells.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse/sync";

export interface RegisterSheet {
  headers: string[];
  rows: (string | Date)[][];
}

export async function readRegister(file: string): Promise<RegisterSheet> {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".xlsx") {
    const { default: ExcelJS } = await import("exceljs"); // loaded on first use
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.worksheets[0];
    if (!sheet) return { headers: [], rows: [] };
    const all: (string | Date)[][] = [];
    sheet.eachRow({ includeEmpty: false }, (row) => {
      const values = (row.values as unknown[]).slice(1).map((v): string | Date => {
        if (v instanceof Date) return v;
        if (v && typeof v === "object" && "text" in v) return String((v as { text: unknown }).text);
        if (v && typeof v === "object" && "result" in v) return String((v as { result: unknown }).result);
        return v === null || v === undefined ? "" : String(v);
      });
      all.push(values);
    });
    const [headers = [], ...rows] = all;
    return { headers: headers.map(String), rows };
  }
  if (ext === ".csv" || ext === ".txt") {
    const text = (await readFile(file, "utf8")).replace(/^\uFEFF/, "");
    const firstLine = text.split(/\r?\n/, 1)[0] ?? "";
    const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ";" : ",";
    const records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
    const [headers = [], ...rows] = records;
    return { headers, rows };
  }
  throw new Error(`Unsupported file type "${ext}": use .csv or .xlsx`);
}

/** A mapping file of register titles to position ids (YAML: `"Title": position-id`, or null to skip the title). */
export async function readTitleMapping(file: string): Promise<Record<string, string | null>> {
  const { parse: parseYaml } = await import("yaml");
  const data = parseYaml(await readFile(file, "utf8")) as unknown;
  if (data === null || data === undefined) return {};
  if (typeof data !== "object" || Array.isArray(data)) throw new Error(`${file}: expected lines of "Title": position-id`);
  const out: Record<string, string | null> = {};
  for (const [title, id] of Object.entries(data)) {
    if (id !== null && typeof id !== "string") throw new Error(`${file}: "${title}" must map to a position id or null`);
    out[title] = id;
  }
  return out;
}
