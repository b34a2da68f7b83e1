// The case engine's ports for people: officials, positions, chat identities, delegations,
// enrolment codes, form sessions and the staff register (see engine-store.ts).
import { randomUUID } from "node:crypto";
import type { DelegationRow, EngineTx, FormSessionRow, OfficialRow } from "../engine/case-ports.ts";
import type { ChannelName } from "../engine/types.ts";
import type { Tx } from "./database.ts";
import type { DirectoryCache, DirectorySnapshot, HoldingEntry } from "./directory-cache.ts";
import type { Delegation as DelegationModel } from "./generated/client.ts";

const channelPriority: ChannelName[] = ["telegram", "whatsapp", "console"];

function toDelegation(d: DelegationModel): DelegationRow {
  return { ...d, kind: d.kind as DelegationRow["kind"] };
}

const activeOn = (on: Date) => ({ startsOn: { lte: on }, OR: [{ endsOn: null }, { endsOn: { gt: on } }] });

const officialRow = (o: { id: string; officeId: string; name: string; isAdmin: boolean; active: boolean }): OfficialRow => ({
  id: o.id,
  officeId: o.officeId,
  name: o.name,
  isAdmin: o.isAdmin,
  active: o.active,
});

type PeoplePorts = Pick<
  EngineTx,
  | "official"
  | "officialsOfOffice"
  | "holders"
  | "positionsOf"
  | "officialByIdentity"
  | "addressesOf"
  | "linkIdentity"
  | "createDelegation"
  | "updateDelegation"
  | "delegations"
  | "createEnrolmentCode"
  | "enrolmentByHash"
  | "markEnrolmentUsed"
  | "formSession"
  | "saveFormSession"
  | "deleteFormSession"
  | "employees"
  | "staffMilestoneKeys"
  | "recordStaffMilestone"
  | "officialByNip"
  | "claimDigest"
  | "digestClaimed"
>;

/** A transaction's view of the directory: the process's snapshot until this transaction changes the directory itself. */
export interface DirectoryView {
  /** The snapshot, or null once this transaction changed the directory (then read the tables: they hold its own writes). */
  snapshot(): Promise<DirectorySnapshot | null>;
  changed(): void;
  /** The directory's version, read by another statement of this transaction (one read fewer). */
  versionRead(version: number): void;
}

export function directoryView(tx: Tx, cache: DirectoryCache | undefined): DirectoryView {
  let changed = !cache;
  let taken: Promise<DirectorySnapshot> | undefined;
  let version: number | undefined;
  return {
    snapshot: async () => {
      if (changed || !cache) return null;
      taken ??= cache.snapshot(tx, version);
      return taken;
    },
    changed: () => {
      changed = true;
    },
    versionRead: (read) => {
      version ??= read;
    },
  };
}

const activeAt = (h: HoldingEntry, on: Date) => h.startsOn <= on && (h.endsOn === null || h.endsOn > on);
const plain = ({ nip: _nip, ...row }: OfficialRow & { nip: string | null }): OfficialRow => ({ ...row });

function addressList(identities: readonly { channel: string; externalId: string }[]): { channel: ChannelName; chatId: string }[] {
  return identities
    .map((i) => ({
      channel: i.channel as ChannelName,
      chatId: i.channel === "console" ? `console:${i.externalId}` : i.externalId,
    }))
    .sort((a, b) => channelPriority.indexOf(a.channel) - channelPriority.indexOf(b.channel));
}

