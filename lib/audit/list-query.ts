// The audit log's URL (page and CSV export alike): actor, action, target,
// date range and page (lib/lists). Pure.
import { z } from "zod";
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES } from "@/lib/audit/actions";
import { listPage, optionalChoice } from "@/lib/lists/search-params";
import { calendarDayMessage, endOfDay, isCalendarDay, startOfDay } from "@/lib/time/calendar-day";

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const day = z.string().refine(isCalendarDay).or(z.literal("")).catch("");

export const ZAuditListQuery = z.object({
  /** "user:<userId>", "token:<tokenId>" or "system" (the portal itself). */
  actor: z
    .string()
    .refine((value) => value === "system" || /^(user|token):[A-Za-z0-9_-]{1,64}$/.test(value))
    .or(z.literal(""))
    .catch(""),
  action: optionalChoice(AUDIT_ACTIONS),
  target: optionalChoice(AUDIT_TARGET_TYPES),
  /** One object's history, e.g. from a registry page's "See its history". */
  targetId: z.string().regex(ID).or(z.literal("")).catch(""),
  /** Days in UTC, inclusive, YYYY-MM-DD. */
  from: day,
  to: day,
  page: listPage,
});
export type TAuditListQuery = z.infer<typeof ZAuditListQuery>;

/** What each filter expects, for the export's 400 (lib/lists rejectedFilters). */
export const AUDIT_FILTER_EXPECTATIONS: Record<string, string> = {
  actor: "actor must be system, user:<user ID> or token:<token ID>.",
  action: "action must be one of the actions listed in the Audit log page's Action filter.",
  target: "target must be one of the kinds listed in the Audit log page's Target filter.",
  targetId: "targetId must be an ID (letters, digits, _ and -, at most 64).",
  from: calendarDayMessage("from"),
  to: calendarDayMessage("to"),
};

export const AUDIT_LIST_DEFAULTS: TAuditListQuery = ZAuditListQuery.parse({});

/** The createdAt range of the query's days: from 00:00 UTC of `from` to the end of `to`. */
export function auditDateRange(query: Pick<TAuditListQuery, "from" | "to">): { gte?: Date; lt?: Date } {
  const range: { gte?: Date; lt?: Date } = {};
  if (query.from) range.gte = startOfDay(query.from);
  if (query.to) range.lt = endOfDay(query.to);
  return range;
}
