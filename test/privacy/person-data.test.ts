// A person's rights over their data, through the console as an admin and through the tools an
// office runs: erasure of a person whose case is closed (everything of theirs gone, the trail
// verifying, the person told), refused for a person whose case is still open or archived;
// an access export holding everything about one person and nothing about another; an answer
// corrected on an open case with only a keyed hash of the old value kept.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderPersonRecord } from "../../src/engine/person-report.ts";
import { verifyAuditChain } from "../../src/store/audit-verify.ts";
import type { Database } from "../../src/store/database.ts";
import { planErasure } from "../../src/store/person-data.ts";
import { exportPerson } from "../../src/store/person-export.ts";
import { realCatalog } from "../helpers/catalog.ts";
import type { Harness } from "../helpers/harness.ts";
import { compiled, repoRoot } from "../helpers/run-bot.ts";
import { consoleDriver } from "../journeys/console-driver.ts";
import { answerFor, budi, legalitasJourney } from "../journeys/conversation-scenarios.ts";

const siti = { name: "Siti Aminah", nik: "5371014506920002", phone: "0813 1111 2222", email: "siti@contoh.id" };
let d = consoleDriver("Budi Santoso");
beforeEach(() => {
  d = consoleDriver("Budi Santoso");
});
afterEach(async () => {
  await d.stop().catch(() => undefined);
});

/** Siti fills and sends the Legalitas form from her own console chat; returns her case code. */
async function sitiApplies(h: Harness): Promise<string> {
  const form = (await realCatalog()).catalog.forms.get("klinik-legalitas")!.value;
  await h.as(`+${siti.name}`);
  const menu = await h.say("Selamat pagi");
  let out = await h.say(new RegExp(`^\\s*(\\d+)\\. ${form.title}$`, "m").exec(menu)?.[1] ?? "");
  for (const field of form.fields) {
    if (out.includes("Pemberitahuan data pribadi")) out = await h.say("SETUJU");
    const answer = answerFor(field, siti);
    if (typeof answer === "string") out = await h.say(answer);
    else {
      for (const file of answer) {
        const dir = path.join(h.dir, "uploads", `siti-${Math.random().toString(36).slice(2)}`);
        mkdirSync(dir, { recursive: true });
        writeFileSync(path.join(dir, file.name), file.bytes);
        out = await h.say(`/berkas ${path.join(dir, file.name)}`);
      }
      if (field.type === "file" && (field.max ?? 1) > 1) out = await h.say("SELESAI");
    }
  }
  const sent = await h.say("KIRIM");
  const code = /Kode permohonan: (\d{1,2}-[A-Z0-9]{5})/.exec(sent)?.[1];
  if (!code) throw new Error(`Siti got no tracking code:\n${out}\n${sent}`);
  return code;
}

async function allText(db: Database): Promise<string> {
  const rows: unknown[] = [
    ...(await db.prisma.case.findMany()),
    ...(await db.prisma.outboxMessage.findMany()),
    ...(await db.prisma.caseEntry.findMany()),
    ...(await db.prisma.formSession.findMany()),
    ...(await db.prisma.chatIdentity.findMany()),
    ...(await db.prisma.storedFile.findMany()),
    ...(await db.prisma.auditEvent.findMany()),
  ];
  return rows.map((r) => JSON.stringify(r)).join("\n");
}

