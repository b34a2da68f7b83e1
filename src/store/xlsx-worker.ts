// The XLSX writer's thread (see exporter.ts): receives a workbook's sheets and rows in slices, writes
// them with exceljs as they come, and hands back the finished file. Building a workbook of 10,000
// cases takes seconds of CPU, and loading exceljs alone blocks for a third of a second: here neither
// holds up the presses the main thread is answering meanwhile.
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { parentPort, workerData } from "node:worker_threads";

import type ExcelJS from "exceljs";
import { xlsxWorkerFlag, type Row, type XlsxCommand, type XlsxResult } from "./xlsx-protocol.ts";

/** A streaming workbook: sheets and rows are written as they are added. */
export async function createWorkbookWriter() {
  const { default: ExcelJS } = await import("exceljs");
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    out.on("end", resolve);
    out.on("error", reject);
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = "sopbot";
  let sheet: ExcelJS.Worksheet | undefined;
  return {
    sheet(name: string, header: string[]) {
      sheet?.commit();
      sheet = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
      sheet.columns = header.map((h) => ({ header: h, key: h, width: Math.min(60, Math.max(10, h.length + 2)) }));
      sheet.getRow(1).font = { bold: true };
    },
    rows(rows: Row[]) {
      if (!sheet) throw new Error("rows before a sheet");
      for (const r of rows) sheet.addRow(r).commit();
    },
    async end(): Promise<Buffer> {
      sheet?.commit();
      await workbook.commit();
      await ended;
      return Buffer.concat(chunks);
    },
  };
}

/**
 * Lowers this thread's OS priority: the workbook is background work, and on a machine of two cores
 * the thread would otherwise take a core from the presses (and their database) as an equal. Linux
 * names a thread's id in /proc/thread-self, and setpriority on it applies to that thread alone.
 * Elsewhere, or where it is not allowed, the thread keeps the bot's priority.
 */
function asBackground(): void {
  try {
    const tid = Number(path.basename(readlinkSync("/proc/thread-self")));
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
  } catch {
    // Not Linux, or not allowed.
  }
}

const port = parentPort;
if (port && (workerData as Record<string, unknown> | null)?.[xlsxWorkerFlag] === true) {
  asBackground();
  // Commands arrive while exceljs still loads: they are applied in order once the writer exists.
  const ready = createWorkbookWriter();
  let chain: Promise<unknown> = Promise.resolve();
  let failed: string | undefined;
  const fail = (error: unknown) => {
    failed = String(error);
    port.postMessage({ kind: "error", message: failed } satisfies XlsxResult);
  };
  port.on("message", (command: XlsxCommand) => {
    chain = chain.then(() =>
      ready.then(
        (writer) => apply(writer, command),
        (error: unknown) => failed ?? fail(error),
      ),
    );
  });
  const apply = (writer: Awaited<typeof ready>, command: XlsxCommand) => {
    if (failed) return;
    try {
      if (command.kind === "sheet") writer.sheet(command.name, command.header);
      else if (command.kind === "rows") writer.rows(command.rows);
      else
        void writer.end().then(
          (bytes) => {
            const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
            port.postMessage({ kind: "done", bytes: copy } satisfies XlsxResult, [copy]);
          },
          (error: unknown) => port.postMessage({ kind: "error", message: String(error) } satisfies XlsxResult),
        );
    } catch (error) {
      fail(error);
    }
  };
}
