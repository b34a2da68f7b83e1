// The directory changes of `npm run officials`: move, leave, history, import (from the personnel
// register). They run through the case engine in one transaction each, like the admins' chat
// commands: open steps follow, the people concerned are told (the running bot sends the messages),
// and each change is an audit event.
import { randomUUID } from "node:crypto";
import { engineCatalogOf } from "../domain/catalog.ts";
import { mapHeaders } from "../domain/staff-import.ts";
import { planIsEmpty, planOfficialsImport, type OfficialsPlan, type RegisterOfficialRow } from "../domain/officials-import.ts";
import type { Office } from "../domain/office-schema.ts";
import { createCaseEngine } from "../engine/case-engine.ts";
import type { EngineTx, OfficialRow } from "../engine/case-ports.ts";
import { createDirectoryChanges, DirectoryChangeError, type Effective } from "../engine/directory-changes.ts";
import { systemClock, type Clock } from "../engine/ports.ts";
import { createEngineStore } from "../store/engine-store.ts";
import { readRegister, readTitleMapping } from "../store/staff-file-reader.ts";
import { workCalendarsOf } from "../store/work-calendar.ts";
import { CliError, type CliContext } from "./cli-context.ts";

const by = { officialId: null, label: "admin (baris perintah)" };

export function officialsChanges({ db, catalog, config }: CliContext, office: Office, clock: Clock = systemClock) {
  const store = createEngineStore(db);
  const engine = createCaseEngine({
    store,
    clock,
    ...engineCatalogOf(catalog),
    calendar: workCalendarsOf(catalog),
    escalationFactor: config.escalationFactor,
  });
  const changes = createDirectoryChanges(engine, () => clock.now());
  const run = async <T>(fn: (tx: EngineTx) => Promise<T>): Promise<T> => {
    try {
      return await store.transaction(fn);
    } catch (error) {
      throw error instanceof DirectoryChangeError ? new CliError(error.message) : error;
    }
  };
  const named = async (tx: EngineTx, name: string): Promise<OfficialRow> => {
    const found = (await tx.officialsOfOffice(office.id)).filter((o) => o.name.toLowerCase() === name.toLowerCase());
    if (found.length !== 1) throw new CliError(`No single active official named "${name}" in ${office.id}.`);
    return found[0]!;
  };

  return {
    move: (name: string, position: string, effective: Effective = {}) =>
      run(async (tx) => {
        const official = await named(tx, name);
        const target = changes.findPosition(office.id, position);
        const done = await changes.moveIn(tx, official, target.id, by, effective);
        return done.ahead
          ? `${official.name}: ${done.from} → ${done.to} from ${effective.date}; the open steps move on that day.`
          : `${official.name}: ${done.from} → ${done.to}; ${done.moved} open step(s) moved.`;
      }),
    leave: (name: string, reason: string, effective: Effective = {}) =>
      run(async (tx) => {
        const done = await changes.leaveIn(tx, await named(tx, name), reason, by, effective);
        return `${name} left (${done.positions}): ${done.moved} open step(s) moved, ${done.chats} chat account(s) unlinked.`;
      }),
    history: async (name: string) => {
      const official = await db.prisma.official.findFirst({ where: { officeId: office.id, name } });
      if (!official) throw new CliError(`No official named "${name}" in ${office.id}.`);
      const lines = await store.read((tx) => changes.historyIn(tx, official));
      return [`${official.name}${official.active ? "" : " (left)"}:`, ...lines].join("\n");
    },
    /** Reads the register and plans; with `apply`, carries the plan out (nothing when any row is refused). */
    async importRegister(file: string, mapFile: string | undefined, apply: boolean): Promise<{ plan: OfficialsPlan; applied: boolean }> {
      const sheet = await readRegister(file);
      const { map, missing } = mapHeaders(sheet.headers);
      const need = missing.filter((c) => c === "nip" || c === "name" || c === "positionTitle");
      if (need.length > 0) throw new CliError(`The register lacks the column(s): ${need.join(", ")} (NIP, Nama, Jabatan).`);
      const col = (name: string) => [...map].find(([, c]) => c === name)?.[0] ?? -1;
      const rows: RegisterOfficialRow[] = sheet.rows
        .map((cells, i) => ({ cells, line: i + 2 }))
        .filter(({ cells }) => cells.some((c) => String(c).trim() !== ""))
        .map(({ cells, line }) => ({
          line,
          nip: String(cells[col("nip")] ?? "").replace(/\s/g, ""),
          name: String(cells[col("name")] ?? ""),
          title: String(cells[col("positionTitle")] ?? ""),
        }));
      const mapping = mapFile ? await readTitleMapping(mapFile).catch((e: Error) => Promise.reject(new CliError(e.message))) : {};
      const officials = await db.prisma.official.findMany({
        where: { officeId: office.id, active: true },
        include: { holdings: { include: { position: true } } },
      });
      const now = clock.now();
      const known = officials.map((o) => ({
        id: o.id,
        nip: o.nip,
        name: o.name,
        positions: o.holdings.filter((h) => h.startsOn <= now && (!h.endsOn || h.endsOn > now)).map((h) => h.position.key),
      }));
      const plan = planOfficialsImport(rows, office.positions, mapping, known);
      if (!apply || plan.errors.length > 0 || planIsEmpty(plan)) return { plan, applied: false };
      await run(async (tx) => {
        for (const a of plan.add) {
          const id = randomUUID();
          await tx.createOfficial({ id, officeId: office.id, name: a.name, nip: a.nip, isAdmin: false });
          await tx.startHolding(id, office.id, a.position, now);
        }
        for (const r of plan.rename) await tx.updateOfficial(r.officialId, { name: r.to });
        for (const m of plan.move) {
          const official = await tx.official(m.officialId);
          if (official) await changes.moveIn(tx, official, m.to, by);
        }
        if (plan.add.length > 0)
          await engine.reassignIn(tx, office.id, { officialId: null, positions: plan.add.map((a) => a.position), reason: "impor" });
        await tx.appendAudit({
          at: now,
          actorLabel: by.label,
          action: "officials-imported",
          note: `${plan.add.length} baru, ${plan.move.length} pindah, ${plan.rename.length} ganti nama`,
        });
      });
      return { plan, applied: true };
    },
  };
}

/** The plan as the operator reads it. */
export function describePlan(plan: OfficialsPlan, office: Office): string[] {
  const title = (id: string) => office.positions.find((p) => p.id === id)?.title ?? id;
  return [
    ...plan.errors.map((e) => `line ${e.line}: ${e.message}`),
    ...plan.skipped.map((s) => `line ${s.line}: skipped (${s.title} is mapped to nothing)`),
    ...plan.add.map((a) => `line ${a.line}: add ${a.name} (NIP ${a.nip}) as ${title(a.position)}`),
    ...plan.move.map((m) => `line ${m.line}: move ${m.name}: ${m.from.map(title).join(", ") || "-"} → ${title(m.to)}`),
    ...plan.rename.map((r) => `line ${r.line}: rename ${r.from} → ${r.to}`),
    ...plan.notListed.map(
      (n) => `not in the register: ${n.name} (leave? run: npm run officials -- leave --office ${office.id} --name "${n.name}" --reason …)`,
    ),
  ];
}
