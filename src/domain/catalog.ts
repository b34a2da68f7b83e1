// Turns the raw flow files into a validated catalog: schema errors and lint problems are reported
// as file + path + what is wrong, all of them at once, so a broken file can be fixed in one go.
import type { z } from "zod";
import { calendarSchema, lintCalendar, type CalendarYear } from "./calendar-schema.ts";
import { formSchema, lintForm, type Form } from "./form-schema.ts";
import { lintOffice, officeSchema, type Office } from "./office-schema.ts";
import { lintSop } from "./sop-lint.ts";
import { sopSchema, type Sop } from "./sop-schema.ts";

export interface RawFlowFile {
  /** Path relative to flows/, e.g. "sop/sop-18.yaml". */
  file: string;
  text: string;
  /** sha256 of the text, computed by the reader. */
  hash: string;
  data: unknown;
  yamlErrors: string[];
}

export interface RawFlows {
  offices: RawFlowFile[];
  sops: RawFlowFile[];
  calendars: RawFlowFile[];
  forms: RawFlowFile[];
}

export interface FlowProblem {
  file: string;
  path: string;
  message: string;
}

export interface Loaded<T> {
  value: T;
  file: string;
  /** Content hash of the file: a case is pinned to the SOP content it started with. */
  hash: string;
  /** The file's text, kept so a running case can be pinned to exactly this content. */
  text: string;
}

export interface LoadedOffice {
  office: Office;
  file: string;
  hash: string;
}

export interface Catalog {
  offices: Map<string, LoadedOffice>;
  sops: Map<number, Loaded<Sop>>;
  calendars: Map<number, CalendarYear>;
  forms: Map<string, Loaded<Form>>;
}

export function formatProblem(p: FlowProblem): string {
  return `flows/${p.file}${p.path ? ` at ${p.path}` : ""}: ${p.message}`;
}

function parseWith<T>(schema: z.ZodType<T>, raw: RawFlowFile, problems: FlowProblem[]): T | undefined {
  if (raw.yamlErrors.length > 0) {
    for (const message of raw.yamlErrors) problems.push({ file: raw.file, path: "", message: `YAML: ${message}` });
    return undefined;
  }
  const result = schema.safeParse(raw.data);
  if (!result.success) {
    for (const issue of result.error.issues) {
      problems.push({ file: raw.file, path: issue.path.map(String).join("."), message: issue.message });
    }
    return undefined;
  }
  return result.data;
}

/**
 * An SOP a chat form opens talks to the applicant: a step text with a link needs its chat wording,
 * and every step the applicant does after the form (in any office) needs plain words for them.
 */
function lintChatSteps(sop: Sop, offices: Map<string, LoadedOffice>): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  sop.steps.forEach((step, i) => {
    if (/https?:\/\/|bit\.ly/i.test(step.action) && !step.chat?.action)
      problems.push({
        path: `steps[${i}].chat.action`,
        message: "the printed action names a link; say in chat.action what the bot does instead",
      });
    if (i === 0 || step.chat?.applicant) return;
    for (const { office } of offices.values()) {
      const mapping = office.actors[step.actor];
      if (mapping && "party" in mapping && mapping.party === "applicant") {
        problems.push({
          path: `steps[${i}].chat.applicant`,
          message: `step "${step.id}" is the applicant's (${office.id}): tell them in chat.applicant what to do`,
        });
        return;
      }
    }
  });
  return problems;
}

