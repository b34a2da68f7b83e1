// The retention purge with a clock past retention: a closed case's personal data goes when its
// office's setting says (not a day before), the audit trail still verifies and records the purge,
// nothing of the applicant is left anywhere in the database, and a second run changes nothing.
import { existsSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { privacyNotice } from "../../src/domain/form-engine.ts";
import { officeSchema } from "../../src/domain/office-schema.ts";
import { verifyAuditChain } from "../../src/store/audit-verify.ts";
import type { Database } from "../../src/store/database.ts";
import { storedFilePath } from "../../src/store/file-store.ts";
import { purgeExpiredData } from "../../src/store/retention-purge.ts";
import { realCatalog } from "../helpers/catalog.ts";
import { consoleDriver } from "../journeys/console-driver.ts";
import { legalitasJourney } from "../journeys/conversation-scenarios.ts";

const d = consoleDriver("Budi Santoso");
afterEach(async () => {
  await d.stop().catch(() => undefined);
});

const yearsLater = (from: Date, years: number, days = 0) => {
  const at = new Date(from);
  at.setUTCFullYear(at.getUTCFullYear() + years);
  return new Date(at.getTime() + days * 86_400_000);
};

/** Every text value in every table, as "Table.column: value" (to look for what must be gone). */
async function everyText(db: Database): Promise<string[]> {
  const out: string[] = [];
  const tables =
    db.provider === "sqlite"
      ? (
          await db.prisma.$queryRawUnsafe<{ name: string }[]>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_prisma%'",
          )
        ).map((t) => t.name)
      : (
          await db.prisma.$queryRawUnsafe<{ name: string }[]>(
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT LIKE '_prisma%'",
          )
        ).map((t) => t.name);
  for (const table of tables) {
    const rows = await db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${table}"`);
    for (const row of rows)
      for (const [column, value] of Object.entries(row)) if (typeof value === "string") out.push(`${table}.${column}: ${value}`);
  }
  return out;
}

describe("retention purge", () => {
  it("removes a closed case's personal data exactly when the office's retention ends, and keeps the audit whole", async () => {
    await d.start();
    const { code } = await legalitasJourney(d);
    const h = d.harness;
    const db = h.app.db;
    const kase = await db.prisma.case.findUniqueOrThrow({ where: { code } });
    expect(kase.status).toBe("completed");
    const files = await db.prisma.storedFile.findMany({ where: { caseId: kase.id } });
    expect(files.length).toBeGreaterThan(0);
    const filesDir = path.join(h.dir, "files");
    for (const f of files) expect(existsSync(storedFilePath(filesDir, f.blobId ?? f.id))).toBe(true);
    const before = (await everyText(db)).join("\n");
    expect(before).toContain("5371012308900001");
    expect(before).toContain("Budi Santoso");

    const office = kase.officeId;
    const purge = (now: Date, years: number) => purgeExpiredData(db, { offices: [{ id: office, years }], filesDir, blobGraceMs: 0, now });
    const closedAt = kase.closedAt!;

    // A day before five years: nothing of the case goes (housekeeping may trim other rows).
    expect((await purge(yearsLater(closedAt, 5, -1), 5)).cases).toBe(0);
    expect((await db.prisma.case.findUniqueOrThrow({ where: { id: kase.id } })).purgedAt).toBeNull();
    // Three years later under a two-year setting: it goes. A form abandoned unsent goes after 30
    // days without activity; one still being filled stays.
    const now = yearsLater(closedAt, 3);
    const session = (chatKey: string, at: Date) => ({
      chatKey,
      kind: "form",
      formId: "klinik-legalitas",
      state: "{}",
      createdAt: at,
      updatedAt: at,
    });
    await db.prisma.formSession.createMany({
      data: [session("console:abandoned", yearsLater(now, 0, -31)), session("console:filling", yearsLater(now, 0, -1))],
    });
    const outcome = await purge(now, 2);
    expect(outcome).toMatchObject({ cases: 1, files: files.length, staleForms: 1 });
    expect((await db.prisma.formSession.findMany()).map((s) => s.chatKey)).toEqual(["console:filling"]);
    expect(outcome.answers).toBeGreaterThan(5);
    expect(outcome.messages).toBeGreaterThan(0);

    const after = await db.prisma.case.findUniqueOrThrow({ where: { id: kase.id } });
    expect(after).toMatchObject({ data: "{}", openerChatId: null, purgedAt: now, status: "completed", code });
    expect(after.title).not.toContain("—");
    expect(await db.prisma.storedFile.count({ where: { caseId: kase.id } })).toBe(0);
    for (const f of files) expect(existsSync(storedFilePath(filesDir, f.blobId ?? f.id))).toBe(false);
    expect(await db.prisma.stepTask.count({ where: { caseId: kase.id } })).toBeGreaterThan(3);
    const texts = (await everyText(db)).join("\n");
    for (const personal of [
      "5371012308900001",
      "Budi Santoso",
      "0812 3456 7890",
      "budi@contoh.id",
      "baru-budi-santoso",
      "surat-tugas-bertanda-tangan",
    ]) {
      expect(texts, personal).not.toContain(personal);
    }
    // The officials' own words stay (the archive), and the trail verifies with the purge in it.
    expect(texts).toContain("Surat tugas dari koperasi belum ditandatangani ketua");
    expect(await verifyAuditChain(db).then((r) => r.problems)).toEqual([]);
    const purged = await db.prisma.auditEvent.findFirstOrThrow({ where: { caseId: kase.id, action: "data-purged" } });
    expect(purged.note).toContain(`${files.length} berkas`);

    // A second run: nothing more.
    const again = await purge(yearsLater(closedAt, 3, 1), 2);
    expect(again).toEqual({
      cases: 0,
      answers: 0,
      files: 0,
      messages: 0,
      entries: 0,
      identities: 0,
      trimmedTexts: 0,
      tokens: 0,
      receipts: 0,
      enrolmentCodes: 0,
      staleForms: 0,
      oldMessages: 0,
      generatedFiles: 0,
      blobs: 0,
    });
    expect(await verifyAuditChain(db).then((r) => r.problems)).toEqual([]);
  });

  it("states the office's own retention in the privacy notice, and flows:check refuses a bad setting", async () => {
    const { catalog } = await realCatalog();
    const form = catalog.forms.get("klinik-legalitas")!.value;
    expect(privacyNotice(form, "Dinas X", 2)).toContain("disimpan selama permohonan diproses dan 2 tahun sesudahnya");
    const office = catalog.offices.get("ntt-provinsi")!.office;
    expect(officeSchema.safeParse({ ...office, dataRetention: { yearsAfterClose: 0 } }).success).toBe(false);
    expect(officeSchema.safeParse({ ...office, dataRetention: { yearsAfterClose: 10 } }).success).toBe(true);
  });
});
