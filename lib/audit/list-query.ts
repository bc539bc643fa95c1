// The audit log's URL (page and CSV export alike): actor, action, target,
// date range and page (lib/lists). Pure.
import { z } from "zod";
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES } from "@/lib/audit/actions";
import { listPage, optionalChoice } from "@/lib/lists/search-params";

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
  .or(z.literal(""))
  .catch("");

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

export const AUDIT_LIST_DEFAULTS: TAuditListQuery = ZAuditListQuery.parse({});

/** The createdAt range of the query's days: from 00:00 UTC of `from` to the end of `to`. */
export function auditDateRange(query: Pick<TAuditListQuery, "from" | "to">): { gte?: Date; lt?: Date } {
  const range: { gte?: Date; lt?: Date } = {};
  if (query.from) range.gte = new Date(`${query.from}T00:00:00Z`);
  if (query.to) range.lt = new Date(Date.parse(`${query.to}T00:00:00Z`) + 86_400_000);
  return range;
}
