// Demo data for the embedded default: fictitious officials of the NTT province office, each with
// a console identity, so the console chat has people to act as on first run. Runs only when the
// office has no officials yet, so it never touches real data.
import { randomUUID } from "node:crypto";
import type { Database } from "./database.ts";

interface DemoOfficial {
  name: string;
  positions: string[];
  isAdmin?: boolean;
}

/** Fictitious people; any resemblance to real officials is accidental. */
const demoOfficials: DemoOfficial[] = [
  { name: "Stefanus Ola", positions: ["pengadministrasi-umum"], isAdmin: true },
  { name: "Yosef Lamanepa", positions: ["kepala-dinas"] },
  { name: "Maria Goreti Bria", positions: ["sekretaris"] },
  { name: "Agustinus Tefa", positions: ["kasubag-keuangan"] },
  { name: "Fransiska Nona Lodo", positions: ["kasubag-kepegawaian-umum"] },
  { name: "Yohanes Seran", positions: ["pengelola-kepegawaian"] },
  { name: "Rikardus Nggadas", positions: ["pengelola-kepegawaian"] },
  { name: "Kristina Bere", positions: ["arsiparis"] },
  { name: "Simon Tualaka", positions: ["bendahara-gaji"] },
  { name: "Natalia Sogen", positions: ["petugas-ppid"] },
  { name: "Markus Ndun", positions: ["kabid-kelembagaan-pengawasan"] },
  { name: "Elisabeth Manafe", positions: ["koordinator-klinik-layanan"] },
  { name: "Theresia Lake", positions: ["admin-klinik-kelembagaan"] },
  { name: "Benediktus Nahak", positions: ["admin-klinik-perizinan", "admin-klinik-digitalisasi"] },
  { name: "Paulus Mau", positions: ["kabid-pemberdayaan-koperasi"] },
  { name: "Veronika Kolo", positions: ["kabid-pemberdayaan-usaha"] },
];

export function consoleIdFor(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

export interface SeedOutcome {
  created: number;
  skippedPositions: string[];
}

/** Seeds the demo officials into `officeId` unless it already has officials. */
export async function seedDemoOfficials(db: Database, officeId: string, since: Date): Promise<SeedOutcome> {
  return db.write(async (tx) => {
    if ((await tx.official.count({ where: { officeId } })) > 0) return { created: 0, skippedPositions: [] };
    const positions = new Set((await tx.position.findMany({ where: { officeId } })).map((p) => p.key));
    const skippedPositions: string[] = [];
    for (const demo of demoOfficials) {
      const officialId = randomUUID();
      await tx.official.create({
        data: { id: officialId, officeId, name: demo.name, isAdmin: demo.isAdmin ?? false },
      });
      await tx.chatIdentity.create({
        data: { id: randomUUID(), channel: "console", externalId: consoleIdFor(demo.name), displayName: demo.name, officialId },
      });
      for (const key of demo.positions) {
        if (!positions.has(key)) {
          skippedPositions.push(key);
          continue;
        }
        await tx.positionHolding.create({
          data: { id: randomUUID(), officialId, positionId: `${officeId}/${key}`, startsOn: since },
        });
      }
    }
    return { created: demoOfficials.length, skippedPositions };
  });
}
