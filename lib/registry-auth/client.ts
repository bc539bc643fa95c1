import "server-only";
// One registry login for every provider that speaks the OCI distribution
// token flow: GET /v2/; on 401 read WWW-Authenticate; Basic → the
// credentials themselves; Bearer → a token from the realm (GET with Basic
// credentials, anonymously, or POST with an ACR refresh token) for the
// requested scope; then the request again with it. Tokens come as `token` or
// `access_token`; `expires_in` is honoured with a 60 s minimum.
import { parseWwwAuthenticate, type Challenge } from "@/lib/registry-auth/challenge";
import { resolveAuthUrl, type AuthEndpoints } from "@/lib/registry-auth/endpoints";
import { authHttpRequest, errorOfBody, type AuthHttpResponse } from "@/lib/registry-auth/http";

export type RegistryLoginCredential =
  | { kind: "anonymous" }
  | { kind: "basic"; username: string; password: string }
  /** Azure Container Registry, after the Entra ID exchange (lib/registry-auth/azure.ts). */
  | { kind: "refresh_token"; refreshToken: string };

export interface RegistryAuthTarget {
  /** The registry's API base URL (https://<host> or its override), no trailing slash. */
  baseUrl: string;
  credential: RegistryLoginCredential;
  endpoints: AuthEndpoints;
}

/** An Authorization header value for the registry (null: none needed) and how long it lasts. */
export interface RegistryAuthorization {
  header: string | null;
  scheme: "none" | "basic" | "bearer";
  obtainedAt: number;
  expiresAt: number;
  /** Bearer tokens that are JWTs with an `access` claim: the actions granted on the requested repository. */
  grantedActions: string[] | null;
}

/** Who refused: the registry's /v2/, its token server, ACR's exchange, Entra ID, or a keyless federation's token endpoint (Quay); Google's STS and IAM Credentials. */
export type AuthStage = "ping" | "token" | "exchange" | "entra" | "federation" | "google-sts" | "google-iam";

/** The registry, its token server, ACR's exchange or Entra ID refused; carries their answer unchanged. */
export class RegistryAuthError extends Error {
  constructor(
    readonly stage: AuthStage,
    readonly status: number,
    readonly code?: string,
    readonly registryMessage?: string,
    /** The challenge's error parameter (e.g. insufficient_scope). */
    readonly challengeError?: string,
    /** The request ID the service answered with (x-ms-request-id, Entra's trace ID, x-request-id). */
    readonly requestId?: string,
  ) {
    super(`${stage} answered ${status}${code ? ` ${code}` : ""}`);
    this.name = "RegistryAuthError";
  }
}

/** A protocol answer the login cannot use (no challenge, no token), worded for the vendor. */
export class RegistryProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RegistryProtocolError";
  }
}

const NO_EXPIRY = Number.MAX_SAFE_INTEGER;
const MIN_TOKEN_SECONDS = 60;

export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

/** GET /v2/ without credentials: null when the registry answers 200 (no login), else its challenge. */
export async function discoverChallenge(target: RegistryAuthTarget, signal: AbortSignal): Promise<Challenge | null> {
  const response = await authHttpRequest(new URL(`${target.baseUrl}/v2/`), { method: "GET", signal, trustedOrigins: target.endpoints.trustedOrigins, maxBodyBytes: 16 * 1024 });
  if (response.status === 200) return null;
  if (response.status !== 401) throw refusal("ping", response);
  const challenge = parseWwwAuthenticate(headerOf(response, "www-authenticate"))[0];
  if (!challenge) throw new RegistryProtocolError("the registry answered 401 without a Basic or Bearer challenge (WWW-Authenticate), so it does not speak the registry login protocol");
  return challenge;
}

