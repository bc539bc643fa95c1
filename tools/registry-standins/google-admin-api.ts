// The Google Cloud admin REST calls the setup's gcloud commands make, played
// on one project's federation state (google-federation.ts), with the real
// APIs' paths and shapes:
// - IAM v1 `POST /v1/projects/<p>/locations/global/workloadIdentityPools?workloadIdentityPoolId=<id>`
//   and `…/workloadIdentityPools/<pool>/providers?workloadIdentityPoolProviderId=<id>`
//   (body `{ displayName?, attributeMapping, attributeCondition?, oidc: { issuerUri, allowedAudiences?, jwksJson? } }`),
//   `PATCH …/providers/<id>?updateMask=…`, each answering a long-running
//   Operation (`{ name: …/operations/<id>, done: true, response }`), and
//   `GET …/operations/<id>`;
// - Artifact Registry v1 `GET /v1/projects/<p>/locations/<l>/repositories/<r>:getIamPolicy`,
//   `POST …:setIamPolicy` (`{ policy: { bindings: [{ role, members }], etag } }`);
// - IAM v1 `POST /v1/projects/-/serviceAccounts/<email>:getIamPolicy` and `:setIamPolicy`.
// A Bearer token is required (gcloud's user credentials; the stand-in does
// not model who the administrator is). A stale `etag` is refused with 409
// ABORTED, as IAM does for concurrent edits. Errors are Google's
// `{ error: { code, message, status } }`.
import { createHash, randomUUID } from "node:crypto";
import type http from "node:http";
import type { JWK } from "jose";
import { readBody } from "../reference-registry/token-issuer";
import type { GoogleFederation, IamBinding } from "./google-federation";
import { sendJson } from "./stand-in";

const PROJECT = "/v1/projects/([^/]+)";
const POOLS = new RegExp(`^${PROJECT}/locations/global/workloadIdentityPools$`);
const PROVIDERS = new RegExp(`^${PROJECT}/locations/global/workloadIdentityPools/([^/]+)/providers$`);
const PROVIDER = new RegExp(`^${PROJECT}/locations/global/workloadIdentityPools/([^/]+)/providers/([^/:]+)$`);
const OPERATION = new RegExp(`^${PROJECT}/locations/global/workloadIdentityPools/.+/operations/[^/]+$`);
const REPOSITORY_POLICY = new RegExp(`^${PROJECT}/locations/([^/]+)/repositories/([^/:]+):(getIamPolicy|setIamPolicy)$`);
const SERVICE_ACCOUNT_POLICY = /^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):(getIamPolicy|setIamPolicy)$/;

/** Whether a path is one of the admin calls (the routes of the stand-in that plays Google). */
export function isGoogleAdminPath(path: string): boolean {
  return [POOLS, PROVIDERS, PROVIDER, OPERATION, REPOSITORY_POLICY, SERVICE_ACCOUNT_POLICY].some((pattern) => pattern.test(decodeURIComponent(path)));
}

type GoogleStatus = "INVALID_ARGUMENT" | "NOT_FOUND" | "ALREADY_EXISTS" | "ABORTED" | "UNAUTHENTICATED" | "PERMISSION_DENIED";
const HTTP_OF: Record<GoogleStatus, number> = { INVALID_ARGUMENT: 400, NOT_FOUND: 404, ALREADY_EXISTS: 409, ABORTED: 409, UNAUTHENTICATED: 401, PERMISSION_DENIED: 403 };

class GoogleApiError extends Error {
  constructor(
    readonly status: GoogleStatus,
    message: string,
  ) {
    super(message);
  }
}

export async function handleGoogleAdminCall(request: http.IncomingMessage, response: http.ServerResponse, url: URL, federation: GoogleFederation, location: string): Promise<void> {
  try {
    if (!/^Bearer \S+$/.test(request.headers.authorization ?? "")) {
      throw new GoogleApiError("UNAUTHENTICATED", "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.");
    }
    const path = decodeURIComponent(url.pathname);
    const body = request.method === "GET" ? {} : parseJson(await readBody(request));
    sendJson(response, 200, route(request.method ?? "GET", path, url.searchParams, body, federation, location));
  } catch (error) {
    const known = error instanceof GoogleApiError ? error : fromFederationError(error);
    sendJson(response, HTTP_OF[known.status], { error: { code: HTTP_OF[known.status], message: known.message, status: known.status } });
  }
}

