import "server-only";
// The OpenAPI 3.1 document of /api/v1, generated from the endpoints'
// zod schemas (lib/api/endpoints), never written by hand.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { AUTH_REALM, bodyMediaType, COMMON_ERROR_CODES, takesIdempotencyKey, takesIfMatch, type ApiEndpoint } from "@/lib/api/endpoint";
import { API_ENDPOINTS } from "@/lib/api/endpoints";
import { exampleOf } from "@/lib/api/examples";
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_MAX_LENGTH, IDEMPOTENT_REPLAYED_HEADER } from "@/lib/api/idempotency";
import { MAX_API_BODY_BYTES } from "@/lib/api/request-body";
import { ZApiError } from "@/lib/api/schemas";
import { getEnv } from "@/lib/env";
import { ERROR_CODE_INFO, errorCodeToHttpStatus, type ErrorCode } from "@/lib/http/error-codes";
import { registerWebhookEvents } from "@/lib/notifications/openapi-webhooks";
import { ROLE_LABEL } from "@/lib/teams/roles";

export const API_BASE_PATH = "/api/v1";

const STATUS_TEXT: Record<number, string> = {
  400: "The input needs attention: error.fields names each field.",
  401: "No valid API token: missing, mistyped, revoked or expired.",
  403: "The token's role does not allow this.",
  404: "Not found in the token's team.",
  409: "It clashes with the object's state, or a request with the same Idempotency-Key is still running (retry after Retry-After seconds).",
  412: "If-Match does not name the current ETag: the object changed since it was read, and nothing was changed.",
  413: "The body is too large.",
  415: "The body is not in the media type the operation takes.",
  422: "The stored object cannot be used as it is, or the Idempotency-Key was used for another request.",
  429: "Rate limited: retry after Retry-After seconds.",
  500: "Failed on the portal's side; the message carries a request ID.",
};

const ETAG_HEADER = { ETag: { description: "The object's version (a strong entity tag): send it in If-Match to change the object only if it is unchanged, or in If-None-Match to read it only if it changed.", schema: { type: "string" as const } } };
const RETRY_AFTER_HEADER = { "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer" as const } } };
const REPLAYED_HEADER = { [IDEMPOTENT_REPLAYED_HEADER]: { description: `true when this is the stored answer of an earlier request with the same ${IDEMPOTENCY_KEY_HEADER}.`, schema: { type: "string" as const, enum: ["true"] } } };
const CHALLENGE_HEADER = { "WWW-Authenticate": { description: `Bearer realm="${AUTH_REALM}", with error="invalid_token" when the token sent is not usable.`, schema: { type: "string" as const } } };

function errorCodesOf(endpoint: ApiEndpoint): Set<ErrorCode> {
  const { spec } = endpoint;
  const codes = new Set<ErrorCode>([...COMMON_ERROR_CODES, ...(spec.errors ?? [])]);
  if (spec.body) ["invalid_input", "payload_too_large", "unsupported_media_type"].forEach((code) => codes.add(code as ErrorCode));
  if (takesIdempotencyKey(spec.method)) ["invalid_input", "idempotency_key_reused", "idempotency_key_in_progress"].forEach((code) => codes.add(code as ErrorCode));
  if (spec.resource && takesIfMatch(spec.method)) codes.add("precondition_failed");
  return codes;
}

function errorResponses(endpoint: ApiEndpoint) {
  const codes = errorCodesOf(endpoint);
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(errorCodeToHttpStatus(code), [...(byStatus.get(errorCodeToHttpStatus(code)) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, statusCodes]) => [
      status,
      {
        description: `${STATUS_TEXT[status] ?? "Error."} Codes: ${statusCodes.join(", ")}.`,
        content: { "application/json": { schema: ZApiError, example: { error: { code: statusCodes[0]!, message: ERROR_CODE_INFO[statusCodes[0]!].meaning } } } },
        ...(status === 429 || (status === 409 && codes.has("idempotency_key_in_progress")) ? { headers: RETRY_AFTER_HEADER } : {}),
        ...(status === 401 ? { headers: CHALLENGE_HEADER } : {}),
      },
    ]),
  );
}

function register(registry: OpenAPIRegistry, endpoint: ApiEndpoint) {
  const { spec } = endpoint;
  const status = spec.successStatus ?? (spec.response ? 200 : 204);
  registry.registerPath({
    method: spec.method,
    path: spec.path,
    operationId: spec.operationId,
    tags: [spec.tag],
    summary: spec.summary,
    description: [spec.description, `Requires the ${ROLE_LABEL[spec.minimumRole]} role or higher.`].filter(Boolean).join(" "),
    security: [{ bearerAuth: [] }],
    request: {
      ...(spec.params ? { params: spec.params } : {}),
      ...(spec.query ? { query: spec.query } : {}),
      ...(requestHeaders(endpoint) ? { headers: requestHeaders(endpoint) } : {}),
      ...(spec.body ? { body: { required: true, content: { [bodyMediaType(spec.method)]: { schema: spec.body, example: spec.bodyExample ?? exampleOf(spec.body) } } } } : {}),
    },
    responses: {
      [status]: {
        description: status === 201 ? "Created." : status === 204 ? "Done; no content." : "OK.",
        ...(spec.response ? { content: { "application/json": { schema: spec.response, example: exampleOf(spec.response) } } } : {}),
        ...(successHeaders(endpoint) ? { headers: successHeaders(endpoint) } : {}),
      },
      ...(spec.method === "get" && spec.resource ? { 304: { description: "Not modified: If-None-Match names the current ETag.", headers: ETAG_HEADER } } : {}),
      ...errorResponses(endpoint),
    },
  });
}

