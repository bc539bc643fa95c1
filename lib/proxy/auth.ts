import "server-only";
// Who is pulling, and may they pull this: the Docker token-auth flow (a 401
// challenge naming the realm, service and scope; the token endpoint taking
// the license as Basic credentials), Basic credentials directly on pull
// requests, and the license check for a repository name. Bearer tokens are
// HS256 with a key derived from NEXTAUTH_SECRET for this purpose only (so
// every portal process verifies every other's), audience the proxy service,
// 5 minutes, bound to the customer, its license and the scopes granted.
import { hkdfSync } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { jwtVerify, SignJWT } from "jose";
import { findCustomerByLicense, licenseState, type LicensedCustomer } from "@/lib/customers/license";
import { prisma } from "@/lib/db";
import { describeEntitlements, repositoryGrant, repositoryMatches, type Entitlements, type RepositoryGrant } from "@/lib/entitlements/match";
import { ENTITLEMENT_FIELDS, loadEntitlements } from "@/lib/entitlements/service";
import { getEnv } from "@/lib/env";
import { ProxyError } from "@/lib/proxy/errors";
import { parseProxyRepository, type ProxyRepository } from "@/lib/proxy/proxy-reference";
import { SlidingWindowLimiter } from "@/lib/proxy/rate-limit";

export const PROXY_TOKEN_SECONDS = 300;
const TOKEN_ALGORITHM = "HS256";
/** Failed logins per client address per minute before the token endpoint answers 429. */
export const FAILED_LOGINS_PER_MINUTE = 10;
/**
 * How long a customer's state (revoked, expired, regenerated, its entitlements)
 * may be served from memory: under the promised 2 s, since a lookup that began
 * just before a change is what the cache then holds.
 */
const CUSTOMER_CACHE_MS = 1_500;

/** A customer as the proxy knows it: the license's state, its hash (binding tokens) and its entitlements, at most 2 s old. */
export type PullCustomer = LicensedCustomer & { licenseHash: string; entitlements: Entitlements };

export interface PullIdentity {
  customer: PullCustomer;
  /** Repository names the bearer token grants pull on; null for Basic credentials (every name of the license's application). */
  grantedNames: ReadonlySet<string> | null;
}

let signingKey: { secret: string; key: Uint8Array } | undefined;
/** Verified tokens until they expire (a client sends the same token with every request of a pull); emptied when the key changes. */
const verifiedTokens = new Map<string, ProxyTokenClaims>();

function tokenKey(): Uint8Array {
  const secret = getEnv().NEXTAUTH_SECRET;
  if (signingKey?.secret !== secret) {
    verifiedTokens.clear();
    signingKey = { secret, key: new Uint8Array(hkdfSync("sha256", secret, "registry-portal", "registry-proxy-bearer-token-v1", 32)) };
  }
  return signingKey.key;
}

/** The proxy's base URL (PROXY_URL, else APP_URL) and the `service` of its challenges and tokens. */
export function proxyService(): { baseUrl: string; service: string } {
  const baseUrl = getEnv().PROXY_URL;
  return { baseUrl, service: new URL(baseUrl).host };
}

/** WWW-Authenticate for a 401; the scope tells clients which token to ask for. */
export function challengeHeader(repositoryName?: string, error?: "invalid_token"): Record<string, string> {
  const { baseUrl, service } = proxyService();
  const parts = [`realm="${baseUrl}/v2/token"`, `service="${service}"`];
  if (repositoryName) parts.push(`scope="repository:${repositoryName}:pull"`);
  if (error) parts.push(`error="${error}"`);
  return { "WWW-Authenticate": `Bearer ${parts.join(",")}` };
}

/** The requested scopes this license may have: pull, on its own application's proxy names its entitlements cover. Everything else is left out, as the spec asks. */
export function grantableScopes(customer: PullCustomer, scopes: string[]): string[] {
  const granted = new Set<string>();
  for (const scope of scopes.flatMap((value) => value.split(" ")).filter(Boolean)) {
    const match = /^repository:([^:]+):([a-z,*]+)$/.exec(scope);
    if (!match || !match[2]!.split(",").some((action) => action === "pull" || action === "*")) continue;
    const parsed = parseProxyRepository(match[1]!);
    if (parsed && parsed.appSlug === customer.applicationSlug && mayBeEntitled(customer.entitlements, parsed)) granted.add(match[1]!);
  }
  return [...granted];
}

