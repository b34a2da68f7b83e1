// The directory over time, as the engine sees it: an official moves to another position (mutasi,
// rotasi) or leaves the office (pensiun, pindah keluar). Holdings end and start on a date; the open
// steps follow (case/reassign.ts); the people concerned are told; each change is an audit event.
// Used by the admins' chat commands (/pejabat pindah, /pejabat keluar) and `npm run officials`.
import { formatDateId } from "../domain/field-types.ts";
import { atLocal, localDate } from "../domain/working-time.ts";
import type { CaseEngine } from "./case-engine.ts";
import type { EngineTx, OfficialRow } from "./case-ports.ts";
import { directoryTexts as t } from "./directory-messages.ts";

export interface ChangeBy {
  officialId: string | null;
  label: string;
}

export class DirectoryChangeError extends Error {}

/** When a change takes effect: `date` ("YYYY-MM-DD", the office's calendar day) or, without one, now. */
export interface Effective {
  date?: string;
}

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

  /**
   * The instant a change takes effect (the start of its day in the office's time zone; now without a
   * day), whether that is still ahead, how to say when ("hari ini" or the day), and the day itself.
   */
  function effectiveAt(official: OfficialRow, effective: Effective): { on: Date; ahead: boolean; label: string; day: string } {
    const at = now();
    const zone = engine.officeOf(official.officeId).timeZone;
    if (!effective.date) return { on: at, ahead: false, label: "hari ini", day: formatDateId(localDate(at, zone)) };
    const on = atLocal(effective.date, 0, zone);
    const day = formatDateId(effective.date);
    return { on, ahead: on > at, label: day, day };
  }

  async function audit(tx: EngineTx, by: ChangeBy, action: string, note: string) {
    await tx.appendAudit({ at: now(), actorLabel: by.label, ...(by.officialId ? { actorOfficialId: by.officialId } : {}), action, note });
  }

  /**
   * Ends the official's positions on the effective day and starts `toPosition` on it. Today or a past
   * day (a change recorded late): their open steps follow now. A day ahead: the positions change on
   * that day, and the daily re-offer of steps (case/reassign.ts refreshIn) moves their steps then.
   */
  async function moveIn(tx: EngineTx, official: OfficialRow, toPosition: string, by: ChangeBy, effective: Effective = {}) {
    if (!official.active) throw new DirectoryChangeError(t.inactive(official.name));
    const at = now();
    const { on, ahead, label, day } = effectiveAt(official, effective);
    const from = await tx.positionsOf(official.id, ahead ? at : on);
    if (from.includes(toPosition)) throw new DirectoryChangeError(t.alreadyHolds(official.name, titleOf(official, toPosition)));
    await tx.endHoldings(official.id, null, on);
    await tx.startHolding(official.id, official.officeId, toPosition, on);
    const fromText = from.map((k) => titleOf(official, k)).join(", ") || "-";
    const toText = titleOf(official, toPosition);
    await audit(tx, by, "official-moved", `${official.name}: ${fromText} → ${toText}, mulai ${day}`);
    const moved = ahead
      ? 0
      : await engine.reassignIn(tx, official.officeId, { officialId: official.id, positions: [...from, toPosition], reason: "mutasi" });
    const office = engine.officeOf(official.officeId);
    const told = ahead ? t.toMovedAhead(office.shortName, fromText, toText, label) : t.toMoved(office.shortName, fromText, toText);
    await engine.notifyOfficial(tx, official.id, told, at);
    return { moved, from: fromText, to: toText, ahead, label };
  }

  /** The official leaves: positions end, admin right ends, delegations end, open steps move, chats unlinked; history stays. */
  async function leaveIn(tx: EngineTx, official: OfficialRow, reason: string, by: ChangeBy, effective: Effective = {}) {
    if (!official.active) throw new DirectoryChangeError(t.inactive(official.name));
    const admins = (await tx.officialsOfOffice(official.officeId)).filter((o) => o.isAdmin);
    if (official.isAdmin && admins.length === 1) throw new DirectoryChangeError(t.lastAdmin(official.name));
    const at = now();
    // Leaving takes effect today, or on a past day recorded late; a day ahead is refused (the
    // person still works until then: run it on that day).
    const { on, ahead, label, day } = effectiveAt(official, effective);
    if (ahead) throw new DirectoryChangeError(t.leaveAhead(official.name, label));
    const positions = await tx.positionsOf(official.id, on);
    await tx.endHoldings(official.id, null, on);
    await tx.updateOfficial(official.id, { active: false, isAdmin: false });
    for (const d of await tx.delegations(official.officeId)) {
      const involved = d.absentOfficialId === official.id || d.deputyOfficialId === official.id;
      if (involved && !d.endedAt && d.endsAt > at) await tx.updateDelegation(d.id, { endedAt: at });
    }
    await engine.applyDelegationsIn(tx, official.officeId);
    const titles = positions.map((k) => titleOf(official, k)).join(", ") || "-";
    await audit(tx, by, "official-left", `${official.name} (${titles}): ${reason}, mulai ${day}`);
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

  return { findPosition, effectiveAt, moveIn, leaveIn, historyIn };
}

export type DirectoryChanges = ReturnType<typeof createDirectoryChanges>;
