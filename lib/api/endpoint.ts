import "server-only";
// One REST API operation, defined once: its method, path, role, input and
// output schemas (from which the OpenAPI document is generated) and the
// service call it makes. `handler` is what a route file under app/api/v1
// exports. Every request goes through the same checklist:
//   bearer token → rate limit → role → path, query and body → service →
//   response parsed through its schema → audit event with the token as actor.
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { recordAuditEvent } from "@/lib/audit/service";
import { authenticateApiToken, type ApiPrincipal } from "@/lib/api-tokens/service";
import { apiRateLimiter, type RateLimitDecision } from "@/lib/api/rate-limit";
import { readJsonBody } from "@/lib/api/request-body";
import { errorCodeToHttpStatus, type ErrorCode } from "@/lib/http/error-codes";
import { assertStorableText, fieldErrorsOf, NOT_FOUND, UserFacingError } from "@/lib/http/result";
import { findUnstorableText } from "@/lib/http/storable-text";
import { log, type Logger } from "@/lib/log";
import { ROLE_LABEL, roleAtLeast, type TeamRole } from "@/lib/teams/roles";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

type AnyObject = z.ZodObject<z.ZodRawShape>;

export interface EndpointSpec<Params extends AnyObject | undefined, Query extends AnyObject | undefined, Body extends z.ZodType | undefined, Result extends z.ZodType | undefined> {
  method: HttpMethod;
  /** OpenAPI path below /api/v1, e.g. "/registries/{registryId}". */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  /** The lowest role that may call it, as the portal's pages require. */
  minimumRole: TeamRole;
  /** For the 403 message: "This token's role does not allow it to <what>". */
  what: string;
  params?: Params;
  query?: Query;
  /** The documented body; also validated unless `validateBody` is false (the service call then validates with the form's schema). */
  body?: Body;
  validateBody?: boolean;
  /** The whole response body; undefined for 204 No Content. */
  response?: Result;
  successStatus?: 200 | 201 | 204;
  /** Error codes this operation can answer with, besides those of every operation. */
  errors?: ErrorCode[];
}

export interface EndpointContext<Params, Query, Body> {
  principal: ApiPrincipal;
  params: Params;
  query: Query;
  body: Body;
  /** The body as sent (JSON), for operations that validate it themselves. */
  rawBody: unknown;
  requestId: string;
  log: Logger;
}

export type RouteHandler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

export interface ApiEndpoint {
  spec: EndpointSpec<AnyObject | undefined, AnyObject | undefined, z.ZodType | undefined, z.ZodType | undefined>;
  handler: RouteHandler;
}

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;
type In<T> = T extends z.ZodType ? z.input<T> : void;

/** The error codes any operation can answer with. */
export const COMMON_ERROR_CODES: ErrorCode[] = ["unauthorized", "forbidden", "rate_limited", "internal"];