function route(method: string, path: string, query: URLSearchParams, body: Record<string, unknown>, federation: GoogleFederation, location: string): unknown {
  let match: RegExpExecArray | null;
  if ((match = POOLS.exec(path)) && method === "POST") {
    checkProject(federation, match[1]!);
    const poolId = required(query.get("workloadIdentityPoolId"), "workloadIdentityPoolId");
    federation.createPool(poolId);
    return operation(`projects/${federation.projectNumber}/locations/global/workloadIdentityPools/${poolId}`, { displayName: body.displayName ?? "", state: "ACTIVE" });
  }
  if ((match = PROVIDERS.exec(path)) && method === "POST") {
    checkProject(federation, match[1]!);
    const providerId = required(query.get("workloadIdentityPoolProviderId"), "workloadIdentityPoolProviderId");
    const oidc = (body.oidc ?? {}) as { issuerUri?: unknown; allowedAudiences?: unknown; jwksJson?: unknown };
    federation.createOidcProvider(match[2]!, providerId, {
      issuerUri: required(typeof oidc.issuerUri === "string" ? oidc.issuerUri : null, "oidc.issuerUri"),
      attributeMapping: stringMap(body.attributeMapping),
      attributeCondition: typeof body.attributeCondition === "string" && body.attributeCondition !== "" ? body.attributeCondition : null,
      ...(Array.isArray(oidc.allowedAudiences) ? { allowedAudiences: oidc.allowedAudiences.map(String) } : {}),
      ...(typeof oidc.jwksJson === "string" ? { jwks: parseJwks(oidc.jwksJson) } : {}),
    });
    return operation(`projects/${federation.projectNumber}/locations/global/workloadIdentityPools/${match[2]}/providers/${providerId}`, { ...body, state: "ACTIVE" });
  }
  if ((match = PROVIDER.exec(path)) && method === "PATCH") {
    checkProject(federation, match[1]!);
    const mask = required(query.get("updateMask"), "updateMask").split(",");
    const oidc = (body.oidc ?? {}) as { issuerUri?: unknown; allowedAudiences?: unknown; jwksJson?: unknown };
    federation.updateOidcProvider(match[2]!, match[3]!, {
      ...(mask.includes("oidc.issuerUri") && typeof oidc.issuerUri === "string" ? { issuerUri: oidc.issuerUri } : {}),
      ...(mask.includes("attributeMapping") ? { attributeMapping: stringMap(body.attributeMapping) } : {}),
      ...(mask.includes("attributeCondition") ? { attributeCondition: typeof body.attributeCondition === "string" ? body.attributeCondition : "" } : {}),
      ...(mask.includes("oidc.allowedAudiences") && Array.isArray(oidc.allowedAudiences) ? { allowedAudiences: oidc.allowedAudiences.map(String) } : {}),
      ...(mask.includes("oidc.jwksJson") && typeof oidc.jwksJson === "string" ? { jwks: parseJwks(oidc.jwksJson) } : {}),
    });
    return operation(path.slice("/v1/".length), body);
  }
  if (OPERATION.test(path) && method === "GET") return { name: path.slice("/v1/".length), done: true };
  if ((match = REPOSITORY_POLICY.exec(path))) {
    checkProject(federation, match[1]!);
    if (match[2] !== location) throw new GoogleApiError("NOT_FOUND", `Repository "projects/${match[1]}/locations/${match[2]}/repositories/${match[3]}" not found`);
    const repository = match[3]!;
    if (match[4] === "getIamPolicy" && method === "GET") return policyOf(federation.repositoryBindings.get(repository) ?? []);
    if (match[4] === "setIamPolicy" && method === "POST") {
      const bindings = acceptPolicy(body, federation.repositoryBindings.get(repository) ?? []);
      federation.setRepositoryBindings(repository, bindings);
      return policyOf(bindings);
    }
  }
  if ((match = SERVICE_ACCOUNT_POLICY.exec(path)) && method === "POST") {
    const email = match[1]!;
    if (!federation.serviceAccounts.has(email)) throw new GoogleApiError("NOT_FOUND", `Service account projects/-/serviceAccounts/${email} does not exist.`);
    if (match[2] === "getIamPolicy") return policyOf(federation.serviceAccountBindings.get(email) ?? []);
    const bindings = acceptPolicy(body, federation.serviceAccountBindings.get(email) ?? []);
    federation.setServiceAccountBindings(email, bindings);
    return policyOf(bindings);
  }
  throw new GoogleApiError("NOT_FOUND", `Method ${method} ${path} not found.`);
}

