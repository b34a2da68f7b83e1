// Leave approval (SOP 20's "Atasan Langsung") and escalation follow each office's own rule: in Bekasi a
// pelaksana answers to their Sub Koordinator (Perbup 99/2021 Pasal 26 ayat (2)); in NTT the Koordinator
// Klinik Layanan is passed over for leave and still hears of its members' overdue steps.
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { consoleIdFor } from "../../src/store/demo-seed.ts";
import { caseCode, startHarness, wita, type Harness } from "../helpers/harness.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

/** Monday 16 March 2026, 09:00 WITA = 08:00 WIB: office hours in NTT and in Bekasi. */
const monday = wita("2026-03-16 09:00");

/** Fictitious Bekasi officials, each with a console identity (NTT's demo officials are seeded by the app). */
async function seedBekasi(harness: Harness): Promise<void> {
  const people: [string, string][] = [
    ["Dedi Kurniawan", "kepala-dinas"],
    ["Rina Marlina", "kabid-kelembagaan-pengawasan"],
    ["Asep Saepudin", "subkoor-kelembagaan-perizinan"],
    ["Siti Rohmah", "admin-klinik-perizinan"],
    ["Wawan Setiawan", "kasubag-kepegawaian-umum"],
  ];
  await harness.app.db.write(async (tx) => {
    for (const [name, position] of people) {
      const officialId = randomUUID();
      await tx.official.create({ data: { id: officialId, officeId: "kabupaten-bekasi", name } });
      await tx.chatIdentity.create({
        data: { id: randomUUID(), channel: "console", externalId: consoleIdFor(name), displayName: name, officialId },
      });
      await tx.positionHolding.create({
        data: { id: randomUUID(), officialId, positionId: `kabupaten-bekasi/${position}`, startsOn: new Date("2025-01-02T00:00:00Z") },
      });
    }
  });
}

describe("SOP 20 leave: the direct superior of the office's own text", () => {
  it("Bekasi: a pelaksana's leave goes to their Sub Koordinator, not past them to the Kepala Bidang", async () => {
    h = await startHarness({ now: monday });
    await seedBekasi(h);
    await h.as("Siti Rohmah");
    await h.say("/buka 20 Cuti tahunan 2 hari, 26-27 Maret 2026");
    const submitted = await h.say("1");
    expect(submitted).toContain("sopbot → Asep Saepudin (Sub Koordinator Kelembagaan dan Perizinan Koperasi):\n  Tugas baru");
    expect(submitted).toContain("Atasan langsung memverifikasi permohonan cuti");
    expect(submitted).not.toContain("Rina Marlina");
  });

  it("NTT: an admin's leave passes over the Koordinator Klinik Layanan to the Kepala Bidang", async () => {
    h = await startHarness({ now: monday });
    await h.as("Benediktus");
    await h.say("/buka 20 Cuti tahunan 2 hari, 26-27 Maret 2026");
    const submitted = await h.say("1");
    expect(submitted).toContain("sopbot → Markus Ndun (Kepala Bidang Kelembagaan dan Pengawasan Koperasi):\n  Tugas baru");
    expect(submitted).not.toContain("Elisabeth Manafe");
  });
});

describe("escalation of an overdue step follows `superior` as written", () => {
  it("Bekasi: to the pelaksana's Sub Koordinator; NTT: to the Koordinator Klinik Layanan, as before", async () => {
    h = await startHarness({ now: monday });
    await seedBekasi(h);
    await h.as("Siti Rohmah");
    const bekasi = caseCode(await h.say("/buka 20 Cuti sakit 1 hari"));
    await h.as("Benediktus");
    const ntt = caseCode(await h.say("/buka 20 Cuti sakit 1 hari"));
    // Step 1 (the employee's own) takes 5 office minutes: escalation at twice that.
    h.clock.set(wita("2026-03-16 09:11"));
    const tick = await h.tick();
    expect(tick).toContain(
      `sopbot → Asep Saepudin (Sub Koordinator Kelembagaan dan Perizinan Koperasi):\n  Eskalasi: langkah 1 dari 5 kasus ${bekasi}`,
    );
    expect(tick).toContain(`sopbot → Elisabeth Manafe (Koordinator Klinik Layanan Koperasi):\n  Eskalasi: langkah 1 dari 5 kasus ${ntt}`);
    expect(tick).not.toContain("sopbot → Rina Marlina");
  });
});
