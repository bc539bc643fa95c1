import { describe, expect, it } from "vitest";
import { formatDuration, formatTime } from "@/lib/time/format";

describe("formatDuration", () => {
  it.each([
    [0, "0 ms"],
    [42.4, "42 ms"],
    [999, "999 ms"],
    [1000, "1.0 s"],
    [1449, "1.4 s"],
    [59_949, "59.9 s"],
    [60_000, "1 min"],
    [125_000, "2 min 5 s"],
  ])("writes %d ms as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("formatTime", () => {
  it("writes a date and time in the given zone, naming UTC", () => {
    expect(formatTime("2026-11-25T14:03:00.000Z", "datetime", { timeZone: "UTC", locale: "en-US" })).toBe("Nov 25, 2026, 2:03 PM UTC");
    expect(formatTime(new Date("2026-11-25T23:30:00.000Z"), "date", { timeZone: "Asia/Tokyo", locale: "en-US" })).toBe("Nov 26, 2026");
  });
});
