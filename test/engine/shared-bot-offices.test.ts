// Several offices behind one bot (OFFICES): the applicant chooses their office first, the form and
// its privacy notice are that office's, the case is that office's, only its officials are told, and
// another office's official can neither see nor act on it. KANTOR chooses again.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { realCatalog } from "../helpers/catalog.ts";
import { caseCode, startHarness, wita, type Harness } from "../helpers/harness.ts";
import { answerFor } from "../journeys/conversation-scenarios.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

const ani = { name: "Ani Lado", nik: "5371014506920002", phone: "0813 1111 2222", email: "ani@contoh.id" };

/** Fills a form as a new applicant from the menu already shown; returns everything printed. */
async function fill(h: Harness, formId: string, menu: string): Promise<string> {
  const form = (await realCatalog()).catalog.forms.get(formId)!.value;
  let all = "";
  let out = await h.say(new RegExp(`^\\s*(\\d+)\\. ${form.title}$`, "m").exec(menu)?.[1] ?? "");
  all += out;
  for (const field of form.fields) {
    if (out.includes("Pemberitahuan data pribadi")) all += out = await h.say("SETUJU");
    const answer = answerFor(field, ani);
    if (typeof answer === "string") all += out = await h.say(answer);
    else {
      for (const file of answer) {
        const dir = path.join(h.dir, "uploads", Math.random().toString(36).slice(2));
        mkdirSync(dir, { recursive: true });
        writeFileSync(path.join(dir, file.name), file.bytes);
        all += out = await h.say(`/berkas ${path.join(dir, file.name)}`);
      }
      if (field.type === "file" && (field.max ?? 1) > 1) all += out = await h.say("SELESAI");
    }
  }
  return all + (await h.say("KIRIM"));
}

describe("several offices behind one bot (OFFICES)", () => {
  it("the applicant chooses the office; its case reaches only that office's officials", async () => {
    h = await startHarness({ now: wita("2026-03-16 08:00"), env: { OFFICES: "ntt-provinsi,kota-kupang" } });
    await h.app.db.write(async (tx) => {
      await tx.official.create({ data: { id: "kpg-admin", officeId: "kota-kupang", name: "Yulius Kupang", isAdmin: true } });
      await tx.chatIdentity.create({
        data: { id: "kpg-admin-c", channel: "console", externalId: "yulius-kupang", officialId: "kpg-admin" },
      });
    });

    await h.as("+Ani Lado");
    const choice = await h.say("Selamat pagi");
    expect(choice).toContain("Pilih kantor Dinas yang Anda tuju:");
    expect(choice).toMatch(
      /1\. Dinas Koperasi, Usaha Kecil dan Menengah Provinsi Nusa Tenggara Timur\n {2}2\. Dinas Koperasi, Usaha Kecil dan Menengah Kota Kupang/,
    );
    expect(await h.say("7")).toContain("Pilih kantor Dinas yang Anda tuju:");
    // KANTOR chooses again; the menu names the office chosen.
    await h.say("1");
    expect(await h.say("KANTOR")).toContain("Pilih kantor Dinas yang Anda tuju:");
    const menu = await h.say("2");
    expect(menu).toContain("Selamat datang di layanan Dinas Koperasi, Usaha Kecil dan Menengah Kota Kupang.");
    expect(menu).toContain("Ketik KANTOR untuk memilih kantor lain.");

    const sent = await fill(h, "keberatan-informasi", menu);
    expect(sent).toContain("Dinas Koperasi, Usaha Kecil dan Menengah Kota Kupang akan meminta data pribadi Anda");
    const code = /Kode permohonan: (\d{1,2}-[A-Z0-9]{5})/.exec(sent)?.[1] ?? "";
    expect(code).not.toBe("");
    const kase = await h.app.db.prisma.case.findUniqueOrThrow({ where: { code } });
    expect(kase.officeId).toBe("kota-kupang");
    // Only Kupang's official is told (nobody holds the SOP's positions there yet: its admin sees it).
    const told = [...sent.matchAll(/sopbot → ([^(:\n]+?)(?: \(|:)/g)].map((m) => m[1]).filter((n) => !n?.startsWith("Ani Lado"));
    expect(new Set(told)).toEqual(new Set(["Yulius Kupang"]));

    // Later, LAYANAN shows the services of the office she applied to (her session ended with the form).
    expect(await h.say("LAYANAN")).toContain("Selamat datang di layanan Dinas Koperasi, Usaha Kecil dan Menengah Kota Kupang.");

    // The province's admin can neither see nor act on it.
    await h.as("Stefanus Ola");
    expect(await h.say(`/kasus ${code}`)).toContain(`Kasus ${code} tidak ditemukan di antara kasus yang dapat Anda lihat.`);
    expect(await h.say("/tugas")).not.toContain(code);
    await h.as("Yulius Kupang");
    expect(await h.say("/tugas")).toContain(code);
  });

  it("one office served: no choice, the menu as before", async () => {
    h = await startHarness({ now: wita("2026-03-16 08:00") });
    await h.as("+Budi Baru");
    const menu = await h.say("Selamat pagi");
    expect(menu).toContain("Selamat datang di layanan Dinas Koperasi, Usaha Kecil dan Menengah Provinsi Nusa Tenggara Timur.");
    expect(menu).not.toContain("KANTOR");
  });

  it("each office's morning digest goes at 07:30 in its own time zone (the province in WITA, Batam in WIB)", async () => {
    // Friday 13 March 2026, before office hours in both offices.
    h = await startHarness({ now: new Date("2026-03-13T07:00:00+08:00"), env: { OFFICES: "ntt-provinsi,kota-batam" } });
    await h.app.db.write(async (tx) => {
      await tx.official.create({ data: { id: "btm-admin", officeId: "kota-batam", name: "Rina Batam", isAdmin: true } });
      await tx.chatIdentity.create({ data: { id: "btm-admin-c", channel: "console", externalId: "rina-batam", officialId: "btm-admin" } });
    });
    // An open case in each office, with a step for its official.
    await h.as("Rina Batam");
    const batam = caseCode(await h.say("/buka 18 KGB Staf Batam"));
    await h.as("Stefanus Ola");
    await h.say("/buka 18 KGB Benediktus Nahak");
    expect((await h.app.db.prisma.case.findUniqueOrThrow({ where: { code: batam } })).officeId).toBe("kota-batam");

    // 07:31 WITA is 06:31 WIB: the province's officials get their digest, Batam's not yet.
    h.clock.set(new Date("2026-03-13T07:31:00+08:00"));
    const atWita = await h.tick();
    expect(atWita).toContain("sopbot → Maria Goreti Bria (Sekretaris):\n  Selamat pagi.");
    expect(atWita).not.toMatch(/sopbot → Rina Batam[^\n]*\n {2}Selamat pagi/);
    // 07:31 WIB: Batam's official gets hers, with her own case; nobody gets a second one.
    h.clock.set(new Date("2026-03-13T07:31:00+07:00"));
    const wib = await h.tick();
    expect(wib).toMatch(new RegExp(`sopbot → Rina Batam[^\\n]*\\n {2}Selamat pagi[\\s\\S]*${batam}`));
    expect(wib).not.toContain("sopbot → Maria Goreti Bria (Sekretaris):\n  Selamat pagi.");
  });
});
