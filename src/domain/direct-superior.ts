// An employee's direct superior (atasan langsung) in an office: the position that approves their leave
// (SOP 20's "Atasan Langsung"), read from the `superior` chain with the office's own rule on
// coordinators (`directSuperior` in flows/offices/*.yaml).
import type { Office } from "./office-schema.ts";

/**
 * The direct superior of `positionKey`: the first position up its `superior` chain that is not a
 * koordinator, or that is one while the office's `directSuperior.koordinatorFor` lists the kind of
 * `positionKey` (Bekasi's pelaksana answer to their Sub Koordinator). Null for the head of office or
 * an unknown position. Whether anyone holds the position is the caller's concern.
 */
export function directSuperior(office: Office, positionKey: string): string | null {
  const byId = new Map(office.positions.map((p) => [p.id, p]));
  const own = byId.get(positionKey);
  if (!own) return null;
  const koordinatorCounts = office.directSuperior?.koordinatorFor.includes(own.kind) ?? false;
  const seen = new Set<string>([own.id]);
  let current = own.superior;
  while (current !== null && !seen.has(current)) {
    const position = byId.get(current);
    if (!position) return null;
    if (position.kind !== "koordinator" || koordinatorCounts) return position.id;
    seen.add(current);
    current = position.superior;
  }
  return null;
}
