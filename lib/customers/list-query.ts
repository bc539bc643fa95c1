// The customers list's URL: search, license state, sort and page (lib/lists). Pure.
import { z } from "zod";
import { listPage, listSearch, optionalChoice } from "@/lib/lists/search-params";

export const CUSTOMER_STATES = ["active", "revoked", "expired"] as const;
export const CUSTOMER_SORTS = ["created", "name", "expires"] as const;

export const ZCustomerListQuery = z.object({
  /** Part of the name or email, or a whole license ID. */
  q: listSearch,
  state: optionalChoice(CUSTOMER_STATES),
  sort: z.enum(CUSTOMER_SORTS).catch("created"),
  dir: z.enum(["asc", "desc"]).catch("desc"),
  page: listPage,
});
export type TCustomerListQuery = z.infer<typeof ZCustomerListQuery>;

export const CUSTOMER_LIST_DEFAULTS: TCustomerListQuery = ZCustomerListQuery.parse({});
