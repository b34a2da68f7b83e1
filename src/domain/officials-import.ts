// Plans the import of an office's officials from its personnel register (the staff deadlines' file):
// each row's Jabatan maps to a position of the office by its title, or through an explicit mapping
// for titles that differ (a title mapped to null is skipped on purpose). The plan says what would
// change against the directory: officials to add, to move, to rename; rows it cannot place, with
// their line; officials with a NIP that the file no longer lists. Applying the same file twice
// finds nothing to change the second time.

export interface RegisterOfficialRow {
  line: number;
  nip: string;
  name: string;
  title: string;
}

export interface KnownOfficial {
  id: string;
  nip: string | null;
  name: string;
  positions: string[];
}

export interface OfficialsPlan {
  errors: { line: number; message: string }[];
  skipped: { line: number; title: string }[];
  add: { line: number; nip: string; name: string; position: string }[];
  move: { line: number; officialId: string; name: string; from: string[]; to: string }[];
  rename: { line: number; officialId: string; from: string; to: string }[];
  /** Officials with a NIP that the file does not list (left? the import does not decide that). */
  notListed: { officialId: string; name: string }[];
}

const norm = (s: string) => s.toLowerCase().replace(/\s+/g, " ").trim();

export function planOfficialsImport(
  rows: RegisterOfficialRow[],
  positions: { id: string; title: string }[],
  mapping: Record<string, string | null>,
  known: KnownOfficial[],
): OfficialsPlan {
  const plan: OfficialsPlan = { errors: [], skipped: [], add: [], move: [], rename: [], notListed: [] };
  const byTitle = new Map(positions.map((p) => [norm(p.title), p.id]));
  const ids = new Set(positions.map((p) => p.id));
  const mapped = new Map(Object.entries(mapping).map(([title, id]) => [norm(title), id]));
  const byNip = new Map(known.filter((k) => k.nip).map((k) => [k.nip as string, k]));
  const seen = new Map<string, number>();
  for (const row of rows) {
    if (!/^\d{18}$/.test(row.nip)) {
      plan.errors.push({ line: row.line, message: `NIP "${row.nip}" is not 18 digits` });
      continue;
    }
    const earlier = seen.get(row.nip);
    if (earlier) {
      plan.errors.push({ line: row.line, message: `NIP ${row.nip} is already on line ${earlier}` });
      continue;
    }
    seen.set(row.nip, row.line);
    if (!row.name.trim()) {
      plan.errors.push({ line: row.line, message: "the name is empty" });
      continue;
    }
    const title = norm(row.title);
    const viaMap = mapped.has(title) ? mapped.get(title) : undefined;
    if (viaMap === null) {
      plan.skipped.push({ line: row.line, title: row.title });
      continue;
    }
    const position = viaMap ?? byTitle.get(title);
    if (!position || !ids.has(position)) {
      plan.errors.push({
        line: row.line,
        message: viaMap
          ? `the mapping sends "${row.title}" to "${viaMap}", which is not a position of this office`
          : `no position titled "${row.title}": add it to the mapping file (title: position id, or null to skip it)`,
      });
      continue;
    }
    const official = byNip.get(row.nip);
    if (!official) {
      plan.add.push({ line: row.line, nip: row.nip, name: row.name.trim(), position });
      continue;
    }
    if (norm(official.name) !== norm(row.name))
      plan.rename.push({ line: row.line, officialId: official.id, from: official.name, to: row.name.trim() });
    if (!official.positions.includes(position))
      plan.move.push({ line: row.line, officialId: official.id, name: row.name.trim(), from: official.positions, to: position });
  }
  for (const k of known) if (k.nip && !seen.has(k.nip)) plan.notListed.push({ officialId: k.id, name: k.name });
  return plan;
}

export const planIsEmpty = (p: OfficialsPlan) => p.add.length + p.move.length + p.rename.length === 0;