export async function issueProxyToken(customer: PullCustomer, names: string[], now = new Date()) {
  const { baseUrl, service } = proxyService();
  const issuedAt = Math.floor(now.getTime() / 1000);
  const token = await new SignJWT({
    tid: customer.teamId,
    app: customer.applicationId,
    lh: customer.licenseHash.slice(0, 16),
    access: names.map((name) => ({ type: "repository", name, actions: ["pull"] })),
  })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: "JWT" })
    .setIssuer(baseUrl)
    .setAudience(service)
    .setSubject(customer.id)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt - 5)
    .setExpirationTime(issuedAt + PROXY_TOKEN_SECONDS)
    .sign(tokenKey());
  return { token, access_token: token, expires_in: PROXY_TOKEN_SECONDS, issued_at: now.toISOString() };
}

/** Customers by ID, for bearer tokens: a short in-memory cache so revocation takes effect within seconds. */
const customerCache = new Map<string, { at: number; value: Promise<PullCustomer | null> }>();

function loadCustomer(teamId: string, customerId: string): Promise<PullCustomer | null> {
  const cached = customerCache.get(customerId);
  if (cached && Date.now() - cached.at < CUSTOMER_CACHE_MS) return cached.value;
  const value = prisma.customer
    .findFirst({
      where: { id: customerId, teamId },
      select: { id: true, teamId: true, applicationId: true, name: true, email: true, expiresAt: true, revokedAt: true, licenseHash: true, application: { select: { slug: true } }, ...ENTITLEMENT_FIELDS },
    })
    .then(async (row) => {
      if (!row) return null;
      const { application, allImages, imageRules, channels, ...rest } = row;
      return { ...rest, applicationSlug: application.slug, entitlements: await loadEntitlements(teamId, { allImages, imageRules, channels }) };
    });
  value.catch(() => customerCache.delete(customerId));
  if (customerCache.size > 10_000) customerCache.clear();
  customerCache.set(customerId, { at: Date.now(), value });
  return value;
}

/** A customer as the proxy sees it (state, license hash, entitlements), from the same 2-second cache: the customer's page reads images with it. */
export function pullCustomer(teamId: string, customerId: string): Promise<PullCustomer | null> {
  return loadCustomer(teamId, customerId);
}

/** For tests: forget cached customers. */
export function clearCustomerCache(): void {
  customerCache.clear();
}

/** Basic credentials: user name the license ID or the customer's email, password the license ID. */
export async function customerFromBasic(header: string): Promise<PullCustomer | null> {
  const decoded = Buffer.from(header.replace(/^Basic\s+/i, ""), "base64").toString("utf8");
  const separator = decoded.indexOf(":");
  if (separator < 0) return null;
  const username = decoded.slice(0, separator);
  const password = decoded.slice(separator + 1);
  const customer = await findCustomerByLicense(password);
  if (!customer) return null;
  const usernameMatches = username === password || (customer.email !== null && username.toLowerCase() === customer.email.toLowerCase());
  if (!usernameMatches) return null;
  // The hash binds bearer tokens to this license, so regenerating it ends them.
  const row = await loadCustomer(customer.teamId, customer.id);
  return row;
}

export const BAD_CREDENTIALS =
  "The license was not accepted. Log in with your license ID as the password (user name: the same license ID, or your email address as your vendor registered it).";

/** Refuses a license that is revoked or expired, with a message the customer can act on. */
export function assertLicenseActive(customer: LicensedCustomer, code: "UNAUTHORIZED" | "DENIED", now = new Date()): void {
  const state = licenseState(customer, now);
  if (state === "revoked") throw new ProxyError(code, "This license has been revoked. Ask your vendor for a new license.");
  if (state === "expired") throw new ProxyError(code, `This license expired on ${customer.expiresAt!.toISOString().slice(0, 10)}. Ask your vendor to renew it.`);
}

/**
 * The customer behind a pull request (Bearer token or Basic credentials),
 * or a 401 with the challenge for the repository.
 */
