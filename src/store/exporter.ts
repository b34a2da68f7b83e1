// Writes export rows as CSV (RFC 4180, UTF-8 with BOM so spreadsheet programs read the accents) and
// as one XLSX workbook with a sheet per table.

import { Worker } from "node:worker_threads";
import { compiledScript } from "./compiled-script.ts";
import { xlsxWorkerFlag, type Row, type XlsxCommand, type XlsxResult } from "./xlsx-protocol.ts";

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

/** The same workbook built on this thread (no compiled worker: sources never built). */
async function inThisThread(sheets: { name: string; rows: Row[] }[]): Promise<Buffer> {
  const { createWorkbookWriter } = await import("./xlsx-worker.ts");
  const writer = await createWorkbookWriter();
  for (const sheet of sheets) {
    writer.sheet(sheet.name, Object.keys(sheet.rows[0] ?? {}));
    for (let i = 0; i < sheet.rows.length; i += 500) {
      writer.rows(sheet.rows.slice(i, i + 500));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return writer.end();
}

/**
 * One workbook with a sheet per table, written on a worker thread (xlsx-worker.ts): this thread only
 * hands it the rows, 500 at a time with the event loop let run in between, so a workbook of 10,000
 * cases never holds up the presses arriving meanwhile. The worker ends with the workbook.
 */
export async function toXlsx(sheets: { name: string; rows: Row[] }[]): Promise<Buffer> {
  const script = compiledScript(import.meta.url, "xlsx-worker.js");
  if (!script) return inThisThread(sheets);
  const worker = new Worker(script, { workerData: { [xlsxWorkerFlag]: true } });
  const result = new Promise<Buffer>((resolve, reject) => {
    worker.once("message", (m: XlsxResult) => (m.kind === "done" ? resolve(Buffer.from(m.bytes)) : reject(new Error(m.message))));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the XLSX worker stopped (exit code ${code})`)));
  });
  try {
    for (const sheet of sheets) {
      worker.postMessage({ kind: "sheet", name: sheet.name, header: Object.keys(sheet.rows[0] ?? {}) } satisfies XlsxCommand);
      for (let i = 0; i < sheet.rows.length; i += 500) {
        worker.postMessage({ kind: "rows", rows: sheet.rows.slice(i, i + 500) } satisfies XlsxCommand);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    worker.postMessage({ kind: "end" } satisfies XlsxCommand);
    return await result;
  } finally {
    await worker.terminate();
  }
}
