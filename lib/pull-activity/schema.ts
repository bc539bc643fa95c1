// Filters of the Pull activity page and its CSV export: one schema, read from
// the URL's search parameters by both, so the export is exactly what is shown.
import { z } from "zod";
import { isStorableText } from "@/lib/lists/search-params";
import { calendarDayMessage, endOfDay, isCalendarDay, startOfDay } from "@/lib/time/calendar-day";

export const PULL_STATUS_FILTERS = ["success", "refused", "error"] as const;
export type PullStatusFilter = (typeof PULL_STATUS_FILTERS)[number];
export const PULL_STATUS_LABEL: Record<PullStatusFilter, string> = { success: "Succeeded (2xx/3xx)", refused: "Refused (4xx)", error: "Failed (5xx)" };

export const PULL_ACTIONS = ["token", "manifest", "blob", "tags", "airgap", "airgap_blob"] as const;
export const PULL_ACTION_LABEL: Record<string, string> = { token: "Sign-in (token)", manifest: "Manifest", blob: "Layer (blob)", tags: "Tag list", catalog: "Catalog", ping: "Ping", airgap: "Air-gap download", airgap_blob: "Air-gap layer (blob)" };

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine(isStorableText)
    .optional()
    .catch(undefined)
    .transform((value) => (value ? value : undefined));
const optionalDay = z
  .string()
  .optional()
  .catch(undefined)
  .transform((value) => (value && isCalendarDay(value) ? value : undefined));

/**
 * Lenient by design: a hand-edited URL with a bad value drops that filter
 * instead of failing the page.
 */
export const ZPullActivityFilters = z.object({
  customer: optionalText(64),
  image: optionalText(255),
  status: z.enum(PULL_STATUS_FILTERS).optional().catch(undefined),
  action: z.enum(PULL_ACTIONS).optional().catch(undefined),
  from: optionalDay,
  to: optionalDay,
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
/**
 * The same filters for the REST API, strict instead: a script that mistypes
 * a filter gets an error naming it, never a silently unfiltered answer.
 */
const apiDay = (field: string) =>
  z
    .string()
    .refine(isCalendarDay, { error: calendarDayMessage(field) })
    .optional();
export const ZPullActivityQuery = z.object({
  customer: z.string().trim().min(1).max(64, { error: "customer must be a customer ID." }).optional().meta({ description: "Only this customer's requests (a customer ID)." }),
  image: z.string().trim().min(1).max(255, { error: "image must be at most 255 characters." }).optional().meta({ description: "Only repositories whose name contains this (case-insensitive)." }),
  status: z.enum(PULL_STATUS_FILTERS, { error: `status must be one of ${PULL_STATUS_FILTERS.join(", ")}.` }).optional().meta({ description: "success: 2xx/3xx; refused: 4xx; error: 5xx." }),
  action: z.enum(PULL_ACTIONS, { error: `action must be one of ${PULL_ACTIONS.join(", ")}.` }).optional(),
  from: apiDay("from").meta({ description: "First day, YYYY-MM-DD (UTC), inclusive." }),
  to: apiDay("to").meta({ description: "Last day, YYYY-MM-DD (UTC), inclusive." }),
});

export interface PullActivityFilters {
  customer?: string | undefined;
  image?: string | undefined;
  status?: PullStatusFilter | undefined;
  action?: (typeof PULL_ACTIONS)[number] | undefined;
  from?: string | undefined;
  to?: string | undefined;
  page: number;
}

/** Parses Next.js searchParams or URLSearchParams (first value of each key). */
export function parsePullActivityFilters(params: URLSearchParams | Record<string, string | string[] | undefined>): PullActivityFilters {
  const get = (key: string) => {
    const value = params instanceof URLSearchParams ? params.get(key) : params[key];
    return Array.isArray(value) ? value[0] : (value ?? undefined);
  };
  return ZPullActivityFilters.parse(Object.fromEntries(["customer", "image", "status", "action", "from", "to", "page"].map((key) => [key, get(key)])));
}

/** The filters as a query string (without page unless asked), for links and the export. */
export function pullActivityQuery(filters: PullActivityFilters, overrides: Partial<PullActivityFilters> = {}): string {
  const merged = { ...filters, ...overrides };
  const params = new URLSearchParams();
  for (const key of ["customer", "image", "status", "action", "from", "to"] as const) {
    const value = merged[key];
    if (value) params.set(key, value);
  }
  if (merged.page && merged.page > 1) params.set("page", String(merged.page));
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** The date range as timestamps: from the start of `from` to the end of `to`, UTC. */
export function dateRangeOf(filters: Pick<PullActivityFilters, "from" | "to">): { gte?: Date; lt?: Date } {
  const range: { gte?: Date; lt?: Date } = {};
  if (filters.from) range.gte = startOfDay(filters.from);
  if (filters.to) range.lt = endOfDay(filters.to);
  return range;
}