export async function authenticatePull(request: IncomingMessage, repositoryName: string | undefined, failedLogins: SlidingWindowLimiter, clientAddress: string): Promise<PullIdentity> {
  const header = request.headers.authorization;
  if (!header) throw new ProxyError("UNAUTHORIZED", "Authentication required: log in with your license (docker login <proxy host>).", challengeHeader(repositoryName));
  if (/^Basic\s/i.test(header)) {
    const refused = failedLogins.peek(clientAddress);
    if (refused) throw tooManyFailedLogins(refused);
    const customer = await customerFromBasic(header);
    if (!customer) {
      failedLogins.hit(clientAddress);
      throw new ProxyError("UNAUTHORIZED", BAD_CREDENTIALS, challengeHeader(repositoryName));
    }
    assertLicenseActive(customer, "DENIED");
    return { customer, grantedNames: null };
  }
  if (!/^Bearer\s/i.test(header)) throw new ProxyError("UNAUTHORIZED", "Use a bearer token from the token endpoint, or Basic credentials with your license.", challengeHeader(repositoryName));
  const claims = await verifiedClaims(header.replace(/^Bearer\s+/i, ""));
  if (!claims) throw new ProxyError("UNAUTHORIZED", "The access token is invalid or has expired; log in again.", challengeHeader(repositoryName, "invalid_token"));
  const customer = typeof claims.sub === "string" && typeof claims.tid === "string" ? await loadCustomer(claims.tid, claims.sub) : null;
  if (!customer || claims.lh !== customer.licenseHash.slice(0, 16)) {
    throw new ProxyError("UNAUTHORIZED", "This access token belongs to a license that was replaced or removed. Log in with your current license.", challengeHeader(repositoryName, "invalid_token"));
  }
  assertLicenseActive(customer, "DENIED");
  const access = Array.isArray(claims.access) ? (claims.access as { type?: unknown; name?: unknown; actions?: unknown }[]) : [];
  const names = new Set(access.filter((entry) => entry.type === "repository" && Array.isArray(entry.actions) && entry.actions.includes("pull")).map((entry) => String(entry.name)));
  return { customer, grantedNames: names };
}

type ProxyTokenClaims = { sub?: string; tid?: unknown; lh?: unknown; access?: unknown; exp?: number };

async function verifiedClaims(token: string): Promise<ProxyTokenClaims | null> {
  const cached = verifiedTokens.get(token);
  if (cached && (cached.exp ?? 0) * 1000 > Date.now()) return cached;
  const { service, baseUrl } = proxyService();
  try {
    const { payload } = await jwtVerify(token, tokenKey(), { algorithms: [TOKEN_ALGORITHM], audience: service, issuer: baseUrl, clockTolerance: 5 });
    if (verifiedTokens.size > 10_000) verifiedTokens.clear();
    verifiedTokens.set(token, payload);
    return payload;
  } catch {
    return null;
  }
}

export function tooManyFailedLogins(retryAfterSeconds: number): ProxyError {
  return new ProxyError("TOOMANYREQUESTS", `Too many failed logins from your address. Try again in ${retryAfterSeconds} s with the license your vendor gave you.`, { "Retry-After": String(retryAfterSeconds) });
}

export interface AuthorizedRepository {
  name: string;
  upstreamRepository: string;
  /** The license's grant in this repository when it is limited to some tags; null when every tag (and digest) is allowed. */
  grant?: (RepositoryGrant & { customerId: string }) | null;
  registry: {
    id: string;
    teamId: string;
    teamPublicId: string;
    /** As stored: validated against REGISTRY_PROVIDERS when the registry was saved. */
    provider: string;
    hostname: string;
    authType: string;
    settings: unknown;
    updatedAt: Date;
    negativeCheckTarget: string | null;
    negativeCheckPassedAt: Date | null;
  };
}

/**
 * The license check for a repository name: the license's application, and a
 * registry of that team with that hostname that serves the application. The
 * answers never depend on what other teams have.
 */
export async function authorizeRepository(identity: PullIdentity, name: string): Promise<AuthorizedRepository> {
  const { customer } = identity;
  const parsed = parseProxyRepository(name);
  if (!parsed) {
    throw new ProxyError("NAME_UNKNOWN", `"${name}" is not a proxied image name. Names look like proxy/<application>/<registry hostname>/<repository>; use the image names your vendor gave you.`);
  }
  if (parsed.appSlug !== customer.applicationSlug || (identity.grantedNames && !identity.grantedNames.has(name))) {
    throw new ProxyError("DENIED", `Your license does not grant access to "${name}". It is for application "${customer.applicationSlug}": image names start with proxy/${customer.applicationSlug}/.`);
  }
  // Refused before the registry lookup, so a restricted license learns nothing of registries its rules do not name.
  if (!mayBeEntitled(customer.entitlements, parsed)) throw notEntitled(customer, name);
  const registry = await findServingRegistry(customer, parsed.upstreamHostname);
  if (!registry) {
    throw new ProxyError("NAME_UNKNOWN", `${parsed.upstreamHostname} is not a registry of application "${customer.applicationSlug}". Check the image name, or ask your vendor for the right one.`);
  }
  const grant = repositoryGrant(customer.entitlements, registry.id, parsed.repository);
  if (!grant) throw notEntitled(customer, name);
  return { name, upstreamRepository: parsed.repository, grant: grant.allTags ? null : { ...grant, customerId: customer.id }, registry };
}

