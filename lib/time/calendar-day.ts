// A day typed by a person (an <input type="date">, a filter in a URL):
// YYYY-MM-DD, a real calendar date (not 2026-02-31, which Date.parse rolls
// over into March), in years the database can store and compare. PostgreSQL
// has no year 0 and JavaScript writes years past 9999 as "+010000", so the
// bounds are generous but finite. Every form, filter and API query that takes
// a day uses these. Pure.

export const FIRST_DAY = "1970-01-01";
export const LAST_DAY = "2999-12-31";
export const DAY_MS = 86_400_000;

/** True for a real calendar day between FIRST_DAY and LAST_DAY. */
export function isCalendarDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || value < FIRST_DAY || value > LAST_DAY) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
}

/** Midnight UTC at the start of a day checked by isCalendarDay. */
export function startOfDay(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

/** Midnight UTC at the end of the day (the next day's start). */
export function endOfDay(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS);
}

/** "from must be a date like 2026-01-31, from 1970-01-01 to 2999-12-31 (UTC)." */
export function calendarDayMessage(field: string): string {
  return `${field} must be a date like 2026-01-31, from ${FIRST_DAY} to ${LAST_DAY} (UTC).`;
}
