import "server-only";
// One REST API operation, defined once: its method, path, role, input and
// output schemas (from which the OpenAPI document is generated) and the
// service call it makes. `handler` is what a route file under app/api/v1
// exports (through apiRoute, lib/api/route.ts). Every request goes through
// the same checklist:
//   bearer token → rate limit → role → path, query and body →
//   Idempotency-Key (POST, DELETE) → If-Match (PUT, PATCH, DELETE) → service →
//   response parsed through its schema, with its ETag (If-None-Match on GET) →
//   audit event with the token as actor.
// A new operation gets all of it by being defined here.
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { recordAuditEvent } from "@/lib/audit/service";
import { authenticateApiToken, type ApiPrincipal } from "@/lib/api-tokens/service";
import {
  claimIdempotencyKey,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  isAnswerKept,
  parseIdempotencyKey,
  releaseIdempotencyKey,
  REPLAYED_HEADERS,
  requestFingerprint,
  storeIdempotentAnswer,
  type IdempotencyClaim,
} from "@/lib/api/idempotency";
import { apiRateLimiter, type RateLimitDecision } from "@/lib/api/rate-limit";
import { JSON_MEDIA_TYPE, MERGE_PATCH_MEDIA_TYPE, readJsonBody } from "@/lib/api/request-body";
import { ifMatchPasses, ifNoneMatchHits, type ResourceVersion } from "@/lib/api/resource-version";
import { PRECONDITION_FAILED } from "@/lib/db/conditional-write";
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
  /** The body's example in the document, when the one generated from the schema (lib/api/examples.ts) would not pass the form's checks. */
  bodyExample?: In<Body>;
  validateBody?: boolean;
  /** The whole response body; undefined for 204 No Content. */
  response?: Result;
  successStatus?: 200 | 201 | 204;
  /** Error codes this operation can answer with, besides those of every operation. */
  errors?: ErrorCode[];
  /**
   * Operations on one resource: its version, for the ETag of every answer
   * describing it, If-None-Match on GET and If-Match on PUT, PATCH and
   * DELETE. A write that has it must pass `ifUnchangedSince` to its service
   * call, which makes the write conditional (lib/db/conditional-write.ts).
   */
  // Typed loosely: a create has no path parameters yet gives its new resource's ETag.
  resource?: ResourceVersioning<never, never>;
}

export interface ResourceVersioning<Params, Result> {
  /** The resource's version as stored now; null when the team has no such resource. */
  current(teamId: string, params: Params): Promise<ResourceVersion | null>;
  /** The version of the resource an answer describes. */
  ofResult(result: Result): ResourceVersion;
}

export interface EndpointContext<Params, Query, Body> {
  principal: ApiPrincipal;
  params: Params;
  query: Query;
  body: Body;
  /** The body as sent (JSON), for operations that validate it themselves. */
  rawBody: unknown;
  /** With If-Match: the version the client's copy was read at, for the service's conditional write. */
  ifUnchangedSince: Date | undefined;
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
    if (!authentication.ok) return unauthorizedResponse(authentication, requestId);
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
    let claim: IdempotencyClaim | null = null;
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
      const idempotencyKey = takesIdempotencyKey(spec.method) ? parseIdempotencyKey(request.headers.get(IDEMPOTENCY_KEY_HEADER)) : null;
      const rawBody = spec.body ? await readJsonBody(request, { mediaType: bodyMediaType(spec.method) }) : undefined;
      assertStorableText(rawBody);
      let body: unknown = rawBody;
      if (spec.body && spec.validateBody !== false) {
        const parsed = spec.body.safeParse(rawBody);
        if (!parsed.success) throw new UserFacingError("invalid_input", "Some fields need attention.", fieldErrorsOf(parsed.error));
        body = parsed.data;
      }
      const typedParams = params?.data as Out<Params>;
      if (idempotencyKey !== null) {
        claim = await claimIdempotencyKey(principal.token.id, idempotencyKey, requestFingerprint(spec.method, new URL(request.url).pathname, rawBody));
      }
      if (claim?.kind === "replay") {
        response = new Response(claim.answer.body === "" ? null : claim.answer.body, { status: claim.answer.status, headers: { ...claim.answer.headers, [IDEMPOTENT_REPLAYED_HEADER]: "true" } });
      } else {
        const ifUnchangedSince = await checkIfMatch(spec, request, principal.team.id, typedParams);
        const data = await run({ principal, params: typedParams, query: query?.data as Out<Query>, body: body as Out<Body>, rawBody, ifUnchangedSince, requestId, log: tokenLog });
        response = successResponse(spec, request, data);
      }
    } catch (error) {
      response = failureResponse(error, requestId, tokenLog);
      if (spec.method === "patch" && response.status === 415) response.headers.set("accept-patch", MERGE_PATCH_MEDIA_TYPE);
    }
    if (claim?.kind === "run") await settleClaim(claim.id, principal.token.id, response, tokenLog);
    for (const [name, value] of Object.entries({ ...rateLimitHeaders(limit), "x-request-id": requestId, "cache-control": "no-store" })) response.headers.set(name, value);

    await recordApiRequest(principal, request, spec, response.status, requestId, claim?.kind === "replay").catch((error: unknown) => {
      tokenLog.error({ err: error instanceof Error ? error.message : "unknown" }, "api request audit event failed");
    });
    tokenLog.info({ status: response.status, ms: Date.now() - started, ...(claim?.kind === "replay" ? { replayed: true } : {}) }, "api request");
    return response;
  };
  return { spec: spec as ApiEndpoint["spec"], handler };
}

