// The members list's URL: search, role, sort and page (lib/lists). Pure.
import { z } from "zod";
import { listDirection, listPage, listSearch, optionalChoice } from "@/lib/lists/search-params";

export const MEMBER_SORTS = ["name", "email", "joined"] as const;

export const ZMemberListQuery = z.object({
  /** Part of the name or email. */
  q: listSearch,
  role: optionalChoice(["ADMIN", "MEMBER", "VIEWER"]),
  sort: z.enum(MEMBER_SORTS).catch("joined"),
  dir: listDirection,
  page: listPage,
});
export type TMemberListQuery = z.infer<typeof ZMemberListQuery>;

export const MEMBER_LIST_DEFAULTS: TMemberListQuery = ZMemberListQuery.parse({});
