// Lets the console act as any person with a console identity, or as a guest (an applicant
// without an account). Used by the console channel's /sebagai.
import type { Persona, PersonaDirectory } from "../engine/ports.ts";
import type { Database } from "./database.ts";

export const guestPersona: Persona = { externalId: "tamu", label: "Tamu (pemohon)" };

export function createConsolePersonas(db: Database, clock: { now(): Date }): PersonaDirectory {
  const { prisma } = db;

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
      const people = await all();
      const exact = people.filter((p) => p.name.toLowerCase() === q || p.titles.some((t) => t.toLowerCase() === q));
      if (exact.length > 0) return exact;
      return people.filter(
        (p) => p.name.toLowerCase().includes(q) || p.titles.some((t) => t.toLowerCase().includes(q)),
      );
    },
    async label(externalId) {
      if (externalId === guestPersona.externalId) return guestPersona.label;
      return (await all()).find((p) => p.externalId === externalId)?.label ?? externalId;
    },
  };
}