type Authentication = { ok: true; principal: ApiPrincipal } | { ok: false; message: string; tokenSent: boolean };

/** Idempotency-Key is read on the methods that are not idempotent by themselves, and on DELETE, whose second call would be a 404. */
export const takesIdempotencyKey = (method: HttpMethod) => method === "post" || method === "delete";
/** If-Match is evaluated on the writes that replace, patch or delete the resource. */
export const takesIfMatch = (method: HttpMethod) => method === "put" || method === "patch" || method === "delete";
export const bodyMediaType = (method: HttpMethod) => (method === "patch" ? MERGE_PATCH_MEDIA_TYPE : JSON_MEDIA_TYPE);

/** If-Match: refused (412) unless it names the resource's current version; the version is then the write's condition. */
async function checkIfMatch(spec: ApiEndpoint["spec"], request: Request, teamId: string, params: unknown): Promise<Date | undefined> {
  const header = request.headers.get("if-match");
  if (header === null || !spec.resource || !takesIfMatch(spec.method)) return undefined;
  const current = await spec.resource.current(teamId, params as never);
  if (!current) throw NOT_FOUND();
  if (!ifMatchPasses(header, current.etag)) throw PRECONDITION_FAILED();
  return current.updatedAt;
}

function successResponse(spec: ApiEndpoint["spec"], request: Request, data: unknown): Response {
  const status = spec.successStatus ?? (spec.response ? 200 : 204);
  if (!spec.response) return new Response(null, { status });
  // Parsing drops every key the schema does not declare.
  const result: unknown = spec.response.parse(data);
  const etag = spec.resource?.ofResult(result as never).etag;
  if (!etag) return Response.json(result, { status });
  const ifNoneMatch = request.headers.get("if-none-match");
  if (spec.method === "get" && ifNoneMatch !== null && ifNoneMatchHits(ifNoneMatch, etag)) return new Response(null, { status: 304, headers: { etag } });
  return Response.json(result, { status, headers: { etag } });
}

/** Keeps the answer of a request that ran for its retries; otherwise gives the key back so that a retry runs. */
async function settleClaim(claimId: string, tokenId: string, response: Response, requestLog: Logger): Promise<void> {
  try {
    if (!isAnswerKept(response.status)) return await releaseIdempotencyKey(claimId);
    const headers = Object.fromEntries(REPLAYED_HEADERS.flatMap((name) => (response.headers.has(name) ? [[name, response.headers.get(name)!]] : [])));
    await storeIdempotentAnswer(claimId, tokenId, { status: response.status, body: await response.clone().text(), headers });
  } catch (error) {
    // The answer still goes out; a retry then finds the key running, or free once it is abandoned.
    requestLog.error({ err: error instanceof Error ? error.message : "unknown" }, "idempotency key could not be settled");
  }
}

/** Only `Authorization: Bearer <token>`; a browser's session cookie is never a credential here. */
async function authenticate(request: Request): Promise<Authentication> {
  const header = request.headers.get("authorization");
  if (!header) {
    const hasCookie = Boolean(request.headers.get("cookie"));
    return {
      ok: false,
      tokenSent: false,
      message: hasCookie
        ? "The API does not accept browser sessions. Send an API token in the header Authorization: Bearer rp_…; team admins create tokens under Team → API tokens."
        : "Send an API token in the header Authorization: Bearer rp_…; team admins create tokens under Team → API tokens.",
    };
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return { ok: false, tokenSent: false, message: "The Authorization header must be: Bearer rp_… (an API token)." };
  const result = await authenticateApiToken(match[1]!);
  return result.ok ? result : { ...result, tokenSent: true };
}

export const AUTH_REALM = "Registry portal API";

/** RFC 6750 §3: the challenge names the scheme and realm, and error="invalid_token" when a bearer token was sent but is not usable. */
function unauthorizedResponse(failure: { message: string; tokenSent: boolean }, requestId: string): Response {
  return errorResponse("unauthorized", failure.message, requestId, undefined, {
    "www-authenticate": `Bearer realm="${AUTH_REALM}"${failure.tokenSent ? ', error="invalid_token"' : ""}`,
  });
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

async function recordApiRequest(principal: ApiPrincipal, request: Request, spec: ApiEndpoint["spec"], status: number, requestId: string, replayed: boolean): Promise<void> {
  const url = new URL(request.url);
  await recordAuditEvent(principal.team.id, principal.actor, "api.request", undefined, { method: spec.method.toUpperCase(), path: url.pathname, operation: spec.operationId, status, requestId, ...(replayed ? { replayed } : {}) });
}
