// The arguments of `npm run oidc:rotate`, parsed in one place so that the
// command's usage line and its checks agree.
import type { MaintenanceMode } from "@/lib/oidc/key-lifecycle";
import { NEXT_NOW_DEFAULT_OVERLAP_MS } from "@/lib/oidc/lifecycle-policy";

export const ROTATE_USAGE =
  "Usage: npm run oidc:rotate [-- --next-now [--overlap=5m] | -- --emergency] [--wait=5s]\n" +
  "  (no option)   publish a next key now; it signs after OIDC_NEXT_KEY_LEAD_HOURS\n" +
  "  --next-now    suspected leak: publish a new key now, sign with it after the overlap (default 5m), unpublish the old key once its tokens expired\n" +
  "  --emergency   confirmed leak: a new key signs at once and the old one is unpublished at once\n" +
  "  --wait        how long to wait for running portal processes to acknowledge (default 5s)";

export interface RotateOptions {
  mode: Extract<MaintenanceMode, "rotate" | "next-now" | "emergency">;
  overlapMs: number;
  waitMs: number;
}

export type ParsedRotateOptions = { ok: true; options: RotateOptions } | { ok: false; message: string };

/** "90", "90s", "5m", "1h" → milliseconds; null when not a duration. */
export function parseDuration(value: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) return null;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? "s") as "ms" | "s" | "m" | "h"];
  return Math.round(Number(match[1]) * unit);
}

export function parseRotateArguments(argv: readonly string[]): ParsedRotateOptions {
  const options: RotateOptions = { mode: "rotate", overlapMs: NEXT_NOW_DEFAULT_OVERLAP_MS, waitMs: 5000 };
  let overlapGiven = false;
  for (const argument of argv) {
    const [name, value] = argument.split("=", 2) as [string, string | undefined];
    if (name === "--emergency" || name === "--next-now") {
      if (options.mode !== "rotate") return { ok: false, message: "Choose one of --next-now and --emergency." };
      options.mode = name === "--emergency" ? "emergency" : "next-now";
    } else if (name === "--overlap" || name === "--wait") {
      const ms = value === undefined ? null : parseDuration(value);
      if (ms === null) return { ok: false, message: `${name} needs a duration such as ${name}=5m, ${name}=90s or ${name}=300.` };
      if (name === "--overlap") {
        overlapGiven = true;
        options.overlapMs = ms;
      } else {
        options.waitMs = ms;
      }
    } else {
      return { ok: false, message: `Unknown option ${argument}.` };
    }
  }
  if (overlapGiven && options.mode !== "next-now") return { ok: false, message: "--overlap only applies to --next-now." };
  return { ok: true, options };
}
