import "server-only";
// Every operation of the REST API, in the order the reference lists them.
// A new resource is one module in this folder, its route files under app/api/v1, and one
// line here; the OpenAPI document and its tests pick it up from this list.
import type { ApiEndpoint } from "@/lib/api/endpoint";
import * as airGapLinks from "@/lib/api/endpoints/airgap-links";
import * as applications from "@/lib/api/endpoints/applications";
import * as auditEvents from "@/lib/api/endpoints/audit-events";
import * as customerPage from "@/lib/api/endpoints/customer-page";
import * as customers from "@/lib/api/endpoints/customers";
import * as entitlements from "@/lib/api/endpoints/entitlements";
import * as oidc from "@/lib/api/endpoints/oidc";
import * as pullActivity from "@/lib/api/endpoints/pull-activity";
import * as registries from "@/lib/api/endpoints/registries";
import * as registryTests from "@/lib/api/endpoints/registry-tests";
import * as tokens from "@/lib/api/endpoints/tokens";
import * as webhooks from "@/lib/api/endpoints/webhooks";

const MODULES = [applications, registries, registryTests, oidc, customers, entitlements, customerPage, airGapLinks, pullActivity, auditEvents, tokens, webhooks];

function isEndpoint(value: unknown): value is ApiEndpoint {
  return typeof value === "object" && value !== null && "spec" in value && "handler" in value;
}

const METHOD_ORDER = ["get", "post", "put", "patch", "delete"];

/** By module, then path, then method: the same order however the modules were loaded. */
export const API_ENDPOINTS: ApiEndpoint[] = MODULES.flatMap((module) =>
  (Object.values(module) as unknown[]).filter(isEndpoint).sort((a, b) => a.spec.path.localeCompare(b.spec.path) || METHOD_ORDER.indexOf(a.spec.method) - METHOD_ORDER.indexOf(b.spec.method)),
);
