// The working calendar of each office: its hours and time zone from flows/offices, and the national
// holidays and cuti bersama of flows/calendar.
import type { Catalog } from "../domain/catalog.ts";
import type { WorkCalendar } from "../domain/working-time.ts";

export function workCalendarsOf(catalog: Catalog): (officeId: string) => WorkCalendar {
  const closed = new Set<string>();
  for (const year of catalog.calendars.values()) for (const day of year.days) closed.add(day.date);
  return (officeId) => {
    const office = catalog.offices.get(officeId)?.office;
    if (!office) throw new Error(`Unknown office ${officeId}`);
    return { timeZone: office.timeZone, hours: office.officeHours, closedDates: closed };
  };
}