export function defineEndpoint<Params extends AnyObject | undefined = undefined, Query extends AnyObject | undefined = undefined, Body extends z.ZodType | undefined = undefined, Result extends z.ZodType | undefined = undefined>(
  spec: EndpointSpec<Params, Query, Body, Result>,
  run: (context: EndpointContext<Out<Params>, Out<Query>, Out<Body>>) => Promise<In<Result>>,
): ApiEndpoint {
  const handler: RouteHandler = async (request, routeContext) => {
    const requestId = randomUUID();
    const started = Date.now();
    const requestLog = log.child({ requestId, method: spec.method.toUpperCase(), path: spec.path });
    const authentication = await authenticate(request);
    if (!authentication.ok) return errorResponse("unauthorized", authentication.message, requestId);
    const { principal } = authentication;
    const tokenLog = requestLog.child({ teamId: principal.team.id, tokenId: principal.token.id });

    const limit = await apiRateLimiter.hit(`api-token:${principal.token.id}`);
    if (!limit.ok) {
      tokenLog.warn({ limit: limit.limit }, "api request rate limited");
      return errorResponse("rate_limited", `This token has made ${limit.limit} requests in the current minute, the most allowed. Try again in ${limit.retryAfterSeconds} s.`, requestId, undefined, {
        "retry-after": String(limit.retryAfterSeconds),
        ...rateLimitHeaders(limit),
      });
    }

    let response: Response;
    try {
      if (!roleAtLeast(principal.role, spec.minimumRole)) {
        throw new UserFacingError("forbidden", `This token's role (${ROLE_LABEL[principal.role]}) does not allow it to ${spec.what}; that needs ${ROLE_LABEL[spec.minimumRole]} or higher. Team admins create tokens under Team → API tokens.`);
      }
      const rawParams = await routeContext.params;
      // No stored ID holds text the database cannot compare (a NUL byte): such an ID names nothing.
      if (findUnstorableText(rawParams)) throw NOT_FOUND();
      const params = spec.params ? spec.params.safeParse(rawParams) : undefined;
      if (params && !params.success) throw NOT_FOUND();
      const rawQuery = Object.fromEntries(new URL(request.url).searchParams);
      assertStorableText(rawQuery);
      const query = spec.query ? spec.query.safeParse(rawQuery) : undefined;
      if (query && !query.success) throw new UserFacingError("invalid_input", "Some query parameters need attention.", fieldErrorsOf(query.error));
      const rawBody = spec.body ? await readJsonBody(request) : undefined;
      assertStorableText(rawBody);
      let body: unknown = rawBody;
      if (spec.body && spec.validateBody !== false) {
        const parsed = spec.body.safeParse(rawBody);
        if (!parsed.success) throw new UserFacingError("invalid_input", "Some fields need attention.", fieldErrorsOf(parsed.error));
        body = parsed.data;
      }
      const data = await run({
        principal,
        params: params?.data as Out<Params>,
        query: query?.data as Out<Query>,
        body: body as Out<Body>,
        rawBody,
        requestId,
        log: tokenLog,
      });
      const status = spec.successStatus ?? (spec.response ? 200 : 204);
      // Parsing drops every key the schema does not declare.
      response = spec.response ? Response.json(spec.response.parse(data), { status }) : new Response(null, { status });
    } catch (error) {
      response = failureResponse(error, requestId, tokenLog);
    }
    for (const [name, value] of Object.entries({ ...rateLimitHeaders(limit), "x-request-id": requestId, "cache-control": "no-store" })) response.headers.set(name, value);

    await recordApiRequest(principal, request, spec, response.status, requestId).catch((error: unknown) => {
      tokenLog.error({ err: error instanceof Error ? error.message : "unknown" }, "api request audit event failed");
    });
    tokenLog.info({ status: response.status, ms: Date.now() - started }, "api request");
    return response;
  };
  return { spec: spec as ApiEndpoint["spec"], handler };
}

type Authentication = { ok: true; principal: ApiPrincipal } | { ok: false; message: string };

/** Only `Authorization: Bearer <token>`; a browser's session cookie is never a credential here. */
async function authenticate(request: Request): Promise<Authentication> {
  const header = request.headers.get("authorization");
  if (!header) {
    const hasCookie = Boolean(request.headers.get("cookie"));
    return {
      ok: false,
      message: hasCookie
        ? "The API does not accept browser sessions. Send an API token in the header Authorization: Bearer rp_…; team admins create tokens under Team → API tokens."
        : "Send an API token in the header Authorization: Bearer rp_…; team admins create tokens under Team → API tokens.",
    };
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return { ok: false, message: "The Authorization header must be: Bearer rp_… (an API token)." };
  return authenticateApiToken(match[1]!);
}

function rateLimitHeaders(limit: RateLimitDecision): Record<string, string> {
  return {
    "ratelimit-limit": String(limit.limit),
    "ratelimit-remaining": String(limit.ok ? limit.remaining : 0),
    "ratelimit-reset": String(limit.ok ? limit.resetSeconds : limit.retryAfterSeconds),
  };
}

export function errorResponse(code: ErrorCode, message: string, requestId: string, fields?: Record<string, string>, headers: Record<string, string> = {}): Response {
  return Response.json(
    { error: { code, message, ...(fields ? { fields } : {}) } },
    { status: errorCodeToHttpStatus(code), headers: { "x-request-id": requestId, "cache-control": "no-store", ...headers } },
  );
}

function failureResponse(error: unknown, requestId: string, requestLog: Logger): Response {
  if (error instanceof UserFacingError) {
    const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    return errorResponse(error.code, error.message, requestId, error.fieldErrors, typeof retryAfter === "number" ? { "retry-after": String(retryAfter) } : {});
  }
  requestLog.error({ err: error instanceof Error ? `${error.name}: ${error.message}` : "unknown error" }, "api request failed");
  return errorResponse("internal", `Something went wrong on our side. Please try again; if it keeps happening, contact support with request ID ${requestId}.`, requestId);
}

async function recordApiRequest(principal: ApiPrincipal, request: Request, spec: ApiEndpoint["spec"], status: number, requestId: string): Promise<void> {
  const url = new URL(request.url);
  await recordAuditEvent(principal.team.id, principal.actor, "api.request", undefined, { method: spec.method.toUpperCase(), path: url.pathname, operation: spec.operationId, status, requestId });
}
