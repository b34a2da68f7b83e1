// The schema of flows/forms/*.yaml: a chat form an applicant fills, one question at a time, that
// opens a case of the SOP it names when sent.
import { z } from "zod";

const id = z.string().regex(/^[a-z0-9]+(_[a-z0-9]+)*$/, { error: "expected a snake_case field id like nama_koperasi" });

const base = {
  id,
  /** The question as asked, e.g. "Nama lengkap sesuai KTP". */
  label: z.string().min(3),
  /** A short hint shown under the question (format, example). */
  hint: z.string().optional(),
  optional: z.boolean().optional(),
  /** Personal data under UU 27/2022: the notice is shown before the first such field. */
  personal: z.boolean().optional(),
};

export const fieldSchema = z.discriminatedUnion("type", [
  z
    .object({
      ...base,
      type: z.literal("text"),
      minLength: z.number().int().min(1).optional(),
      maxLength: z.number().int().max(2000).optional(),
      multiline: z.boolean().optional(),
    })
    .strict(),
  z.object({ ...base, type: z.literal("nik") }).strict(),
  z.object({ ...base, type: z.literal("phone") }).strict(),
  z.object({ ...base, type: z.literal("email") }).strict(),
  z
    .object({
      ...base,
      type: z.literal("date"),
      notBefore: z.enum(["today", "any"]).optional(),
      notAfter: z.enum(["today", "any"]).optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal("number"),
      min: z.number().optional(),
      max: z.number().optional(),
      integer: z.boolean().optional(),
      unit: z.string().optional(),
    })
    .strict(),
  z.object({ ...base, type: z.literal("choice"), options: z.array(z.string().min(1)).min(2) }).strict(),
  z.object({ ...base, type: z.literal("region") }).strict(),
  z
    .object({
      ...base,
      type: z.literal("file"),
      accept: z
        .array(z.enum(["pdf", "jpg", "png"]))
        .min(1)
        .optional(),
      /** How many files the question takes (default 1 and 1); more than one are sent one by one, then SELESAI. */
      min: z.number().int().min(1).optional(),
      max: z.number().int().min(1).max(10).optional(),
    })
    .strict(),
]);

export const formSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: "expected a kebab-case form id" }),
    /** The SOP whose case the form opens. */
    sop: z.number().int().min(1),
    title: z.string().min(3),
    /** One or two sentences telling an applicant what the service is. */
    summary: z.string().min(10),
    /** The unit that serves it, as the applicant should know it. */
    servedBy: z.string().min(3),
    /** Whether the service is one of the four klinik layanan services (listed first). */
    klinik: z.boolean().optional(),
    /** How the result reaches the applicant, told when the result is ready. */
    result: z.string().min(5),
    fields: z.array(fieldSchema).min(1),
    notes: z.array(z.string()).optional(),
  })
  .strict();

export type Form = z.infer<typeof formSchema>;
export type FormField = z.infer<typeof fieldSchema>;

/** What the schema cannot check: unique field ids, at least one personal field comes with a notice. */
export function lintForm(form: Form, file: string): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const expected = `forms/${form.id}.yaml`;
  if (file !== expected) problems.push({ path: "id", message: `form "${form.id}" must be in flows/${expected}` });
  const seen = new Set<string>();
  form.fields.forEach((f, i) => {
    if (seen.has(f.id)) problems.push({ path: `fields[${i}].id`, message: `field id "${f.id}" is used twice` });
    seen.add(f.id);
    if (["nik", "phone", "email"].includes(f.type) && !f.personal)
      problems.push({ path: `fields[${i}].personal`, message: `a ${f.type} field is personal data: set personal: true` });
    if (f.type === "file" && (f.min ?? 1) > (f.max ?? 1))
      problems.push({ path: `fields[${i}].min`, message: `min ${f.min ?? 1} is more than max ${f.max ?? 1}` });
  });
  return problems;
}
