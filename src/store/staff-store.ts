// Writes an imported register: every row in ONE transaction (nothing half-imported), updating
// employees found by NIP and adding the new ones.
import { randomUUID } from "node:crypto";
import type { StaffRow } from "../domain/staff-import.ts";
import type { Database } from "./database.ts";

export async function importStaffRows(
  db: Database,
  officeId: string,
  rows: StaffRow[],
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<{ created: number; updated: number }> {
  return db.write(
    async (tx) => {
      const existing = new Map(
        (await tx.employee.findMany({ where: { officeId }, select: { id: true, nip: true } })).map((e) => [e.nip, e.id]),
      );
      let created = 0;
      let updated = 0;
      const now = new Date();
      // Known NIPs are updated one by one; new ones go in batches (a NIP repeated in the file
      // counts once: its last row wins).
      const fresh = new Map<string, StaffRow>();
      let done = 0;
      const report = () => {
        if (done % 500 === 0 || done === rows.length) onProgress(done, rows.length);
      };
      for (const row of rows) {
        const id = existing.get(row.nip);
        if (id) {
          await tx.employee.update({ where: { id }, data: { ...row, importedAt: now } });
          updated += 1;
          done += 1;
          report();
        } else {
          if (!fresh.has(row.nip)) created += 1;
          else done += 1;
          fresh.set(row.nip, row);
        }
      }
      const batch = [...fresh.values()];
      for (let i = 0; i < batch.length; i += 500) {
        const slice = batch.slice(i, i + 500);
        await tx.employee.createMany({ data: slice.map((row) => ({ id: randomUUID(), officeId, ...row, importedAt: now })) });
        for (let j = 0; j < slice.length; j++) {
          done += 1;
          report();
        }
      }
      onProgress(rows.length, rows.length);
      return { created, updated };
    },
    { timeoutMs: 30 * 60_000 },
  );
}