/** A finished long-running operation, as the IAM API answers a create (gcloud polls until `done`). */
function operation(resource: string, response: unknown) {
  return { name: `${resource}/operations/${randomUUID()}`, done: true, response: { name: resource, ...(response as object) } };
}

function policyOf(bindings: IamBinding[]) {
  const grouped = new Map<string, string[]>();
  for (const binding of bindings) grouped.set(binding.role, [...(grouped.get(binding.role) ?? []), binding.member]);
  const policyBindings = [...grouped].map(([role, members]) => ({ role, members }));
  return { version: 1, etag: etagOf(bindings), ...(policyBindings.length > 0 ? { bindings: policyBindings } : {}) };
}

function etagOf(bindings: IamBinding[]): string {
  return createHash("sha256").update(JSON.stringify(bindings)).digest("base64").slice(0, 12);
}

/** The bindings of a setIamPolicy body; a stale etag is refused (a concurrent edit). */
function acceptPolicy(body: Record<string, unknown>, current: IamBinding[]): IamBinding[] {
  const policy = body.policy as { bindings?: unknown; etag?: unknown } | undefined;
  if (!policy || typeof policy !== "object") throw new GoogleApiError("INVALID_ARGUMENT", "Invalid JSON payload received. Missing required field: policy.");
  if (typeof policy.etag === "string" && policy.etag !== etagOf(current)) throw new GoogleApiError("ABORTED", "There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.");
  const bindings = Array.isArray(policy.bindings) ? policy.bindings : [];
  return bindings.flatMap((binding: { role?: unknown; members?: unknown }) => {
    if (typeof binding?.role !== "string" || !Array.isArray(binding.members)) throw new GoogleApiError("INVALID_ARGUMENT", "Each binding needs a role and members.");
    return binding.members.map((member) => ({ role: binding.role as string, member: String(member) }));
  });
}

function checkProject(federation: GoogleFederation, project: string): void {
  if (project !== federation.projectNumber && project !== federation.projectId) throw new GoogleApiError("PERMISSION_DENIED", `Permission denied on resource project ${project}.`);
}

function required(value: string | null, name: string): string {
  if (!value) throw new GoogleApiError("INVALID_ARGUMENT", `Invalid value for field '${name}': required.`);
  return value;
}

function stringMap(value: unknown): Record<string, string> {
  return value && typeof value === "object" ? Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string")) : {};
}

function parseJson(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new GoogleApiError("INVALID_ARGUMENT", "Invalid JSON payload received.");
}

function parseJwks(text: string): { keys: JWK[] } {
  const value = parseJson(text) as { keys?: unknown };
  if (!Array.isArray(value.keys)) throw new GoogleApiError("INVALID_ARGUMENT", "oidc.jwksJson must be a JWKS: { keys: [...] }.");
  return { keys: value.keys as JWK[] };
}

/** The federation's own errors ("NOT_FOUND: pool x", "invalid pool ID x") as Google's statuses. */
function fromFederationError(error: unknown): GoogleApiError {
  const message = error instanceof Error ? error.message : String(error);
  const status = /^(NOT_FOUND|ALREADY_EXISTS|INVALID_ARGUMENT)\b/.exec(message)?.[1] as GoogleStatus | undefined;
  return new GoogleApiError(status ?? "INVALID_ARGUMENT", message.replace(/^[A-Z_]+: /, ""));
}
