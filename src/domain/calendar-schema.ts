// The schema of flows/calendar/YYYY.yaml: national holidays and cuti bersama of one year.
import { z } from "zod";

const isoDate = z
  .union([z.date(), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "expected an ISO date YYYY-MM-DD" })])
  .transform((d) => (typeof d === "string" ? d : d.toISOString().slice(0, 10)));

export const calendarSchema = z
  .object({
    year: z.number().int().min(2000).max(2100),
    sources: z.array(z.string()).min(1),
    notes: z.array(z.string()).optional(),
    days: z
      .array(
        z
          .object({
            date: isoDate,
            kind: z.enum(["holiday", "cuti-bersama"]),
            name: z.string().min(1),
            note: z.string().optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type CalendarYear = z.infer<typeof calendarSchema>;
export type NonWorkingDay = CalendarYear["days"][number];

/** Problems the schema cannot see: days outside the year, duplicates, real calendar dates. */
export function lintCalendar(calendar: CalendarYear): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const seen = new Set<string>();
  calendar.days.forEach((day, i) => {
    const [y, m, d] = day.date.split("-").map(Number);
    const real = new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 0));
    if (real.toISOString().slice(0, 10) !== day.date)
      problems.push({ path: `days[${i}].date`, message: `${day.date} is not a calendar date` });
    if (y !== calendar.year) problems.push({ path: `days[${i}].date`, message: `${day.date} is not in ${calendar.year}` });
    if (seen.has(day.date)) problems.push({ path: `days[${i}].date`, message: `${day.date} is listed twice` });
    seen.add(day.date);
  });
  return problems;
}
