// Turns the raw flow files into a validated catalog: schema errors and lint problems are reported
// as file + path + what is wrong, all of them at once, so a broken file can be fixed in one go.
import type { z } from "zod";
import { lintOffice, officeSchema, type Office } from "./office-schema.ts";

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

export interface LoadedOffice {
  office: Office;
  file: string;
  /** Content hash of the file, so a change of the office data can be noticed. */
  hash: string;
}

export interface Catalog {
  offices: Map<string, LoadedOffice>;
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
  return { catalog: { offices }, problems };
}