/** Whether a rule of the license names this registry hostname and repository (the registry's ID is checked once it is known). */
function mayBeEntitled(entitlements: Entitlements, parsed: ProxyRepository): boolean {
  return entitlements.allImages || entitlements.rules.some((rule) => rule.registryHostname === parsed.upstreamHostname && repositoryMatches(rule.repository, parsed.repository));
}

function notEntitled(customer: PullCustomer, name: string): ProxyError {
  return new ProxyError("DENIED", `Your license does not include ${name}. It allows ${describeEntitlements(customer.entitlements, customer.applicationSlug)}.`);
}

/** The registry lookups of the last few seconds, so a busy pull does not ask Postgres per request. */
const registryCache = new Map<string, { at: number; value: Promise<AuthorizedRepository["registry"] | null> }>();
const REGISTRY_CACHE_MS = 1_500;

/** For tests: forget cached registry lookups. */
export function clearRegistryCache(): void {
  registryCache.clear();
}

function findServingRegistry(customer: LicensedCustomer, hostname: string): Promise<AuthorizedRepository["registry"] | null> {
  const key = `${customer.teamId}|${customer.applicationId}|${hostname}`;
  const cached = registryCache.get(key);
  if (cached && Date.now() - cached.at < REGISTRY_CACHE_MS) return cached.value;
  const value = loadServingRegistry(customer, hostname);
  value.catch(() => registryCache.delete(key));
  if (registryCache.size > 10_000) registryCache.clear();
  registryCache.set(key, { at: Date.now(), value });
  return value;
}

async function loadServingRegistry(customer: LicensedCustomer, hostname: string): Promise<AuthorizedRepository["registry"] | null> {
  const registry = await prisma.registry.findFirst({
    where: {
      teamId: customer.teamId,
      hostname,
      OR: [{ allApplications: true }, { applications: { some: { applicationId: customer.applicationId } } }],
    },
    orderBy: { createdAt: "asc" },
    select: { id: true, teamId: true, provider: true, hostname: true, authType: true, settings: true, updatedAt: true, negativeCheckTarget: true, negativeCheckPassedAt: true, team: { select: { publicId: true } } },
  });
  if (!registry) return null;
  const { team, ...rest } = registry;
  return { ...rest, teamPublicId: team.publicId };
}

/**
 * The token endpoint (Docker token-auth spec): GET with Basic credentials and
 * `scope` parameters, or the OAuth2 password grant by POST (containerd).
 * Resolves with the customer it answered for (null when none), for the log.
 */
export async function serveTokenRequest(
  request: IncomingMessage,
  url: URL,
  clientAddress: string,
  failedLogins: SlidingWindowLimiter,
): Promise<{ customer: PullCustomer | null; body: object }> {
  let authorization = request.headers.authorization;
  let scopes = url.searchParams.getAll("scope");
  if (request.method === "POST") {
    const form = new URLSearchParams((await readSmallBody(request)).toString("utf8"));
    if (form.get("grant_type") !== "password") throw new ProxyError("UNSUPPORTED", "Only the password grant is supported: send your license ID as username and password.");
    authorization = `Basic ${Buffer.from(`${form.get("username") ?? ""}:${form.get("password") ?? ""}`).toString("base64")}`;
    scopes = form.getAll("scope");
  } else if (request.method !== "GET") {
    throw new ProxyError("UNSUPPORTED", "The token endpoint answers GET (or POST with the password grant).", { Allow: "GET, POST" });
  }
  const loginChallenge = { "WWW-Authenticate": `Basic realm="${proxyService().service}"` };
  if (!authorization || !/^Basic\s/i.test(authorization)) {
    throw new ProxyError("UNAUTHORIZED", "Log in with your license: docker login <proxy host> with your license ID as the password (and as the user name, or your email address).", loginChallenge);
  }
  const refused = failedLogins.peek(clientAddress);
  if (refused) throw tooManyFailedLogins(refused);
  const customer = await customerFromBasic(authorization);
  if (!customer) {
    failedLogins.hit(clientAddress);
    throw new ProxyError("UNAUTHORIZED", BAD_CREDENTIALS, loginChallenge);
  }
  try {
    assertLicenseActive(customer, "UNAUTHORIZED");
  } catch (error) {
    if (error instanceof ProxyError) throw Object.assign(new ProxyError(error.code, error.message, loginChallenge), { customer });
    throw error;
  }
  return { customer, body: await issueProxyToken(customer, grantableScopes(customer, scopes)) };
}

async function readSmallBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 16 * 1024) throw new ProxyError("UNSUPPORTED", "The token request body is too large.");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
