import "server-only";
// The OpenAPI 3.1 document of /api/v1, generated from the endpoints'
// zod schemas (lib/api/endpoints), never written by hand.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { COMMON_ERROR_CODES, type ApiEndpoint } from "@/lib/api/endpoint";
import { API_ENDPOINTS } from "@/lib/api/endpoints";
import { MAX_API_BODY_BYTES } from "@/lib/api/request-body";
import { ZApiError } from "@/lib/api/schemas";
import { getEnv } from "@/lib/env";
import { registerWebhookEvents } from "@/lib/notifications/openapi-webhooks";
import { errorCodeToHttpStatus, type ErrorCode } from "@/lib/http/error-codes";
import { ROLE_LABEL } from "@/lib/teams/roles";

export const API_BASE_PATH = "/api/v1";

const STATUS_TEXT: Record<number, string> = {
  400: "The input needs attention: error.fields names each field.",
  401: "No valid API token: missing, mistyped, revoked or expired.",
  403: "The token's role does not allow this.",
  404: "Not found in the token's team.",
  409: "It clashes with an existing object.",
  413: "The body is too large.",
  415: "The body is not JSON.",
  422: "The stored object cannot be used as it is.",
  429: "Rate limited: retry after Retry-After seconds.",
  500: "Failed on the portal's side; the message carries a request ID.",
};

function errorResponses(endpoint: ApiEndpoint) {
  const codes = new Set<ErrorCode>([...COMMON_ERROR_CODES, ...(endpoint.spec.errors ?? [])]);
  if (endpoint.spec.body) ["invalid_input", "payload_too_large", "unsupported_media_type"].forEach((code) => codes.add(code as ErrorCode));
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(errorCodeToHttpStatus(code), [...(byStatus.get(errorCodeToHttpStatus(code)) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, statusCodes]) => [
      status,
      {
        description: `${STATUS_TEXT[status] ?? "Error."} Codes: ${statusCodes.join(", ")}.`,
        content: { "application/json": { schema: ZApiError } },
        ...(status === 429 ? { headers: { "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer" as const } } } } : {}),
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
      ...(spec.body ? { body: { required: true, content: { "application/json": { schema: spec.body } } } } : {}),
    },
    responses: {
      [status]: spec.response ? { description: status === 201 ? "Created." : "OK.", content: { "application/json": { schema: spec.response } } } : { description: "Done; no content." },
      ...errorResponses(endpoint),
    },
  });
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
      description: [
        "Everything a vendor does in the portal, from scripts and CI. Authenticate with `Authorization: Bearer <API token>`; a token acts only in its team, with its role.",
        "Lists are paginated with `limit` and `cursor` (pass `nextCursor` of the previous page). Errors are `{ \"error\": { \"code\", \"message\", \"fields\"? } }`.",
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
