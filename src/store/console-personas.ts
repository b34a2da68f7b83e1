// Lets the console act as any person with a console identity, or as a guest (an applicant
// without an account). Used by the console channel's /sebagai.
import type { Persona, PersonaDirectory } from "../engine/ports.ts";
import type { Database } from "./database.ts";

/** Lower-cases and expands the abbreviations officials use: Kasubag, Kabid, Kadis, Sekdis. */
export function normalizeRoleText(text: string): string {
  return ` ${text.toLowerCase().replace(/[.,()/]/g, " ")} `
    .replace(/\s(kasubbag|kasubag|kasub)\s/g, " kepala sub bagian ")
    .replace(/\skabid\s/g, " kepala bidang ")
    .replace(/\skadis\s/g, " kepala dinas ")
    .replace(/\ssekdis\s/g, " sekretaris ")
    .replace(/\s+/g, " ")
    .trim();
}

export const guestPersona: Persona = { externalId: "tamu", label: "Tamu (pemohon)" };

export function createConsolePersonas(db: Database, clock: { now(): Date }): PersonaDirectory {
  const { prisma } = db;
  /** Display names of the new (unlinked) people this console created with "/sebagai +Nama". */
  const newcomers = new Map<string, string>();

  async function all(): Promise<(Persona & { name: string; titles: string[]; isAdmin: boolean })[]> {
    const now = clock.now();
    const identities = await prisma.chatIdentity.findMany({
      where: { channel: "console", officialId: { not: null } },
      include: {
        official: {
          include: {
            holdings: {
              where: { startsOn: { lte: now }, OR: [{ endsOn: null }, { endsOn: { gt: now } }] },
              include: { position: true },
            },
          },
        },
      },
      orderBy: { createdAt: "asc" },
    });
    return identities.flatMap((identity) => {
      const official = identity.official;
      if (!official?.active) return [];
      const titles = official.holdings.map((h) => h.position.title);
      const label = titles.length > 0 ? `${official.name} (${titles.join(", ")})` : official.name;
      return [{ externalId: identity.externalId, label, name: official.name, titles, isAdmin: official.isAdmin }];
    });
  }

  return {
    async initial() {
      const people = await all();
      return people.find((p) => p.isAdmin) ?? people[0] ?? guestPersona;
    },
    async search(query) {
      const q = query.toLowerCase().trim();
      if (["tamu", "pemohon", "guest"].includes(q)) return [guestPersona];
      if (q.startsWith("+")) {
        // A new, unlinked person (an official about to enrol, or another applicant).
        const name = query.trim().slice(1).trim();
        const externalId = `baru-${name
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, "-")
          .replace(/^-|-$/g, "")}`;
        const linked = (await all()).find((p) => p.externalId === externalId);
        newcomers.set(externalId, `${name} (belum terdaftar)`);
        return [linked ?? { externalId, label: `${name} (belum terdaftar)` }];
      }
      const people = await all();
      const exact = people.filter((p) => p.name.toLowerCase() === q || p.titles.some((t) => t.toLowerCase() === q));
      if (exact.length > 0) return exact;
      // Every word of the query must appear in the name or in one position title.
      const words = normalizeRoleText(q).split(" ");
      return people.filter((p) =>
        [p.name, ...p.titles].some((field) => {
          const hay = ` ${normalizeRoleText(field)} `;
          return words.every((w) => hay.includes(` ${w}`));
        }),
      );
    },
    async label(externalId) {
      if (externalId === guestPersona.externalId) return guestPersona.label;
      const found = (await all()).find((p) => p.externalId === externalId);
      if (found) return found.label;
      return newcomers.get(externalId) ?? (externalId.startsWith("baru-") ? `${externalId.slice(5)} (belum terdaftar)` : externalId);
    },
  };
}
