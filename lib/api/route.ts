import "server-only";
// What a route file under app/api/v1 exports: the handlers of its operations
// and, for every other method, a 405 with the Allow header and the API's JSON
// error body (Next.js would answer those with an empty 405 and no Allow).
// OPTIONS answers with the same Allow.
//   export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(listThings, createThing);
import { errorResponse, type ApiEndpoint, type RouteHandler } from "@/lib/api/endpoint";
import { MERGE_PATCH_MEDIA_TYPE } from "@/lib/api/request-body";

export const ROUTE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type RouteMethod = (typeof ROUTE_METHODS)[number];

const NOT_ALLOWED = Symbol("method not allowed");

/** True for the 405 handler apiRoute puts where a route has no operation. */
export function isMethodNotAllowedHandler(handler: unknown): boolean {
  return typeof handler === "function" && NOT_ALLOWED in handler;
}

/** The Allow header of a route that implements these methods (HEAD goes with GET, OPTIONS always). */
export function allowHeader(methods: readonly string[]): string {
  const allowed = new Set(methods.map((method) => method.toUpperCase()));
  if (allowed.has("GET")) allowed.add("HEAD");
  allowed.add("OPTIONS");
  return [...allowed].sort().join(", ");
}

export function methodNotAllowedHandler(methods: readonly string[]): RouteHandler {
  const allow = allowHeader(methods);
  const handler = async (request: Request) => {
    const { pathname } = new URL(request.url);
    return errorResponse("method_not_allowed", `${request.method} is not supported on ${pathname}. Allowed: ${allow}.`, crypto.randomUUID(), undefined, { allow });
  };
  return Object.assign(handler, { [NOT_ALLOWED]: true });
}

export function optionsHandler(methods: readonly string[]): () => Response {
  const allow = allowHeader(methods);
  const acceptsPatch = methods.some((method) => method.toUpperCase() === "PATCH");
  return () => new Response(null, { status: 204, headers: { allow, ...(acceptsPatch ? { "accept-patch": MERGE_PATCH_MEDIA_TYPE } : {}) } });
}

export function apiRoute(...endpoints: ApiEndpoint[]): Record<RouteMethod, RouteHandler> & { OPTIONS: () => Response } {
  const implemented = new Map(endpoints.map((endpoint) => [endpoint.spec.method.toUpperCase(), endpoint.handler]));
  if (implemented.size !== endpoints.length) throw new Error(`apiRoute: two operations with the same method on ${endpoints[0]?.spec.path}`);
  const methods = [...implemented.keys()];
  const notAllowed = methodNotAllowedHandler(methods);
  const handlers = Object.fromEntries(ROUTE_METHODS.map((method) => [method, implemented.get(method) ?? notAllowed])) as Record<RouteMethod, RouteHandler>;
  return { ...handlers, OPTIONS: optionsHandler(methods) };
}
