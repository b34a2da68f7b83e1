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

function nipOf(birth: string, tmtCpns: string, gender: 1 | 2, serial: number): string {
  return `${birth.replace(/-/g, "")}${tmtCpns.slice(0, 7).replace("-", "")}${gender}${String(serial).padStart(3, "0")}`;
}

/**
 * Fictitious register entries for the demo office, with dates relative to `today` so the console
 * always has something due: a KGB in two months, a pension in eight, a promotion period in one.
 * Runs only when the office has no employees yet; links the demo officials by NIP.
 */
export async function seedDemoEmployees(db: Database, officeId: string, today: string): Promise<number> {
  const { addMonths } = await import("../domain/staff-rules.ts");
  const firstOf = (date: string) => `${date.slice(0, 7)}-01`;
  const bupBirth = firstOf(addMonths(addMonths(today, 7), -58 * 12)).replace(/-01$/, "-15");
  const people = [
    {
      name: "Yohanes Seran",
      title: "Pengelola Kepegawaian",
      kind: "pelaksana",
      grade: "III/a",
      birth: "1990-05-05",
      tmt: "2015-03-01",
      g: 1 as const,
      lastKgb: addMonths(today, -22),
      lastPromotion: "2023-04-01",
    },
    {
      name: "Markus Ndun",
      title: "Kepala Bidang Kelembagaan dan Pengawasan Koperasi",
      kind: "administrator",
      grade: "IV/a",
      birth: bupBirth,
      tmt: "1995-03-01",
      g: 1 as const,
      lastKgb: addMonths(today, -10),
      lastPromotion: "2021-10-01",
    },
    {
      name: "Kristina Bere",
      title: "Arsiparis Terampil",
      kind: "fungsional-keterampilan",
      grade: "II/c",
      birth: "1994-09-12",
      tmt: "2019-02-01",
      g: 2 as const,
      lastKgb: addMonths(today, -6),
      lastPromotion: addMonths(today, -23),
    },
    {
      name: "Fransiska Nona Lodo",
      title: "Kepala Sub Bagian Kepegawaian dan Umum",
      kind: "pengawas",
      grade: "III/d",
      birth: "1980-11-02",
      tmt: "2006-01-01",
      g: 2 as const,
      lastKgb: addMonths(today, -13),
      lastPromotion: "2024-04-01",
    },
    {
      name: "Simon Tualaka",
      title: "Bendahara Gaji",
      kind: "pelaksana",
      grade: "III/b",
      birth: "1987-07-21",
      tmt: "2011-04-01",
      g: 1 as const,
      lastKgb: addMonths(today, -4),
      lastPromotion: "2025-02-01",
    },
  ];
  return db.write(async (tx) => {
    if ((await tx.employee.count({ where: { officeId } })) > 0) return 0;
    for (const [i, p] of people.entries()) {
      const nip = nipOf(p.birth, p.tmt, p.g, i + 1);
      await tx.employee.create({
        data: {
          id: randomUUID(),
          officeId,
          nip,
          name: p.name,
          positionTitle: p.title,
          positionKind: p.kind,
          grade: p.grade,
          initialGrade: null,
          birthDate: p.birth,
          tmtCpns: p.tmt,
          gender: p.g === 1 ? "male" : "female",
          lastKgb: p.lastKgb,
          lastPromotion: p.lastPromotion,
          importedAt: new Date(),
        },
      });
      await tx.official.updateMany({ where: { officeId, name: p.name }, data: { nip } });
    }
    return people.length;
  });
}
