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
      const existing = new Map((await tx.employee.findMany({ where: { officeId }, select: { id: true, nip: true } })).map((e) => [e.nip, e.id]));
      let created = 0;
      let updated = 0;
      const now = new Date();
      for (const [i, row] of rows.entries()) {
        const data = { ...row, importedAt: now };
        const id = existing.get(row.nip);
        if (id) {
          await tx.employee.update({ where: { id }, data });
          updated += 1;
        } else {
          await tx.employee.create({ data: { id: randomUUID(), officeId, ...data } });
          created += 1;
        }
        if (i % 500 === 0 || i === rows.length - 1) onProgress(i + 1, rows.length);
      }
      return { created, updated };
    },
    { timeoutMs: 30 * 60_000 },
  );
}