function requestHeaders(endpoint: ApiEndpoint) {
  const { spec } = endpoint;
  const shape: Record<string, z.ZodType> = {};
  if (takesIdempotencyKey(spec.method)) {
    shape[IDEMPOTENCY_KEY_HEADER] = z
      .string()
      .min(1)
      .max(IDEMPOTENCY_KEY_MAX_LENGTH)
      .regex(/^[\x20-\x7e]+$/)
      .optional()
      .meta({
        description: `Makes a retry safe: a new random value (e.g. a UUID) per distinct request, printable ASCII, at most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters. The first answer is kept for 24 hours and returned again, with ${IDEMPOTENT_REPLAYED_HEADER}: true, to a retry with the same key and the same request; the same key with another request is refused (422 idempotency_key_reused), and a retry while the first is still running gets 409 idempotency_key_in_progress. Refusals that changed nothing (400, 401, 403, 409, 412, 413, 415, 429) and failures on the portal's side (5xx) are not kept, so a retry runs again.`,
        example: "7b0a5d1e-3c1f-4c55-9a55-0c2b8f7d2f10",
      });
  }
  if (spec.resource && takesIfMatch(spec.method)) {
    shape["If-Match"] = z.string().optional().meta({ description: "The ETag of the object as last read: the change is made only if the object is still that version (412 precondition_failed otherwise, nothing changed).", example: "\"Zx3V0r3mC0Uu0yH5N4dWqg2bQq6lq2x8\"" });
  }
  if (spec.resource && spec.method === "get") {
    shape["If-None-Match"] = z.string().optional().meta({ description: "The ETag of the copy you have: 304 Not Modified, without a body, while it is current.", example: "\"Zx3V0r3mC0Uu0yH5N4dWqg2bQq6lq2x8\"" });
  }
  return Object.keys(shape).length > 0 ? z.object(shape) : undefined;
}

function successHeaders(endpoint: ApiEndpoint) {
  const { spec } = endpoint;
  const headers = { ...(spec.resource && spec.response ? ETAG_HEADER : {}), ...(takesIdempotencyKey(spec.method) ? REPLAYED_HEADER : {}) };
  return Object.keys(headers).length > 0 ? headers : undefined;
}

let cached: { key: string; document: ReturnType<OpenApiGeneratorV31["generateDocument"]> } | undefined;

export function buildOpenApiDocument() {
  const env = getEnv();
  const serverUrl = `${env.APP_URL}${API_BASE_PATH}`;
  const key = `${serverUrl} ${env.API_RATE_LIMIT_PER_MINUTE}`;
  if (cached?.key === key) return cached.document;
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An API token (rp_…). Team admins create tokens under Team → API tokens. Browser session cookies are not accepted.",
  });
  for (const endpoint of API_ENDPOINTS) register(registry, endpoint);
  registerWebhookEvents(registry);
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Registry portal API",
      version: "1.0.0",
      license: { name: "Proprietary: for use with this portal under its operator's terms", identifier: "LicenseRef-Proprietary" },
      description: [
        "Everything a vendor does in the portal, from scripts and CI. Authenticate with `Authorization: Bearer <API token>`; a token acts only in its team, with its role.",
        "Lists are paginated with `limit` and `cursor` (pass `nextCursor` of the previous page). Errors are `{ \"error\": { \"code\", \"message\", \"fields\"? } }`.",
        `Writes are safe to retry: send an ${IDEMPOTENCY_KEY_HEADER} header with every POST and DELETE. Single objects carry an ETag; send it in If-Match with PUT, PATCH and DELETE so that a change made meanwhile by someone else is not overwritten (412). PATCH takes a JSON merge patch (application/merge-patch+json) with only the fields to change.`,
        `Request bodies are JSON, at most ${MAX_API_BODY_BYTES / 1024} KiB. Each token may make ${env.API_RATE_LIMIT_PER_MINUTE} requests a minute (429 with Retry-After beyond that; RateLimit-* headers on every response). Secrets are accepted on write and never returned.`,
      ].join("\n\n"),
    },
    servers: [{ url: serverUrl }],
    security: [{ bearerAuth: [] }],
  });
  cached = { key, document };
  return document;
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
