// The directory over time, as the engine sees it: an official moves to another position (mutasi,
// rotasi) or leaves the office (pensiun, pindah keluar). Holdings end and start on a date; the open
// steps follow (case/reassign.ts); the people concerned are told; each change is an audit event.
// Used by the admins' chat commands (/pejabat pindah, /pejabat keluar) and `npm run officials`.
import { formatDateId } from "../domain/field-types.ts";
import { localDate } from "../domain/working-time.ts";
import type { CaseEngine } from "./case-engine.ts";
import type { EngineTx, OfficialRow } from "./case-ports.ts";
import { directoryTexts as t } from "./directory-messages.ts";

export interface ChangeBy {
  officialId: string | null;
  label: string;
}

export class DirectoryChangeError extends Error {}

export function createDirectoryChanges(engine: CaseEngine, now: () => Date) {
  const titleOf = (official: OfficialRow, key: string) =>
    engine.officeOf(official.officeId).positions.find((p) => p.id === key)?.title ?? key;

  /** An office's position by id or by (part of) its title; an Indonesian error when there is none or several. */
  function findPosition(officeId: string, query: string): { id: string; title: string } {
    const positions = engine.officeOf(officeId).positions;
    const q = query.trim().toLowerCase();
    const exact = positions.filter((p) => p.id === q || p.title.toLowerCase() === q);
    const found = exact.length > 0 ? exact : positions.filter((p) => p.title.toLowerCase().includes(q));
    if (found.length === 0) throw new DirectoryChangeError(t.unknownPosition(query, positions.map((p) => p.title).join(", ")));
    if (found.length > 1) throw new DirectoryChangeError(t.ambiguousPosition(query, found.map((p) => p.title).join(", ")));
    return { id: found[0]!.id, title: found[0]!.title };
  }

  async function audit(tx: EngineTx, by: ChangeBy, action: string, note: string) {
    await tx.appendAudit({ at: now(), actorLabel: by.label, ...(by.officialId ? { actorOfficialId: by.officialId } : {}), action, note });
  }

  /** Ends the official's current positions today and starts `toPosition`; their open steps follow. */
  async function moveIn(tx: EngineTx, official: OfficialRow, toPosition: string, by: ChangeBy) {
    if (!official.active) throw new DirectoryChangeError(t.inactive(official.name));
    const at = now();
    const from = await tx.positionsOf(official.id, at);
    if (from.includes(toPosition)) throw new DirectoryChangeError(t.alreadyHolds(official.name, titleOf(official, toPosition)));
    await tx.endHoldings(official.id, null, at);
    await tx.startHolding(official.id, official.officeId, toPosition, at);
    const fromText = from.map((k) => titleOf(official, k)).join(", ") || "-";
    const toText = titleOf(official, toPosition);
    await audit(tx, by, "official-moved", `${official.name}: ${fromText} → ${toText}`);
    const moved = await engine.reassignIn(tx, official.officeId, {
      officialId: official.id,
      positions: [...from, toPosition],
      reason: "mutasi",
    });
    const office = engine.officeOf(official.officeId);
    await engine.notifyOfficial(tx, official.id, t.toMoved(office.shortName, fromText, toText), at);
    return { moved, from: fromText, to: toText };
  }

  /** The official leaves: positions end, admin right ends, delegations end, open steps move, chats unlinked; history stays. */
  async function leaveIn(tx: EngineTx, official: OfficialRow, reason: string, by: ChangeBy) {
    if (!official.active) throw new DirectoryChangeError(t.inactive(official.name));
    const admins = (await tx.officialsOfOffice(official.officeId)).filter((o) => o.isAdmin);
    if (official.isAdmin && admins.length === 1) throw new DirectoryChangeError(t.lastAdmin(official.name));
    const at = now();
    const positions = await tx.positionsOf(official.id, at);
    await tx.endHoldings(official.id, null, at);
    await tx.updateOfficial(official.id, { active: false, isAdmin: false });
    for (const d of await tx.delegations(official.officeId)) {
      const involved = d.absentOfficialId === official.id || d.deputyOfficialId === official.id;
      if (involved && !d.endedAt && d.endsAt > at) await tx.updateDelegation(d.id, { endedAt: at });
    }
    await engine.applyDelegationsIn(tx, official.officeId);
    const titles = positions.map((k) => titleOf(official, k)).join(", ") || "-";
    await audit(tx, by, "official-left", `${official.name} (${titles}): ${reason}`);
    const moved = await engine.reassignIn(tx, official.officeId, { officialId: official.id, positions, reason, leaving: true });
    await engine.notifyOfficial(tx, official.id, t.toLeaving(engine.officeOf(official.officeId).shortName), at);
    const chats = await tx.unlinkIdentities(official.id);
    return { moved, chats, positions: titles };
  }

  /** The official's positions over time, one line each. */
  async function historyIn(tx: EngineTx, official: OfficialRow): Promise<string[]> {
    const zone = engine.officeOf(official.officeId).timeZone;
    const day = (d: Date) => formatDateId(localDate(d, zone));
    return (await tx.holdingsOf(official.id)).map(
      (h) => `${day(h.startsOn)} – ${h.endsOn ? day(h.endsOn) : "sekarang"}: ${titleOf(official, h.positionKey)}`,
    );
  }

  return { findPosition, moveIn, leaveIn, historyIn };
}

export type DirectoryChanges = ReturnType<typeof createDirectoryChanges>;
