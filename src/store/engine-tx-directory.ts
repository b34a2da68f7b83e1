// The case engine's ports that change the directory over time: holdings ended and started (mutasi,
// rotasi), officials leaving (pensiun, pindah keluar), chat accounts unlinked. Each marks the
// transaction's directory view changed, so what it reads next comes from the tables it just wrote.
import { randomUUID } from "node:crypto";
import type { EngineTx } from "../engine/case-ports.ts";
import type { Tx } from "./database.ts";
import type { DirectoryView } from "./engine-tx-people.ts";

type DirectoryPorts = Pick<
  EngineTx,
  "holdingsOf" | "endHoldings" | "startHolding" | "updateOfficial" | "createOfficial" | "unlinkIdentities"
>;

export function directoryPorts(tx: Tx, directory: DirectoryView): DirectoryPorts {
  return {
    async holdingsOf(officialId) {
      const rows = await tx.positionHolding.findMany({ where: { officialId }, include: { position: true }, orderBy: { startsOn: "asc" } });
      return rows.map((h) => ({ positionKey: h.position.key, startsOn: h.startsOn, endsOn: h.endsOn }));
    },
    async endHoldings(officialId, positionKey, on) {
      directory.changed();
      const position = positionKey ? { position: { key: positionKey } } : {};
      const open = { officialId, ...position, OR: [{ endsOn: null }, { endsOn: { gt: on } }] };
      // A holding that would start after the end date never took effect: it ends where it starts.
      const ended = await tx.positionHolding.updateMany({ where: { ...open, startsOn: { lte: on } }, data: { endsOn: on } });
      const never = await tx.positionHolding.findMany({ where: { ...open, startsOn: { gt: on } }, select: { id: true, startsOn: true } });
      for (const h of never) await tx.positionHolding.update({ where: { id: h.id }, data: { endsOn: h.startsOn } });
      return ended.count + never.length;
    },
    async startHolding(officialId, officeId, positionKey, on) {
      directory.changed();
      await tx.positionHolding.create({
        data: { id: randomUUID(), officialId, positionId: `${officeId}/${positionKey}`, startsOn: on, endsOn: null },
      });
    },
    async updateOfficial(officialId, patch) {
      directory.changed();
      await tx.official.update({ where: { id: officialId }, data: patch });
    },
    async createOfficial(row) {
      directory.changed();
      await tx.official.create({ data: { ...row, active: true } });
    },
    async unlinkIdentities(officialId) {
      directory.changed();
      return (await tx.chatIdentity.deleteMany({ where: { officialId } })).count;
    },
  };
}
