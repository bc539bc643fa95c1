"use client";
import { useSyncExternalStore } from "react";

export interface LocalTimeProps {
  /** An ISO 8601 timestamp (pass date.toISOString() from a server component). */
  value: string;
  /** "date" (Nov 25, 2026) or "datetime" (Nov 25, 2026, 14:03). */
  format?: "date" | "datetime";
}

const OPTIONS: Record<NonNullable<LocalTimeProps["format"]>, Intl.DateTimeFormatOptions> = {
  date: { dateStyle: "medium" },
  datetime: { dateStyle: "medium", timeStyle: "short" },
};

const subscribe = () => () => {};

/**
 * A timestamp in the reader's time zone. The server renders it in UTC (it
 * cannot know the zone); the browser switches to local time after hydration.
 */
export function LocalTime({ value, format = "datetime" }: LocalTimeProps) {
  const date = new Date(value);
  const text = useSyncExternalStore(
    subscribe,
    () => date.toLocaleString(undefined, OPTIONS[format]),
    () => `${date.toLocaleString("en-US", { ...OPTIONS[format], timeZone: "UTC" })}${format === "datetime" ? " UTC" : ""}`,
  );
  return (
    <time dateTime={value} title={date.toISOString()}>
      {text}
    </time>
  );
}