/** Validates every flow file and builds the catalog. The catalog is usable only when `problems` is empty. */
export function buildCatalog(raw: RawFlows): { catalog: Catalog; problems: FlowProblem[] } {
  const problems: FlowProblem[] = [];

  const offices = new Map<string, LoadedOffice>();
  for (const file of raw.offices) {
    const office = parseWith(officeSchema, file, problems);
    if (!office) continue;
    for (const p of lintOffice(office)) problems.push({ file: file.file, ...p });
    if (offices.has(office.id)) {
      problems.push({ file: file.file, path: "id", message: `office id "${office.id}" is also used by ${offices.get(office.id)?.file}` });
      continue;
    }
    offices.set(office.id, { office, file: file.file, hash: file.hash });
  }

  const sops = new Map<number, Loaded<Sop>>();
  const titles = new Map<string, string>();
  for (const file of raw.sops) {
    const sop = parseWith(sopSchema, file, problems);
    if (!sop) continue;
    for (const p of lintSop(sop, file.file)) problems.push({ file: file.file, ...p });
    const other = sops.get(sop.number);
    if (other) {
      problems.push({ file: file.file, path: "number", message: `SOP number ${sop.number} is also used by ${other.file}` });
      continue;
    }
    const title = sop.title.trim().toLowerCase();
    const sameTitle = titles.get(title);
    if (sameTitle) problems.push({ file: file.file, path: "title", message: `title "${sop.title}" is also used by ${sameTitle}` });
    titles.set(title, file.file);
    sops.set(sop.number, { value: sop, file: file.file, hash: file.hash, text: file.text });
  }

  // Cross-file checks: links resolve; every actor maps in every office.
  for (const { value: sop, file } of sops.values()) {
    sop.links.forEach((link, i) => {
      if ("sop" in link && !sops.has(link.sop))
        problems.push({
          file,
          path: `links[${i}].sop`,
          message: `no SOP number ${link.sop} in the catalog; mark it external: true if it is not one of ours`,
        });
    });
  }
  const actorUse = new Map<string, number[]>();
  for (const { value: sop } of sops.values()) {
    for (const actor of sop.actors) actorUse.set(actor, [...(actorUse.get(actor) ?? []), sop.number]);
  }
  for (const { office, file } of offices.values()) {
    for (const [actor, numbers] of actorUse) {
      if (!(actor in office.actors))
        problems.push({
          file,
          path: "actors",
          message: `actor "${actor}" (SOP ${numbers.join(", ")}) is not mapped to a position or party`,
        });
    }
    for (const [actor, mapping] of Object.entries(office.actors)) {
      if (!("position" in mapping)) continue;
      for (const sopNumber of Object.keys(mapping.bySop ?? {})) {
        if (!actorUse.get(actor)?.includes(Number(sopNumber)))
          problems.push({ file, path: `actors["${actor}"].bySop.${sopNumber}`, message: `SOP ${sopNumber} has no column "${actor}"` });
      }
    }
  }

  const calendars = new Map<number, CalendarYear>();
  for (const file of raw.calendars) {
    const calendar = parseWith(calendarSchema, file, problems);
    if (!calendar) continue;
    for (const p of lintCalendar(calendar)) problems.push({ file: file.file, ...p });
    if (file.file !== `calendar/${calendar.year}.yaml`)
      problems.push({
        file: file.file,
        path: "year",
        message: `the ${calendar.year} calendar must be in flows/calendar/${calendar.year}.yaml`,
      });
    calendars.set(calendar.year, calendar);
  }

  const forms = new Map<string, Loaded<Form>>();
  for (const file of raw.forms) {
    const form = parseWith(formSchema, file, problems);
    if (!form) continue;
    for (const p of lintForm(form, file.file)) problems.push({ file: file.file, ...p });
    if (!sops.has(form.sop)) problems.push({ file: file.file, path: "sop", message: `no SOP number ${form.sop} in the catalog` });
    forms.set(form.id, { value: form, file: file.file, hash: file.hash, text: file.text });
    const sop = sops.get(form.sop);
    if (sop) for (const p of lintChatSteps(sop.value, offices)) problems.push({ file: sop.file, ...p });
  }

  return { catalog: { offices, sops, calendars, forms }, problems };
}

/** What the case engine reads from the catalog: an office by id, and an SOP with the hash and text a new case pins. */
export function engineCatalogOf(catalog: Catalog) {
  return {
    office: (id: string) => catalog.offices.get(id)?.office,
    sop: (n: number) => {
      const s = catalog.sops.get(n);
      return s ? { sop: s.value, hash: s.hash, text: s.text } : undefined;
    },
  };
}
