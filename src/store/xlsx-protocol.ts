// What the main thread and the XLSX worker (xlsx-worker.ts) say to each other. A module of its own so
// that exporter.ts can speak it without loading exceljs on the main thread.
export type Row = Record<string, string | number | null>;

/** What the main thread sends: a sheet begins, rows of the current sheet, the end of the workbook. */
export type XlsxCommand = { kind: "sheet"; name: string; header: string[] } | { kind: "rows"; rows: Row[] } | { kind: "end" };

/** What the worker answers once, at the end. */
export type XlsxResult = { kind: "done"; bytes: ArrayBuffer } | { kind: "error"; message: string };

/** Set in workerData by exporter.ts: only then does xlsx-worker.ts act as the worker (not when imported). */
export const xlsxWorkerFlag = "sopbotXlsxWorker";
