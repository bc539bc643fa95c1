import { describe, expect, it } from "vitest";
import { endOfDay, isCalendarDay } from "@/lib/time/calendar-day";

describe("calendar days", () => {
  it("accepts real days in the supported years", () => {
    for (const day of ["1970-01-01", "2026-02-28", "2028-02-29", "2999-12-31"]) expect(isCalendarDay(day), day).toBe(true);
  });

  it("refuses days the database cannot store and days that do not exist", () => {
    for (const day of ["0000-01-01", "1969-12-31", "3000-01-01", "9999-12-31", "2026-02-31", "2026-13-01", "2026-00-10", "2026-1-1", "20260101", "", "2026-01-01T00:00"]) expect(isCalendarDay(day), day).toBe(false);
  });

  it("ends a day at the next midnight, UTC", () => {
    expect(endOfDay("2999-12-31").toISOString()).toBe("3000-01-01T00:00:00.000Z");
  });
});
