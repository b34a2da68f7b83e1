// The directory in memory: officials, their chat identities, position holdings and delegations, as
// of a DirectoryVersion (moved by database triggers on every change, whoever makes it: this process,
// a CLI, another instance). A transaction reads the version once (one statement) and uses the
// snapshot while the version matches, instead of a handful of directory queries per press.
import type { DelegationRow, OfficialRow } from "../engine/case-ports.ts";
import type { ChannelName } from "../engine/types.ts";
import type { Tx } from "./database.ts";
import { queryRows } from "./raw-statements.ts";
import { sql } from "./sql.ts";

export interface HoldingEntry {
  officialId: string;
  positionId: string;
  startsOn: Date;
  endsOn: Date | null;
}

interface IdentityEntry {
  channel: ChannelName;
  externalId: string;
  officialId: string;
}

export interface DirectorySnapshot {
  readonly version: number;
  /** Every official, active or not, in the order they were created. */
  readonly officials: ReadonlyMap<string, OfficialRow & { nip: string | null }>;
  /** An official's chat addresses, in the order they were linked. */
  readonly identitiesOf: ReadonlyMap<string, readonly IdentityEntry[]>;
  /** The official linked to `${channel}|${externalId or alias}`. */
  readonly byIdentity: ReadonlyMap<string, string>;
  readonly holdings: readonly HoldingEntry[];
  readonly delegationsOf: ReadonlyMap<string, readonly DelegationRow[]>;
}

export interface DirectoryCache {
  /**
   * The snapshot for this transaction: the kept one when the version still matches, else read anew.
   * `known`: the version as this transaction already read it (else it is read here).
   */
  snapshot(tx: Tx, known?: number): Promise<DirectorySnapshot>;
  /** How often the directory was read whole (for tests and benchmarks). */
  readonly loads: number;
}

async function load(tx: Tx, version: number): Promise<DirectorySnapshot> {
  const [officials, identities, holdings, delegations] = [
    await tx.official.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
    await tx.chatIdentity.findMany({ where: { officialId: { not: null } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
    await tx.positionHolding.findMany({ orderBy: [{ startsOn: "asc" }, { id: "asc" }] }),
    await tx.delegation.findMany({ orderBy: [{ startsAt: "asc" }, { id: "asc" }] }),
  ];
  const identitiesOf = new Map<string, IdentityEntry[]>();
  const byIdentity = new Map<string, string>();
  for (const i of identities) {
    if (!i.officialId) continue;
    const entry = { channel: i.channel as ChannelName, externalId: i.externalId, officialId: i.officialId };
    identitiesOf.set(i.officialId, [...(identitiesOf.get(i.officialId) ?? []), entry]);
    byIdentity.set(`${i.channel}|${i.externalId}`, i.officialId);
    if (i.alias && !byIdentity.has(`${i.channel}|${i.alias}`)) byIdentity.set(`${i.channel}|${i.alias}`, i.officialId);
  }
  const delegationsOf = new Map<string, DelegationRow[]>();
  for (const d of delegations) {
    delegationsOf.set(d.officeId, [...(delegationsOf.get(d.officeId) ?? []), { ...d, kind: d.kind as DelegationRow["kind"] }]);
  }
  return {
    version,
    officials: new Map(
      officials.map((o) => [o.id, { id: o.id, officeId: o.officeId, name: o.name, isAdmin: o.isAdmin, active: o.active, nip: o.nip }]),
    ),
    identitiesOf,
    byIdentity,
    holdings: holdings.map((h) => ({ officialId: h.officialId, positionId: h.positionId, startsOn: h.startsOn, endsOn: h.endsOn })),
    delegationsOf,
  };
}

export function createDirectoryCache(): DirectoryCache {
  let kept: DirectorySnapshot | undefined;
  let loads = 0;
  return {
    get loads() {
      return loads;
    },
    async snapshot(tx, known) {
      // The version first: data read after it is at least as new, so a snapshot never claims a newer version than its rows.
      const version =
        known ?? (await queryRows<{ version: number }>(tx, sql`SELECT "version" FROM "DirectoryVersion" WHERE "id" = 1`))[0]?.version ?? 0;
      if (kept && kept.version === version) return kept;
      const fresh = await load(tx, version);
      loads++;
      if (!kept || kept.version <= version) kept = fresh;
      return fresh;
    },
  };
}
