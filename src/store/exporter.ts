// Writes export rows as CSV (RFC 4180, UTF-8 with BOM so spreadsheet programs read the accents) and
// as one XLSX workbook with a sheet per table.

type Row = Record<string, string | number | null>;

/**
 * Text a spreadsheet program would run as a formula (OWASP "CSV injection"): a leading =, +, -, @,
 * tab or carriage return. Such a cell gets a leading apostrophe, which spreadsheets show as text.
 * Numbers stay numbers. (XLSX cells are typed: a string there is never a formula.)
 */
const formulaStart = /^[=+\-@\t\r]/;

export function neutralized(text: string): string {
  return formulaStart.test(text) ? `'${text}` : text;
}

function cell(value: string | number | null): string {
  if (value === null) return "";
  const text = typeof value === "number" ? String(value) : neutralized(value);
  return /[",\r\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: Row[], columns?: string[]): string {
  const header = columns ?? Object.keys(rows[0] ?? {});
  const lines = [header.map(cell).join(","), ...rows.map((r) => header.map((h) => cell(r[h] ?? null)).join(","))];
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

/**
 * One workbook with a sheet per table. Written as a stream (rows committed as they are added, the
 * archive compressed on the thread pool), in slices with the event loop let run in between: a
 * workbook of 10,000 cases never holds up the presses arriving meanwhile for long.
 */
export async function toXlsx(sheets: { name: string; rows: Row[] }[]): Promise<Buffer> {
  // Loaded on first use (exports are rare; the library costs resident memory in every process).
  const { default: ExcelJS } = await import("exceljs");
  const { PassThrough } = await import("node:stream");
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    out.on("end", resolve);
    out.on("error", reject);
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = "sopbot";
  for (const sheet of sheets) {
    const ws = workbook.addWorksheet(sheet.name, { views: [{ state: "frozen", ySplit: 1 }] });
    const header = Object.keys(sheet.rows[0] ?? {});
    ws.columns = header.map((h) => ({ header: h, key: h, width: Math.min(60, Math.max(10, h.length + 2)) }));
    ws.getRow(1).font = { bold: true };
    for (let i = 0; i < sheet.rows.length; i += 500) {
      for (const r of sheet.rows.slice(i, i + 500)) ws.addRow(r).commit();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    ws.commit();
  }
  await workbook.commit();
  await ended;
  return Buffer.concat(chunks);
}
