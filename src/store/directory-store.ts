// The Directory port on Prisma, and the sync that mirrors flows/offices into the database.
import type { LoadedOffice } from "../domain/catalog.ts";
import type { Directory, HeldPosition, OfficialView, PositionView } from "../engine/ports.ts";
import type { ChannelName } from "../engine/types.ts";
import type { Database } from "./database.ts";

/** Upserts offices, units and positions from the catalog (the YAML is the source of truth). */
export async function syncOffices(db: Database, offices: Iterable<LoadedOffice>): Promise<void> {
  for (const { office, hash } of offices) {
    await db.write(async (tx) => {
      const existing = await tx.office.findUnique({ where: { id: office.id } });
      if (existing?.flowHash === hash) return;
      const data = { name: office.name, shortName: office.shortName, timeZone: office.timeZone, flowHash: hash };
      await tx.office.upsert({ where: { id: office.id }, create: { id: office.id, ...data }, update: data });
      for (const [i, unit] of office.units.entries()) {
        const row = { name: unit.name, parentKey: unit.parent, sortOrder: i };
        await tx.unit.upsert({
          where: { id: `${office.id}/${unit.id}` },
          create: { id: `${office.id}/${unit.id}`, officeId: office.id, key: unit.id, ...row },
          update: row,
        });
      }
      for (const [i, position] of office.positions.entries()) {
        const row = {
          title: position.title,
          unitKey: position.unit,
          superiorKey: position.superior,
          kind: position.kind,
          sortOrder: i,
        };
        await tx.position.upsert({
          where: { id: `${office.id}/${position.id}` },
          create: { id: `${office.id}/${position.id}`, officeId: office.id, key: position.id, ...row },
          update: row,
        });
      }
    });
  }
}

const activeOn = (on: Date) => ({ startsOn: { lte: on }, OR: [{ endsOn: null }, { endsOn: { gt: on } }] });

export function createDirectoryStore(db: Database): Directory {
  const { prisma } = db;

  async function unitNames(officeId: string): Promise<Map<string, string>> {
    const units = await prisma.unit.findMany({ where: { officeId } });
    return new Map(units.map((u) => [u.key, u.name]));
  }

  async function toView(officialId: string, on: Date): Promise<OfficialView | null> {
    const official = await prisma.official.findUnique({
      where: { id: officialId },
      include: { holdings: { where: activeOn(on), include: { position: true }, orderBy: { startsOn: "asc" } } },
    });
    if (!official || !official.active) return null;
    const units = await unitNames(official.officeId);
    const positions: HeldPosition[] = official.holdings.map((h) => ({
      positionKey: h.position.key,
      title: h.position.title,
      unitName: units.get(h.position.unitKey) ?? h.position.unitKey,
      startsOn: h.startsOn,
      endsOn: h.endsOn,
    }));
    return { id: official.id, officeId: official.officeId, name: official.name, isAdmin: official.isAdmin, positions };
  }

  return {
    async office(officeId) {
      const office = await prisma.office.findUnique({ where: { id: officeId } });
      return office ? { id: office.id, name: office.name, shortName: office.shortName, timeZone: office.timeZone } : null;
    },
    async positions(officeId, on): Promise<PositionView[]> {
      const [positions, units] = await Promise.all([
        prisma.position.findMany({
          where: { officeId },
          orderBy: { sortOrder: "asc" },
          include: { holdings: { where: activeOn(on), include: { official: true } } },
        }),
        unitNames(officeId),
      ]);
      return positions.map((p) => ({
        key: p.key,
        title: p.title,
        unitName: units.get(p.unitKey) ?? p.unitKey,
        superiorKey: p.superiorKey,
        holders: p.holdings.filter((h) => h.official.active).map((h) => ({ officialId: h.officialId, name: h.official.name })),
      }));
    },
    official: (officialId, on) => toView(officialId, on),
    async officialByIdentity(channel: ChannelName, externalId: string, on: Date) {
      const identity = await prisma.chatIdentity.findFirst({
        where: { channel, OR: [{ externalId }, { alias: externalId }] },
      });
      if (!identity?.officialId) return null;
      return toView(identity.officialId, on);
    },
  };
}
