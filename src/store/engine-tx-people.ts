// The case engine's ports for people: officials, positions, chat identities, delegations,
// enrolment codes, form sessions and the staff register (see engine-store.ts).
import { randomUUID } from "node:crypto";
import type { DelegationRow, EngineTx, FormSessionRow, OfficialRow } from "../engine/case-ports.ts";
import type { ChannelName } from "../engine/types.ts";
import type { Tx } from "./database.ts";
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

export function peoplePorts(tx: Tx): PeoplePorts {
  // Officials and their chat addresses as this transaction read them (a press asks for the same
  // ones several times); forgotten when this transaction changes an identity.
  const officials = new Map<string, OfficialRow | null>();
  const addresses = new Map<string, { channel: ChannelName; chatId: string }[]>();
  return {
    async official(id) {
      if (officials.has(id)) return officials.get(id) ?? null;
      const o = await tx.official.findUnique({ where: { id } });
      const row = o ? officialRow(o) : null;
      officials.set(id, row);
      return row;
    },
    async officialsOfOffice(officeId) {
      return (await tx.official.findMany({ where: { officeId, active: true }, orderBy: { createdAt: "asc" } })).map(officialRow);
    },
    async holders(officeId, positionKey, on) {
      const holdings = await tx.positionHolding.findMany({
        where: { positionId: `${officeId}/${positionKey}`, ...activeOn(on), official: { active: true } },
        include: { official: true },
        orderBy: { startsOn: "asc" },
      });
      return holdings.map((h) => officialRow(h.official));
    },
    async positionsOf(officialId, on) {
      const holdings = await tx.positionHolding.findMany({ where: { officialId, ...activeOn(on) }, include: { position: true } });
      return holdings.map((h) => h.position.key);
    },
    async officialByIdentity(channel, externalId) {
      const identity = await tx.chatIdentity.findFirst({
        where: { channel, OR: [{ externalId }, { alias: externalId }], officialId: { not: null } },
        include: { official: true },
      });
      if (identity?.official) officials.set(identity.official.id, officialRow(identity.official));
      return identity?.official?.active ? officialRow(identity.official) : null;
    },
    async addressesOf(officialId) {
      const known = addresses.get(officialId);
      if (known) return known.map((a) => ({ ...a }));
      const identities = await tx.chatIdentity.findMany({ where: { officialId }, orderBy: { createdAt: "asc" } });
      const found = identities
        .map((i) => ({
          channel: i.channel as ChannelName,
          chatId: i.channel === "console" ? `console:${i.externalId}` : i.externalId,
        }))
        .sort((a, b) => channelPriority.indexOf(a.channel) - channelPriority.indexOf(b.channel));
      addresses.set(officialId, found);
      return found.map((a) => ({ ...a }));
    },
    async linkIdentity(channel, externalId, officialId, displayName, at) {
      addresses.clear();
      await tx.chatIdentity.upsert({
        where: { channel_externalId: { channel, externalId } },
        create: { id: randomUUID(), channel, externalId, officialId, displayName, createdAt: at },
        update: { officialId, displayName },
      });
    },
    async createDelegation(row) {
      await tx.delegation.create({ data: row });
    },
    async updateDelegation(id, patch) {
      await tx.delegation.update({ where: { id }, data: patch });
    },
    async delegations(officeId) {
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
