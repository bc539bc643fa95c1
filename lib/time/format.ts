// The one way times and durations are written in the portal. Pure, so the
// server's first render and the browser agree on the format (only the time
// zone differs: the server writes UTC, the browser the reader's zone).

export type TimeFormat = "date" | "datetime";

const OPTIONS: Record<TimeFormat, Intl.DateTimeFormatOptions> = {
  date: { dateStyle: "medium" },
  datetime: { dateStyle: "medium", timeStyle: "short" },
};

/** "Nov 25, 2026, 14:03" in the given zone (the reader's when omitted); "UTC" is written out. */
export function formatTime(value: Date | string, format: TimeFormat = "datetime", options: { timeZone?: string; locale?: string } = {}): string {
  const date = typeof value === "string" ? new Date(value) : value;
  const text = date.toLocaleString(options.locale, { ...OPTIONS[format], ...(options.timeZone ? { timeZone: options.timeZone } : {}) });
  return options.timeZone === "UTC" && format === "datetime" ? `${text} UTC` : text;
}

/** "340 ms" under a second, "1.4 s" under a minute, "2 min 5 s" above. */
export function formatDuration(ms: number): string {
  const rounded = Math.max(0, Math.round(ms));
  if (rounded < 1000) return `${rounded} ms`;
  if (rounded < 60_000) return `${(rounded / 1000).toFixed(1)} s`;
  const minutes = Math.floor(rounded / 60_000);
  const seconds = Math.round((rounded % 60_000) / 1000);
  return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
}
