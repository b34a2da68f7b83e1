// The Directory port on Prisma, and the sync that mirrors flows/offices into the database.
import type { LoadedOffice } from "../domain/catalog.ts";
import type { Directory, HeldPosition, OfficialView, PositionView } from "../engine/ports.ts";
import type { ChannelName } from "../engine/types.ts";
import type { Database } from "./database.ts";

/**
 * Mirrors offices, units and positions from the catalog (the YAML is the source of truth). An
 * unchanged office (same file hash) costs one read; a new one is inserted in three statements; a
 * changed one is upserted row by row.
 */
export async function syncOffices(db: Database, offices: Iterable<LoadedOffice>): Promise<void> {
  for (const { office, hash } of offices) {
    await db.write(async (tx) => {
      const existing = await tx.office.findUnique({ where: { id: office.id } });
      if (existing?.flowHash === hash) return;
      const data = { name: office.name, shortName: office.shortName, timeZone: office.timeZone, flowHash: hash };
      const units = office.units.map((unit, i) => ({
        id: `${office.id}/${unit.id}`,
        officeId: office.id,
        key: unit.id,
        name: unit.name,
        parentKey: unit.parent,
        sortOrder: i,
      }));
      const positions = office.positions.map((position, i) => ({
        id: `${office.id}/${position.id}`,
        officeId: office.id,
        key: position.id,
        title: position.title,
        unitKey: position.unit,
        superiorKey: position.superior,
        kind: position.kind,
        sortOrder: i,
      }));
      if (!existing) {
        await tx.office.create({ data: { id: office.id, ...data } });
        await tx.unit.createMany({ data: units });
        await tx.position.createMany({ data: positions });
        return;
      }
      await tx.office.update({ where: { id: office.id }, data });
      for (const { id, officeId, key, ...row } of units) {
        await tx.unit.upsert({ where: { id }, create: { id, officeId, key, ...row }, update: row });
      }
      for (const { id, officeId, key, ...row } of positions) {
        await tx.position.upsert({ where: { id }, create: { id, officeId, key, ...row }, update: row });
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
