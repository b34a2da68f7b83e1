// /delegasi: list, set and end Plt./Plh. The absent official's superior (any level up) or an admin
// may set one; a delegation that starts now takes over the pending steps at once.
import { randomUUID } from "node:crypto";
import type { TimeZone } from "../../../domain/working-time.ts";
import type { Reply } from "../../case-engine.ts";
import { formatDateTime } from "../../case-messages.ts";
import type { EngineTx, OfficialRow } from "../../case-ports.ts";
import { delegationUsage, parseDelegation } from "../../delegation-command.ts";
import type { ChatCommand } from "../command.ts";
import type { ChatServiceDeps } from "../deps.ts";

/** The one official of an office whose name is (or contains) `query`, or why there is none. */
export async function findOfficial(tx: EngineTx, officeId: string, query: string): Promise<OfficialRow[] | string> {
  const q = query.trim().toLowerCase();
  const all = await tx.officialsOfOffice(officeId);
  const exact = all.filter((o) => o.name.toLowerCase() === q);
  const found = exact.length > 0 ? exact : all.filter((o) => o.name.toLowerCase().includes(q));
  if (found.length === 0) return `Tidak ada pejabat bernama "${query}". Ketik /pejabat untuk melihat daftarnya.`;
  if (found.length > 1) return `"${query}" cocok dengan beberapa orang: ${found.map((o) => o.name).join(", ")}. Tulis nama lengkapnya.`;
  return found;
}

export function delegationCommands(deps: ChatServiceDeps): ChatCommand[] {
  const { engine, clock } = deps;

  /** The absent official's superior (any level up) or an admin may set a delegation. */
  async function maySetDelegation(tx: EngineTx, setter: OfficialRow, absent: OfficialRow): Promise<boolean> {
    if (setter.isAdmin) return true;
    const office = engine.officeOf(absent.officeId);
    const now = clock.now();
    const mine = new Set(await tx.positionsOf(setter.id, now));
    for (const key of await tx.positionsOf(absent.id, now)) {
      let up = office.positions.find((p) => p.id === key)?.superior ?? null;
      while (up) {
        if (mine.has(up)) return true;
        up = office.positions.find((p) => p.id === up)?.superior ?? null;
      }
    }
    return false;
  }

  async function delegationCommand(tx: EngineTx, official: OfficialRow, args: string): Promise<Reply[]> {
    const office = engine.officeOf(official.officeId);
    const now = clock.now();
    const all = await tx.delegations(office.id);
    const current = all.filter((d) => !d.endedAt && d.endsAt > now);
    if (!args) {
      if (current.length === 0) return [{ text: `Tidak ada Plt./Plh. yang berlaku.\n\n${delegationUsage}` }];
      const lines = await Promise.all(
        current.map(async (d, i) => {
          const [a, b] = await Promise.all([tx.official(d.absentOfficialId), tx.official(d.deputyOfficialId)]);
          return (
            `${i + 1}. ${d.kind === "plt" ? "Plt." : "Plh."} ${b?.name} untuk ${a?.name}, ` +
            `${formatDateTime(d.startsAt, office.timeZone)} s.d. ${formatDateTime(d.endsAt, office.timeZone)} — ${d.reason}`
          );
        }),
      );
      return [{ text: `Plt./Plh. yang berlaku atau akan berlaku:\n${lines.join("\n")}\n\n${delegationUsage}` }];
    }
    const end = /^akhiri\s+(\d+)$/i.exec(args);
    if (end) {
      const d = current[Number(end[1]) - 1];
      if (!d) return [{ text: "Nomor itu tidak ada. Ketik /delegasi untuk melihat daftarnya." }];
      const absent = await tx.official(d.absentOfficialId);
      if (!absent || !(await maySetDelegation(tx, official, absent)))
        return [{ text: "Maaf, hanya atasan pejabat yang berhalangan atau admin yang dapat mengakhiri Plt./Plh." }];
      await tx.updateDelegation(d.id, { endedAt: now });
      await tx.appendAudit({
        at: now,
        actorOfficialId: official.id,
        actorLabel: official.name,
        action: "delegation-ended-early",
        note: d.id,
      });
      await engine.applyDelegationsIn(tx, office.id);
      return [{ text: `Plt./Plh. untuk ${absent.name} diakhiri. Tugas yang tertunda kembali kepada ${absent.name}.` }];
    }
    const parsed = parseDelegation(args, now, office.timeZone as TimeZone);
    if (!parsed.ok) return [{ text: parsed.message }];
    const absentFound = await findOfficial(tx, office.id, parsed.request.absent);
    if (typeof absentFound === "string") return [{ text: absentFound }];
    const deputyFound = await findOfficial(tx, office.id, parsed.request.deputy);
    if (typeof deputyFound === "string") return [{ text: deputyFound }];
    const [absent, deputy] = [absentFound[0] as OfficialRow, deputyFound[0] as OfficialRow];
    if (absent.id === deputy.id) return [{ text: "Pejabat pengganti harus orang lain." }];
    if (!(await maySetDelegation(tx, official, absent)))
      return [{ text: `Maaf, hanya atasan ${absent.name} atau admin yang dapat menetapkan Plt./Plh. untuknya.` }];
    const overlap = current.find(
      (d) => d.absentOfficialId === absent.id && d.startsAt < parsed.request.endsAt && d.endsAt > parsed.request.startsAt,
    );
    if (overlap)
      return [{ text: `Sudah ada Plt./Plh. untuk ${absent.name} pada periode itu. Akhiri dulu dengan /delegasi akhiri <nomor>.` }];
    const id = randomUUID();
    await tx.createDelegation({
      id,
      officeId: office.id,
      kind: parsed.request.kind,
      absentOfficialId: absent.id,
      deputyOfficialId: deputy.id,
      startsAt: parsed.request.startsAt,
      endsAt: parsed.request.endsAt,
      reason: parsed.request.reason,
      createdByOfficialId: official.id,
      createdAt: now,
      appliedAt: null,
      revertedAt: null,
      endedAt: null,
    });
    await tx.appendAudit({
      at: now,
      actorOfficialId: official.id,
      actorLabel: official.name,
      action: "delegation-set",
      note:
        `${parsed.request.kind} ${deputy.name} untuk ${absent.name} sampai ` +
        `${parsed.request.endsAt.toISOString()}: ${parsed.request.reason}`,
    });
    const label = parsed.request.kind === "plt" ? "Plt." : "Plh.";
    const period =
      `${formatDateTime(parsed.request.startsAt, office.timeZone)} s.d. ` + `${formatDateTime(parsed.request.endsAt, office.timeZone)}`;
    const deputyAddress = (await tx.addressesOf(deputy.id))[0];
    if (deputyAddress)
      await tx.enqueue(
        {
          ...deputyAddress,
          text:
            `Anda ditetapkan sebagai ${label} untuk ${absent.name}, ${period}. Alasan: ` +
            `${parsed.request.reason}. Tugas ${absent.name} yang tertunda akan diteruskan kepada Anda.`,
        },
        now,
      );
    // A delegation that starts now takes over the pending steps at once.
    await engine.applyDelegationsIn(tx, office.id);
    return [{ text: `${label} ditetapkan: ${deputy.name} menggantikan ${absent.name}, ${period}.` }];
  }

  return [
    {
      names: ["delegasi"],
      audience: "official",
      help: "/delegasi — menetapkan atau mengakhiri Plt./Plh.",
      run: (c) => delegationCommand(c.tx, c.official, c.args),
    },
  ];
}