/** The authorization for `scopes` (none: a plain login, as docker login does) under the challenge. */
export async function authorize(target: RegistryAuthTarget, challenge: Challenge | null, scopes: string[], signal: AbortSignal, now = Date.now()): Promise<RegistryAuthorization> {
  if (!challenge) return { header: null, scheme: "none", obtainedAt: now, expiresAt: NO_EXPIRY, grantedActions: null };
  const { credential } = target;
  if (challenge.scheme === "basic") {
    if (credential.kind !== "basic") throw new RegistryProtocolError(credential.kind === "anonymous" ? "the registry requires a username and password (Basic); it serves nothing anonymously" : "the registry asks for Basic credentials, which this login does not have");
    return { header: basicHeader(credential.username, credential.password), scheme: "basic", obtainedAt: now, expiresAt: NO_EXPIRY, grantedActions: null };
  }
  const realm = resolveAuthUrl(parseRealm(challenge.realm), target.endpoints.authOverrides);
  const params: Record<string, string> = {};
  if (challenge.service !== undefined) params.service = challenge.service;
  let response: AuthHttpResponse;
  if (credential.kind === "refresh_token") {
    response = await authHttpRequest(realm, {
      method: "POST",
      form: { grant_type: "refresh_token", ...params, ...(scopes.length > 0 ? { scope: scopes.join(" ") } : {}), refresh_token: credential.refreshToken },
      signal,
      trustedOrigins: target.endpoints.trustedOrigins,
    });
  } else {
    const url = new URL(realm);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    for (const scope of scopes) url.searchParams.append("scope", scope);
    if (credential.kind === "basic") url.searchParams.set("account", credential.username);
    response = await authHttpRequest(url, {
      method: "GET",
      headers: credential.kind === "basic" ? { authorization: basicHeader(credential.username, credential.password) } : {},
      signal,
      trustedOrigins: target.endpoints.trustedOrigins,
    });
  }
  if (response.status !== 200) throw refusal("token", response);
  const token = readToken(response.body);
  const lifetime = Math.max(token.expiresIn ?? MIN_TOKEN_SECONDS, MIN_TOKEN_SECONDS) * 1000;
  const repository = scopes.map((scope) => /^repository:(.+):[^:]+$/.exec(scope)?.[1]).find(Boolean);
  return { header: `Bearer ${token.token}`, scheme: "bearer", obtainedAt: now, expiresAt: now + lifetime, grantedActions: repository ? grantedActions(token.token, repository) : null };
}

/** docker login: the challenge, a token without a scope (or the Basic credentials), and /v2/ accepting it. */
export async function logIn(target: RegistryAuthTarget, signal: AbortSignal): Promise<{ challenge: Challenge | null; authorization: RegistryAuthorization }> {
  const challenge = await discoverChallenge(target, signal);
  const authorization = await authorize(target, challenge, [], signal);
  if (authorization.header) {
    const response = await authHttpRequest(new URL(`${target.baseUrl}/v2/`), { method: "GET", headers: { authorization: authorization.header }, signal, trustedOrigins: target.endpoints.trustedOrigins, maxBodyBytes: 16 * 1024 });
    if (response.status !== 200) throw refusal("ping", response);
  }
  return { challenge, authorization };
}

export function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

export function refusal(stage: AuthStage, response: AuthHttpResponse): RegistryAuthError {
  const { code, message } = errorOfBody(response.body);
  const challengeError = parseWwwAuthenticate(headerOf(response, "www-authenticate")).find((challenge) => challenge.scheme === "bearer" && challenge.error);
  return new RegistryAuthError(stage, response.status, code, message, challengeError?.scheme === "bearer" ? challengeError.error : undefined, requestIdOf(response));
}

/** The request ID a cloud answered with, for the vendor to quote to its support. */
export function requestIdOf(response: AuthHttpResponse): string | undefined {
  const header = headerOf(response, "x-ms-request-id") ?? headerOf(response, "x-request-id") ?? headerOf(response, "request-id");
  if (header) return header.slice(0, 128);
  try {
    const traceId = (JSON.parse(response.body) as { trace_id?: unknown }).trace_id;
    return typeof traceId === "string" ? traceId.slice(0, 128) : undefined;
  } catch {
    return undefined;
  }
}

function headerOf(response: AuthHttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

function parseRealm(realm: string): URL {
  try {
    return new URL(realm);
  } catch {
    throw new RegistryProtocolError(`the registry's token realm "${realm.slice(0, 200)}" is not a URL`);
  }
}

function readToken(body: string): { token: string; expiresIn: number | undefined } {
  type TokenAnswer = { token?: unknown; access_token?: unknown; expires_in?: unknown } | null;
  let value: TokenAnswer = null;
  try {
    value = JSON.parse(body) as TokenAnswer;
  } catch {
    // Reported below, without quoting the body (it may hold a token).
  }
  const token = typeof value?.token === "string" && value.token ? value.token : typeof value?.access_token === "string" && value.access_token ? value.access_token : null;
  if (!token) throw new RegistryProtocolError("the token server answered 200 without a token (neither token nor access_token)");
  if (/[\s"]/.test(token)) throw new RegistryProtocolError("the token server returned a token that cannot be sent in a header");
  const expiresIn = typeof value?.expires_in === "number" && Number.isFinite(value.expires_in) ? value.expires_in : undefined;
  return { token, expiresIn };
}

/**
 * The actions a JWT token grants on the repository, from its `access` claim
 * (the distribution token format); null for an opaque token. Read only to
 * explain a refusal; the registry decides.
 */
export function grantedActions(token: string, repository: string): string[] | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as { access?: { type?: string; name?: string; actions?: string[] }[] };
    if (!Array.isArray(claims.access)) return null;
    const entries = claims.access.filter((entry) => entry.type === "repository" && entry.name === repository);
    return entries.flatMap((entry) => (Array.isArray(entry.actions) ? entry.actions.filter((action) => typeof action === "string") : []));
  } catch {
    return null;
  }
}
