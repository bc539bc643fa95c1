"use client";
import { useSyncExternalStore } from "react";
import { formatTime, type TimeFormat } from "@/lib/time/format";

export interface LocalTimeProps {
  /** An ISO 8601 timestamp (pass date.toISOString() from a server component). */
  value: string;
  /** "date" (Nov 25, 2026) or "datetime" (Nov 25, 2026, 14:03). */
  format?: TimeFormat;
}

const subscribe = () => () => {};

/**
 * A timestamp in the reader's time zone. The server renders it in UTC (it
 * cannot know the zone); the browser switches to local time after hydration.
 */
export function LocalTime({ value, format = "datetime" }: LocalTimeProps) {
  const date = new Date(value);
  const text = useSyncExternalStore(
    subscribe,
    () => formatTime(date, format),
    () => formatTime(date, format, { timeZone: "UTC", locale: "en-US" }),
  );
  return (
    <time dateTime={value}>
      {text}
    </time>
  );
}