describe("a person's data on request", () => {
  it("exports one person's data and nothing of another, refuses erasure while open or archived, then erases and tells", async () => {
    // One Legalitas journey for Budi (closed) and an application by Siti (open), shared by the checks below.
    await d.start();
    const { code: budiCode, internal } = await legalitasJourney(d);
    const h = d.harness;
    const sitiCode = await sitiApplies(h);
    const db = h.app.db;

    // Access: everything about Budi, nothing about Siti; officials' internal notes counted, not quoted.
    const record = await exportPerson(db, {
      key: { nik: budi.nik },
      officeId: null,
      officeName: "Dinas Koperasi UKM Provinsi NTT",
      timeZone: "Asia/Makassar",
      retentionYears: 5,
      now: h.clock.now(),
    });
    const exported = renderPersonRecord(record);
    expect(exported).toContain(`PERMOHONAN ${budiCode}`);
    for (const mine of [budi.nik, budi.name, budi.phone, budi.email, "surat-tugas-bertanda-tangan.pdf", "Kapan surat rekomendasinya"])
      expect(exported, mine).toContain(mine);
    for (const theirs of [siti.nik, siti.name, siti.phone, siti.email, sitiCode]) expect(exported, theirs).not.toContain(theirs);
    expect(exported).not.toContain(internal);
    expect(exported).toMatch(/Catatan internal petugas: \d+ \(tidak disertakan\)/);

    // A completed case the office must archive is refused, with the reason and the date it goes.
    const archiving = () => ({
      dataRetention: { yearsAfterClose: 5, archive: [{ sops: [30], reason: "Rekomendasi yang terbit adalah arsip Dinas." }] },
    });
    expect((await planErasure(db.reader, { nik: budi.nik }, null, archiving)).refusals).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Permohonan ${budiCode} \\(Layanan Legalitas Koperasi\\): Rekomendasi yang terbit adalah arsip Dinas\\. Data disimpan sampai 2031-03-1\\d, lalu dihapus otomatis\\.$`,
        ),
      ),
    ]);

    // The tools an office runs read the same: the export file, a dry run, a refusal with its reason.
    const env = { PATH: process.env.PATH ?? "", DATABASE_URL: h.databaseUrl, DEMO_DATA: "false", FILES_DIR: path.join(h.dir, "files") };
    const run = (script: string, ...args: string[]) =>
      spawnSync(process.execPath, [compiled(script), ...args], { cwd: repoRoot, env, encoding: "utf8" });
    const out = path.join(h.dir, "budi.txt");
    expect(run("src/cli/data-export-person.ts", "--nik", budi.nik, "--out", out).stderr).toBe("");
    expect(readFileSync(out, "utf8")).toContain(budi.email);
    expect(run("src/cli/data-erase.ts", "--nik", budi.nik, "--dry-run").stdout).toContain("Dry run: nothing was erased.");
    expect(run("src/cli/data-erase.ts", "--nik", siti.nik).stderr).toContain(
      `Permohonan ${sitiCode} (Layanan Legalitas Koperasi) masih diproses`,
    );

    // In chat, as the admin: a bad NIK is explained; Siti's open case refuses; Budi's data goes after YA.
    await h.as("Stefanus Ola");
    expect(await h.say("/hapusdata 1234")).toContain("Tulis NIK pemilik data");
    const refused = await h.say(`/hapusdata ${siti.nik} YA`);
    expect(refused).toContain("Data tidak dapat dihapus sekarang:");
    expect(refused).toContain(`Permohonan ${sitiCode} (Layanan Legalitas Koperasi) masih diproses`);
    const plan = await h.say(`/hapusdata ${budi.nik}`);
    expect(plan).toContain(`Permohonan: ${budiCode} (Layanan Legalitas Koperasi, selesai)`);
    expect(plan).toContain(`Untuk menghapus, kirim: /hapusdata ${budi.nik} YA`);
    expect(await allText(db)).toContain(budi.nik);
    expect(await h.say(`/hapusdata ${budi.nik} YA`)).toContain("Data pribadi telah dihapus (1 permohonan)");
    // Budi is told on his chat (a notice without personal data); the next daily run removes that row too.
    expect(d.inbox("applicant").at(-1)?.text ?? "").toContain("telah menghapus data pribadi Anda");
    await h.tick();

    const text = await allText(db);
    for (const personal of [budi.nik, budi.name, budi.phone, budi.email, 'baru-budi-santoso"', "surat-tugas-bertanda-tangan"])
      expect(
        text.split("\n").filter((row) => row.includes(personal) && !row.includes(`misalnya ${personal}`)),
        personal,
      ).toEqual([]);
    // Siti's data stays; the trail verifies and records the erasure by the admin.
    expect(text).toContain(siti.nik);
    expect((await verifyAuditChain(db)).problems).toEqual([]);
    const kase = await db.prisma.case.findUniqueOrThrow({ where: { code: budiCode } });
    const event = await db.prisma.auditEvent.findFirstOrThrow({ where: { caseId: kase.id, action: "data-erased" } });
    expect(event).toMatchObject({ actorLabel: "Stefanus Ola" });
    expect(event.note).toContain("atas permintaan pemilik data");
    expect(await h.say(`/hapusdata ${budi.nik}`)).toContain("Tidak ada data pribadi dengan NIK itu");
  });

  it("corrects an answer on an open case: checked like the form, the old value kept only as a keyed hash", async () => {
    await d.start();
    const h = d.harness;
    const code = await sitiApplies(h);
    await h.as("Stefanus Ola");
    const list = await h.say(`/koreksi ${code}`);
    const nikLine = /^\s*(\d+)\. NIK[^:]*: (\d+)$/m.exec(list);
    expect(nikLine?.[2]).toBe(siti.nik);
    expect(await h.say(`/koreksi ${code} ${nikLine?.[1]} 12345`)).toContain("NIK harus 16 angka");
    const fixed = "5371014506920003";
    expect(await h.say(`/koreksi ${code} ${nikLine?.[1]} ${fixed}`)).toContain(`diperbaiki menjadi: ${fixed}`);
    const db = h.app.db;
    const kase = await db.prisma.case.findUniqueOrThrow({ where: { code } });
    expect(kase.data).toContain(fixed);
    expect(kase.data).not.toContain(siti.nik);
    const event = await db.prisma.auditEvent.findFirstOrThrow({ where: { caseId: kase.id, action: "answer-corrected" } });
    expect(event.note).toMatch(/nilai lama \(HMAC\): [0-9a-f]{32}$/);
    expect(event.note).not.toContain(siti.nik);
    await h.tick();
    expect(JSON.stringify(await db.prisma.outboxMessage.findMany({ where: { chatId: "console:baru-siti-aminah" } }))).toContain(
      `Data permohonan ${code} diperbaiki oleh petugas`,
    );
    // Correcting the cooperative's name renames the case, as the form named it.
    const coopLine = /^\s*(\d+)\. Nama koperasi: /m.exec(await h.say(`/koreksi ${code}`));
    await h.say(`/koreksi ${code} ${coopLine?.[1]} KSP Sejahtera Bersama`);
    expect((await db.prisma.case.findUniqueOrThrow({ where: { code } })).title).toBe("Layanan Legalitas Koperasi — KSP Sejahtera Bersama");
    expect(await h.say("/koreksi 30-ZZZZZ")).toContain("tidak ditemukan");
  });
});
