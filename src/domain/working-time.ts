// Working-time arithmetic in an office's own time zone: office hours, weekends, national holidays
// and cuti bersama. Pure: the calendar and the instants come in as arguments.
// Indonesian time zones have fixed offsets (no daylight saving), so local time is UTC + offset.

export type TimeZone = "Asia/Jakarta" | "Asia/Makassar" | "Asia/Jayapura";

const offsetMinutes: Record<TimeZone, number> = { "Asia/Jakarta": 420, "Asia/Makassar": 480, "Asia/Jayapura": 540 };

export interface OfficeHoursRule {
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: number[];
  /** "HH:MM" local time. */
  start: string;
  end: string;
}

export interface WorkCalendar {
  timeZone: TimeZone;
  hours: OfficeHoursRule[];
  /** Non-working dates "YYYY-MM-DD" (holidays and cuti bersama). */
  closedDates: ReadonlySet<string>;
}

const DAY = 86_400_000;

/** "YYYY-MM-DD" of an instant in the calendar's time zone. */
export function localDate(instant: Date, timeZone: TimeZone): string {
  return new Date(instant.getTime() + offsetMinutes[timeZone] * 60_000).toISOString().slice(0, 10);
}

/** Minutes since local midnight of an instant. */
function localMinuteOfDay(instant: Date, timeZone: TimeZone): number {
  const shifted = new Date(instant.getTime() + offsetMinutes[timeZone] * 60_000);
  return shifted.getUTCHours() * 60 + shifted.getUTCMinutes() + shifted.getUTCSeconds() / 60 + shifted.getUTCMilliseconds() / 60_000;
}

/** The instant of local `date` at `minuteOfDay`. */
export function atLocal(date: string, minuteOfDay: number, timeZone: TimeZone): Date {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1) + (minuteOfDay - offsetMinutes[timeZone]) * 60_000);
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1) + days * DAY).toISOString().slice(0, 10);
}

/** ISO weekday of a local date (1 = Monday … 7 = Sunday). */
export function isoWeekday(date: string): number {
  const [y, m, d] = date.split("-").map(Number);
  const day = new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1)).getUTCDay();
  return day === 0 ? 7 : day;
}

/** Office hours of a local date as [start, end) minutes of the day, or null when the office is closed. */
export function hoursOn(date: string, calendar: WorkCalendar): [number, number] | null {
  if (calendar.closedDates.has(date)) return null;
  const weekday = isoWeekday(date);
  const rule = calendar.hours.find((h) => h.days.includes(weekday));
  return rule ? [toMinutes(rule.start), toMinutes(rule.end)] : null;
}

export function isWorkingDay(date: string, calendar: WorkCalendar): boolean {
  return hoursOn(date, calendar) !== null;
}

/** The first working day strictly after `date`. */
export function nextWorkingDay(date: string, calendar: WorkCalendar): string {
  let d = addDays(date, 1);
  for (let i = 0; i < 366 && !isWorkingDay(d, calendar); i++) d = addDays(d, 1);
  return d;
}

/** The last working day strictly before `date`. */
export function previousWorkingDay(date: string, calendar: WorkCalendar): string {
  let d = addDays(date, -1);
  for (let i = 0; i < 366 && !isWorkingDay(d, calendar); i++) d = addDays(d, -1);
  return d;
}

/** True when `instant` falls inside office hours. */
export function isOfficeTime(instant: Date, calendar: WorkCalendar): boolean {
  const hours = hoursOn(localDate(instant, calendar.timeZone), calendar);
  if (!hours) return false;
  const minute = localMinuteOfDay(instant, calendar.timeZone);
  return minute >= hours[0] && minute < hours[1];
}

/** The instant itself when inside office hours, otherwise the next opening. */
export function nextOfficeTime(instant: Date, calendar: WorkCalendar): Date {
  const date = localDate(instant, calendar.timeZone);
  const hours = hoursOn(date, calendar);
  const minute = localMinuteOfDay(instant, calendar.timeZone);
  if (hours && minute < hours[0]) return atLocal(date, hours[0], calendar.timeZone);
  if (hours && minute < hours[1]) return instant;
  const next = nextWorkingDay(date, calendar);
  return atLocal(next, hoursOn(next, calendar)?.[0] ?? 0, calendar.timeZone);
}

/**
 * Adds office-hours minutes: the clock runs only inside office hours. Work started outside office
 * hours starts at the next opening. The result is the end of the last minute worked, which may be
 * exactly a closing time.
 */
export function addOfficeMinutes(start: Date, minutes: number, calendar: WorkCalendar): Date {
  let remaining = minutes;
  let at = nextOfficeTime(start, calendar);
  for (let guard = 0; guard < 10_000; guard++) {
    const date = localDate(at, calendar.timeZone);
    const hours = hoursOn(date, calendar);
    if (!hours) throw new Error("nextOfficeTime returned a closed day");
    const available = hours[1] - localMinuteOfDay(at, calendar.timeZone);
    if (remaining <= available) return new Date(at.getTime() + remaining * 60_000);
    remaining -= available;
    const next = nextWorkingDay(date, calendar);
    at = atLocal(next, hoursOn(next, calendar)?.[0] ?? 0, calendar.timeZone);
  }
  throw new Error("addOfficeMinutes: no office hours within reach");
}

/**
 * Adds working days: the due time is the same office-clock time `days` working days later
 * (clamped to that day's closing time). Work started outside office hours starts at the next opening.
 */
export function addWorkingDays(start: Date, days: number, calendar: WorkCalendar): Date {
  const begin = nextOfficeTime(start, calendar);
  const minute = localMinuteOfDay(begin, calendar.timeZone);
  let date = localDate(begin, calendar.timeZone);
  for (let i = 0; i < days; i++) date = nextWorkingDay(date, calendar);
  const hours = hoursOn(date, calendar);
  if (!hours) throw new Error("nextWorkingDay returned a closed day");
  return atLocal(date, Math.min(Math.max(minute, hours[0]), hours[1]), calendar.timeZone);
}

/** Office-hours minutes between two instants (0 when `to` is not after `from`). */
export function officeMinutesBetween(from: Date, to: Date, calendar: WorkCalendar): number {
  if (to <= from) return 0;
  let total = 0;
  let date = localDate(from, calendar.timeZone);
  const lastDate = localDate(to, calendar.timeZone);
  for (let guard = 0; guard < 100_000 && date <= lastDate; guard++) {
    const hours = hoursOn(date, calendar);
    if (hours) {
      const open = atLocal(date, hours[0], calendar.timeZone).getTime();
      const close = atLocal(date, hours[1], calendar.timeZone).getTime();
      const s = Math.max(open, from.getTime());
      const e = Math.min(close, to.getTime());
      if (e > s) total += (e - s) / 60_000;
    }
    date = addDays(date, 1);
  }
  return total;
}
