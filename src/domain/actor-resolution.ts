// Who acts for an SOP actor name in a given office: a position (per-SOP overrides and dispatch-time
// choices honoured) or a party outside the office's positions.
import type { Office, OfficePosition } from "./office-schema.ts";

export type ResolvedActor =
  | { kind: "position"; position: OfficePosition; choices: OfficePosition[]; note?: string }
  | { kind: "party"; party: "applicant" | "employee" | "employee-superior" | "external"; name?: string; recordedBy?: string; note?: string }
  | { kind: "unmapped" };

export function resolveActor(office: Office, actor: string, sopNumber: number): ResolvedActor {
  const mapping = office.actors[actor];
  if (!mapping) return { kind: "unmapped" };
  if ("party" in mapping) {
    return {
      kind: "party",
      party: mapping.party,
      ...(mapping.name !== undefined ? { name: mapping.name } : {}),
      ...(mapping.recordedBy !== undefined ? { recordedBy: mapping.recordedBy } : {}),
      ...(mapping.note !== undefined ? { note: mapping.note } : {}),
    };
  }
  const byKey = new Map(office.positions.map((p) => [p.id, p]));
  const key = mapping.bySop?.[String(sopNumber)] ?? mapping.position;
  const position = byKey.get(key);
  if (!position) return { kind: "unmapped" };
  const choices = (mapping.choices ?? []).flatMap((k) => {
    const p = byKey.get(k);
    return p ? [p] : [];
  });
  return { kind: "position", position, choices, ...(mapping.note !== undefined ? { note: mapping.note } : {}) };
}

export const partyLabels = {
  applicant: "Pemohon",
  employee: "Pegawai yang bersangkutan",
  "employee-superior": "Atasan langsung pegawai",
  external: "Pihak luar",
} as const;

/** A one-line Indonesian description of who acts, e.g. "Kepala Sub Bagian Umum" or "Pihak luar: BKD". */
export function describeActor(resolved: ResolvedActor): string {
  switch (resolved.kind) {
    case "position":
      return resolved.choices.length > 0
        ? `${resolved.position.title} (atau dipilih: ${resolved.choices.map((c) => c.title).join(" / ")})`
        : resolved.position.title;
    case "party":
      return resolved.name ? `${partyLabels[resolved.party]}: ${resolved.name}` : partyLabels[resolved.party];
    case "unmapped":
      return "(belum dipetakan)";
  }
}
