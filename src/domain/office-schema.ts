// The schema of flows/offices/*.yaml: an office's units, positions (with superiors for
// escalation), time zone, office hours, the regions it serves, and the mapping from every SOP
// actor name to one of its positions or to an outside party.
import { z } from "zod";

const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: "expected a lower-case id like sub-bagian-umum" });
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected a time "HH:MM"' });
const positionKind = z.enum(["jpt-pratama", "administrator", "pengawas", "pelaksana", "fungsional", "koordinator"]);

export const officeHoursSchema = z
  .object({
    days: z.array(z.number().int().min(1).max(7)).min(1),
    start: clock,
    end: clock,
  })
  .refine((h) => h.start < h.end, { error: "start must be before end" });

/**
 * Who acts for an SOP actor name in this office: a position (optionally a different one for some
 * SOPs, or one of several chosen when the case is dispatched), or a party outside the office's
 * positions: the applicant, the employee the case is about, that employee's direct superior, or an
 * outside organisation whose answer an official records.
 */
export const actorMappingSchema = z.union([
  z
    .object({
      position: id,
      bySop: z.record(z.string().regex(/^\d+$/, { error: "expected an SOP number" }), id).optional(),
      choices: z.array(id).min(2).optional(),
      note: z.string().optional(),
    })
    .strict(),
  z
    .object({
      party: z.enum(["applicant", "employee", "employee-superior", "external"]),
      name: z.string().optional(),
      /** The position that records this party's part (e.g. who receives the BKD's answer). */
      recordedBy: id.optional(),
      note: z.string().optional(),
    })
    .strict(),
]);