export function peoplePorts(tx: Tx, directory: DirectoryView = directoryView(tx, undefined)): PeoplePorts {
  // Officials and their chat addresses as this transaction read them, when it reads the tables
  // (a press asks for the same ones several times); forgotten when this transaction changes an identity.
  const officials = new Map<string, OfficialRow | null>();
  const addresses = new Map<string, { channel: ChannelName; chatId: string }[]>();
  return {
    async official(id) {
      const dir = await directory.snapshot();
      if (dir) {
        const o = dir.officials.get(id);
        return o ? plain(o) : null;
      }
      if (officials.has(id)) return officials.get(id) ?? null;
      const o = await tx.official.findUnique({ where: { id } });
      const row = o ? officialRow(o) : null;
      officials.set(id, row);
      return row;
    },
    async officialsOfOffice(officeId) {
      const dir = await directory.snapshot();
      if (dir) return [...dir.officials.values()].filter((o) => o.officeId === officeId && o.active).map(plain);
      return (await tx.official.findMany({ where: { officeId, active: true }, orderBy: { createdAt: "asc" } })).map(officialRow);
    },
    async holders(officeId, positionKey, on) {
      const dir = await directory.snapshot();
      if (dir) {
        const positionId = `${officeId}/${positionKey}`;
        return dir.holdings
          .filter((h) => h.positionId === positionId && activeAt(h, on))
          .map((h) => dir.officials.get(h.officialId))
          .filter((o) => o?.active === true)
          .map((o) => plain(o!));
      }
      const holdings = await tx.positionHolding.findMany({
        where: { positionId: `${officeId}/${positionKey}`, ...activeOn(on), official: { active: true } },
        include: { official: true },
        orderBy: { startsOn: "asc" },
      });
      return holdings.map((h) => officialRow(h.official));
    },
    async positionsOf(officialId, on) {
      const dir = await directory.snapshot();
      if (dir) {
        return dir.holdings
          .filter((h) => h.officialId === officialId && activeAt(h, on))
          .map((h) => h.positionId.slice(h.positionId.indexOf("/") + 1));
      }
      const holdings = await tx.positionHolding.findMany({ where: { officialId, ...activeOn(on) }, include: { position: true } });
      return holdings.map((h) => h.position.key);
    },
    async officialByIdentity(channel, externalId) {
      const dir = await directory.snapshot();
      if (dir) {
        const o = dir.officials.get(dir.byIdentity.get(`${channel}|${externalId}`) ?? "");
        return o?.active ? plain(o) : null;
      }
      const identity = await tx.chatIdentity.findFirst({
        where: { channel, OR: [{ externalId }, { alias: externalId }], officialId: { not: null } },
        include: { official: true },
      });
      if (identity?.official) officials.set(identity.official.id, officialRow(identity.official));
      return identity?.official?.active ? officialRow(identity.official) : null;
    },
    async addressesOf(officialId) {
      const dir = await directory.snapshot();
      if (dir) return addressList(dir.identitiesOf.get(officialId) ?? []);
      const known = addresses.get(officialId);
      if (known) return known.map((a) => ({ ...a }));
      const found = addressList(await tx.chatIdentity.findMany({ where: { officialId }, orderBy: { createdAt: "asc" } }));
      addresses.set(officialId, found);
      return found.map((a) => ({ ...a }));
    },
    async linkIdentity(channel, externalId, officialId, displayName, at) {
      directory.changed();
      addresses.clear();
      await tx.chatIdentity.upsert({
        where: { channel_externalId: { channel, externalId } },
        create: { id: randomUUID(), channel, externalId, officialId, displayName, createdAt: at },
        update: { officialId, displayName },
      });
    },
    async createDelegation(row) {
      directory.changed();
      await tx.delegation.create({ data: row });
    },
    async updateDelegation(id, patch) {
      directory.changed();
      await tx.delegation.update({ where: { id }, data: patch });
    },
    async delegations(officeId) {
      const dir = await directory.snapshot();
      if (dir) return (dir.delegationsOf.get(officeId) ?? []).map((d) => ({ ...d }));
      return (await tx.delegation.findMany({ where: { officeId }, orderBy: { startsAt: "asc" } })).map(toDelegation);
    },
    async createEnrolmentCode(row) {
      await tx.enrolmentCode.create({ data: row });
    },
    async enrolmentByHash(codeHash) {
      return tx.enrolmentCode.findUnique({ where: { codeHash } });
    },
    async markEnrolmentUsed(id, at) {
      await tx.enrolmentCode.update({ where: { id }, data: { usedAt: at } });
    },
    async formSession(chatKey) {
      const row = await tx.formSession.findUnique({ where: { chatKey } });
      return row ? { ...row, kind: row.kind as FormSessionRow["kind"], state: JSON.parse(row.state) as Record<string, unknown> } : null;
    },
    async saveFormSession(row) {
      const data = { ...row, state: JSON.stringify(row.state) };
      await tx.formSession.upsert({ where: { chatKey: row.chatKey }, create: data, update: data });
    },
    async deleteFormSession(chatKey) {
      await tx.formSession.deleteMany({ where: { chatKey } });
    },
    async employees(officeId) {
      return tx.employee.findMany({
        where: { officeId, active: true },
        select: {
          id: true,
          officeId: true,
          nip: true,
          name: true,
          positionTitle: true,
          positionKind: true,
          grade: true,
          initialGrade: true,
          birthDate: true,
          tmtCpns: true,
          lastKgb: true,
          lastPromotion: true,
          retirementAgeOverride: true,
          nextKgbOverride: true,
          nextPromotionOverride: true,
        },
      });
    },
    async staffMilestoneKeys(officeId) {
      const ids = (await tx.employee.findMany({ where: { officeId }, select: { id: true } })).map((e) => e.id);
      const rows = await tx.staffMilestone.findMany({
        where: { employeeId: { in: ids } },
        select: { employeeId: true, kind: true, tmt: true, milestone: true },
      });
      return new Set(rows.map((r) => `${r.employeeId}|${r.kind}|${r.tmt}|${r.milestone}`));
    },
    async recordStaffMilestone(row) {
      await tx.staffMilestone.upsert({
        where: { employeeId_kind_tmt_milestone: { employeeId: row.employeeId, kind: row.kind, tmt: row.tmt, milestone: row.milestone } },
        create: row,
        update: {},
      });
    },
    async officialByNip(officeId, nip) {
      const dir = await directory.snapshot();
      if (dir) {
        const o = [...dir.officials.values()].find((x) => x.officeId === officeId && x.nip === nip && x.active);
        return o ? plain(o) : null;
      }
      const o = await tx.official.findFirst({ where: { officeId, nip, active: true } });
      return o ? officialRow(o) : null;
    },
    async digestClaimed(officialId, date) {
      return (await tx.digestSent.findUnique({ where: { officialId_date: { officialId, date } } })) !== null;
    },
    async claimDigest(officialId, date, at) {
      const existing = await tx.digestSent.findUnique({ where: { officialId_date: { officialId, date } } });
      if (existing) return false;
      await tx.digestSent.create({ data: { officialId, date, sentAt: at } });
      return true;
    },
  };
}
