// The schema of flows/sop/sop-NN.yaml (format described in flows/README.md): the identity part of
// an SOP and its step table, faithful to the decree and strict enough for the engine to run.
import { z } from "zod";

const text = z.string();
const stepId = z.string().regex(/^[0-9]+[a-z]?$|^u[0-9]+$/, { error: 'expected a step id like "5", "5b" or "u1"' });

export const stepTimeSchema = z.union([
  z.object({ printed: text, minutes: z.number().int().positive() }).strict(),
  z.object({ printed: text, workingDays: z.number().int().positive() }).strict(),
  z.object({ printed: text, none: z.string().min(3, { error: "say why this is not a usable time" }) }).strict(),
]);

export const decisionSchema = z
  .object({
    approveTo: stepId.optional(),
    returnTo: stepId.optional(),
    rejectEnds: z.literal(true).optional(),
    reading: z.string().optional(),
  })
  .strict();

/**
 * How a step reads in chat, where the printed text names a tool the bot replaces (a form link, a
 * WhatsApp group) or where the applicant must be told in plain words what to do. The printed text
 * stays as the decree has it (and in the flowchart).
 */
export const stepChatSchema = z
  .object({
    /** The step's action as shown in chat messages instead of the printed one. */
    action: z.string().min(5).optional(),
    /** For a step the applicant does: what the applicant is told to do, and how to say it is done. */
    applicant: z.string().min(10).optional(),
  })
  .strict();

export const stepSchema = z
  .object({
    id: stepId,
    no: z.string().nullable(),
    numberNote: z.string().optional(),
    actor: z.string().min(1),
    actorReading: z.string().optional(),
    kind: z.enum(["task", "review", "decision"]),
    action: z.string().min(1),
    inputs: z.string(),
    time: stepTimeSchema,
    output: z.string(),
    remarks: z.string().optional(),
    next: z.union([stepId, z.literal("end")]).optional(),
    decision: decisionSchema.optional(),
    chat: stepChatSchema.optional(),
  })
  .strict();

export const startSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("applicant"), note: z.string().optional() }).strict(),
  z
    .object({
      kind: z.literal("staff-deadline"),
      trigger: z.enum(["pension", "promotion", "kgb"]),
      note: z.string().optional(),
    })
    .strict(),
  z.object({ kind: z.literal("employee"), note: z.string().optional() }).strict(),
  z.object({ kind: z.literal("incoming-letter"), note: z.string().optional() }).strict(),
  z.object({ kind: z.literal("calendar"), schedule: z.string().min(1), note: z.string().optional() }).strict(),
  z.object({ kind: z.literal("manual"), note: z.string().optional() }).strict(),
]);

const isoDate = z
  .union([z.date(), z.string().regex(/^\d{4}-\d{2}-\d{2}$/)])
  .transform((d) => (typeof d === "string" ? d : d.toISOString().slice(0, 10)));

export const linkSchema = z.union([
  z.object({ text, sop: z.number().int().positive() }).strict(),
  z.object({ text, external: z.literal(true) }).strict(),
]);

export const sopSchema = z
  .object({
    number: z.number().int().min(1),
    code: text,
    title: z.string().min(1),
    /** The title as printed on the SOP page, when it differs from the decree's list (Diktum KETIGA). */
    printedTitle: z.string().optional(),
    unit: z.array(text).min(1),
    dates: z.object({ created: isoDate.nullable(), revised: isoDate.nullable(), effective: isoDate.nullable() }).strict(),
    approvedBy: text,
    legalBasis: z.array(text),
    qualifications: z.array(text),
    links: z.array(linkSchema),
    equipment: z.array(text),
    warnings: z.array(text),
    records: z.array(text),
    start: startSchema,
    actors: z.array(z.string().min(1)).min(1),
    notes: z.array(text).optional(),
    steps: z.array(stepSchema).min(1),
  })
  .strict();

export type Sop = z.infer<typeof sopSchema>;
export type SopStep = z.infer<typeof stepSchema>;
export type StepTime = z.infer<typeof stepTimeSchema>;
export type SopStart = z.infer<typeof startSchema>;