export const officeSchema = z
  .object({
    id,
    name: z.string().min(1),
    shortName: z.string().min(1),
    level: z.enum(["provinsi", "kota", "kabupaten"]),
    source: z.object({ file: z.string(), regulation: z.string() }).strict(),
    timeZone: z.enum(["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]),
    officeHours: z.array(officeHoursSchema).min(1),
    regions: z
      .object({
        kind: z.enum(["kabupaten-kota", "kecamatan"]),
        source: z.string().optional(),
        items: z.array(z.object({ code: z.string(), name: z.string().min(1) }).strict()).min(1),
      })
      .strict(),
    units: z.array(z.object({ id, name: z.string().min(1), parent: id.nullable() }).passthrough()).min(1),
    positions: z
      .array(
        z
          .object({
            id,
            title: z.string().min(1),
            unit: id,
            superior: id.nullable(),
            kind: positionKind,
          })
          .passthrough(),
      )
      .min(1),
    actors: z.record(z.string(), actorMappingSchema),
    /**
     * The office's own rule for an employee's direct superior (atasan langsung, who approves their
     * leave in SOP 20): up the `superior` chain, a koordinator (Sub Koordinator, team lead) is the
     * direct superior only of the position kinds in `koordinatorFor` and is passed over for the rest.
     * Absent: passed over for all. Escalation and vacancies follow `superior` as written.
     */
    directSuperior: z
      .object({
        koordinatorFor: z.array(positionKind),
        /** The article the rule comes from, or why it is assumed. */
        source: z.string().min(10),
      })
      .strict()
      .optional(),
    /** Lead times of the personnel deadlines (defaults in src/domain/staff-rules.ts). */
    staffDeadlines: z
      .object({
        pension: z
          .object({
            openMonthsBefore: z.number().int().min(1).max(24),
            remindMonthsBefore: z.array(z.number().int().min(1).max(24)),
            overdueMonthsBefore: z.number().int().min(0).max(24),
          })
          .strict()
          .optional(),
        kgb: z
          .object({
            openMonthsBefore: z.number().int().min(1).max(12),
            remindMonthsBefore: z.array(z.number().int().min(1).max(12)),
            letterMonthsBefore: z.number().int().min(0).max(6),
          })
          .strict()
          .optional(),
        promotion: z
          .object({
            openMonthsBefore: z.number().int().min(1).max(12),
            remindMonthsBefore: z.array(z.number().int().min(1).max(12)),
            overdueMonthsBefore: z.number().int().min(0).max(6),
          })
          .strict()
          .optional(),
        notifyEmployees: z.boolean().optional(),
      })
      .strict()
      .optional(),
    /** How long applicants' personal data is kept after their case closed (default 5 years; src/domain/retention.ts). */
    dataRetention: z
      .object({
        yearsAfterClose: z.number().int().min(1).max(30),
        /** Completed cases of these SOPs are records the office must archive: erasure on request is refused. */
        archive: z
          .array(z.object({ sops: z.array(z.number().int().min(1).max(99)).min(1), reason: z.string().min(10) }).strict())
          .optional(),
      })
      .strict()
      .optional(),
    notes: z.array(z.string()).optional(),
  })
  .passthrough();

export type Office = z.infer<typeof officeSchema>;
export type OfficePosition = Office["positions"][number];
export type ActorMapping = z.infer<typeof actorMappingSchema>;

export interface OfficeProblem {
  path: string;
  message: string;
}

/**
 * Checks what the schema cannot: unique ids, units and superiors that exist, a superior chain
 * that reaches the head without a cycle, and actor mappings that name existing positions.
 */
export function lintOffice(office: Office): OfficeProblem[] {
  const problems: OfficeProblem[] = [];
  const unitIds = new Set<string>();
  office.units.forEach((u, i) => {
    if (unitIds.has(u.id)) problems.push({ path: `units[${i}].id`, message: `duplicate unit id "${u.id}"` });
    unitIds.add(u.id);
  });
  office.units.forEach((u, i) => {
    if (u.parent !== null && !unitIds.has(u.parent)) problems.push({ path: `units[${i}].parent`, message: `unknown unit "${u.parent}"` });
  });
  const positions = new Map<string, OfficePosition>();
  office.positions.forEach((p, i) => {
    if (positions.has(p.id)) problems.push({ path: `positions[${i}].id`, message: `duplicate position id "${p.id}"` });
    positions.set(p.id, p);
    if (!unitIds.has(p.unit)) problems.push({ path: `positions[${i}].unit`, message: `unknown unit "${p.unit}"` });
  });
  const heads = office.positions.filter((p) => p.superior === null);
  if (heads.length !== 1)
    problems.push({ path: "positions", message: `expected exactly one position without a superior (the head), found ${heads.length}` });
  office.positions.forEach((p, i) => {
    if (p.superior !== null && !positions.has(p.superior)) {
      problems.push({ path: `positions[${i}].superior`, message: `unknown position "${p.superior}"` });
      return;
    }
    const seen = new Set<string>([p.id]);
    let current = p.superior;
    while (current !== null) {
      if (seen.has(current)) {
        problems.push({ path: `positions[${i}].superior`, message: `superior chain of "${p.id}" loops through "${current}"` });
        break;
      }
      seen.add(current);
      current = positions.get(current)?.superior ?? null;
    }
  });
  for (const [actor, mapping] of Object.entries(office.actors)) {
    if ("recordedBy" in mapping && mapping.recordedBy !== undefined && !positions.has(mapping.recordedBy))
      problems.push({ path: `actors["${actor}"].recordedBy`, message: `unknown position "${mapping.recordedBy}"` });
    if (!("position" in mapping)) continue;
    const named: [string, string][] = [
      ["position", mapping.position],
      ...Object.entries(mapping.bySop ?? {}).map(([sop, key]): [string, string] => [`bySop.${sop}`, key]),
      ...(mapping.choices ?? []).map((key, i): [string, string] => [`choices[${i}]`, key]),
    ];
    for (const [where, key] of named) {
      if (!positions.has(key)) problems.push({ path: `actors["${actor}"].${where}`, message: `unknown position "${key}"` });
    }
  }
  return problems;
}
