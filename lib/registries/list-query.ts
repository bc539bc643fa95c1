// The registries list's URL: search, filters, sort and page (lib/lists). Pure.
import { z } from "zod";
import { listDirection, listPage, listSearch, optionalChoice } from "@/lib/lists/search-params";
import { REGISTRY_AUTH_TYPES } from "@/lib/registries/schema";
import { REGISTRY_STATUS_KINDS } from "@/lib/registries/status";

export const REGISTRY_SORTS = ["name", "hostname", "lastTested", "created"] as const;

export const ZRegistryListQuery = z.object({
  /** Part of the name or hostname. */
  q: listSearch,
  status: optionalChoice(REGISTRY_STATUS_KINDS),
  auth: optionalChoice(REGISTRY_AUTH_TYPES),
  /** A provider ID (Registry.provider); unknown IDs simply match nothing. */
  provider: z.string().regex(/^[a-z0-9-]{1,32}$/).or(z.literal("")).catch(""),
  /** "app": the registries the current application may use; "all": the team's. */
  scope: z.enum(["app", "all"]).catch("app"),
  sort: z.enum(REGISTRY_SORTS).catch("name"),
  dir: listDirection,
  page: listPage,
});
export type TRegistryListQuery = z.infer<typeof ZRegistryListQuery>;

export const REGISTRY_LIST_DEFAULTS: TRegistryListQuery = ZRegistryListQuery.parse({});
