import "server-only";
// The proxy's login to a vendor's registry: for IAM registries the Test's
// web-identity exchange (1 hour session) then GetAuthorizationToken, for
// access keys GetAuthorizationToken with the key, for the portal's identity
// the default chain. One cache per registry per process with single-flight
// (any number of concurrent cold pulls make one exchange), refreshed in the
// background once less than half its lifetime is left, and dropped when the
// registry answers 401/403 with it (the caller retries once). The password
// lives only in this process's memory: never in a log line or an answer.
//
// Every other provider logs in through lib/registry-auth (its token flow,
// after the Azure exchange where there is one), with one token per
// repository (the pull scope), cached the same way. The Azure exchange
// (Entra ID, then ACR's refresh token) and a keyless federation's exchange
// (the portal's token for the cloud's audience) are made once per registry
// with single-flight and shared by its repositories' token requests; a
// keyless credential is renewed in the background at half its lifetime.
import type { EcrHostname } from "@/lib/aws/ecr-hostname";
import { assumeRoleWithWebIdentity, createEcrClient, createStsClient, getEcrLogin } from "@/lib/aws/clients";
import { buildRoleSessionName } from "@/lib/aws/role-session-name";
import { STS_AUDIENCE } from "@/lib/aws/trust-policy";
import { log } from "@/lib/log";
import { mintWebIdentityToken } from "@/lib/oidc/web-identity-token";
import { loadRegistryCredentials } from "@/lib/registries/credentials";
import type { RegistryProviderModule } from "@/lib/registries/providers";
import { authorize, discoverChallenge, pullScope, type RegistryAuthTarget } from "@/lib/registry-auth/client";
import { directLoginCredential, obtainLoginCredential, type ExchangedLoginCredential } from "@/lib/registry-auth/credentials";
import { getAuthEndpoints } from "@/lib/registry-auth/endpoints";
import { TokenCache } from "@/lib/registry-auth/token-cache";
import { registryBaseUrl } from "@/lib/registry-test/endpoints";
import { decodeEcrAuthorizationToken } from "@/lib/registry-test/registry-http";
import { getTestEndpoints } from "@/lib/registry-test/service";

export const SESSION_SECONDS = 3600;
const CALL_TIMEOUT_MS = 10_000;
/** A login this close to its expiry is not used any more. */
const EXPIRY_MARGIN_MS = 60_000;

export interface UpstreamRegistry {
  id: string;
  teamId: string;
  teamPublicId: string;
  provider: RegistryProviderModule;
  /** The stored hostname. */
  hostname: string;
  /** ECR registries: the parsed hostname (region, partition) the AWS calls need. */
  ecrHostname: EcrHostname | null;
  authType: string;
  /** Changes whenever the registry's configuration does (its updatedAt), so an edit starts a new login. */
  version: string;
}

export interface UpstreamLogin {
  /** `Basic …` or `Bearer …` for the registry endpoint; null when the registry needs none (anonymous). */
  authorization: string | null;
  baseUrl: string;
  obtainedAt: number;
  expiresAt: number;
}

interface CacheEntry {
  version: string;
  login?: UpstreamLogin;
  pending?: Promise<UpstreamLogin>;
}

const cache = new Map<string, CacheEntry>();

/** Counts of upstream exchanges made by this process, for tests and the benchmark. */
export const credentialStats = { exchanges: 0 };

const ociLogins = new TokenCache<UpstreamLogin>();

/** A registry's login credential after its exchange (ACR's refresh token, a keyless federation's credential), shared by its repositories. */
const exchangedCredentials = new TokenCache<ExchangedLoginCredential>();

/** The registry's login for a repository, from the cache or from one shared exchange. */
export async function getUpstreamLogin(registry: UpstreamRegistry, now = Date.now(), repository = ""): Promise<UpstreamLogin> {
  if (registry.provider.login.kind === "oci") return ociLogins.get(ociKey(registry, repository), () => ociLogin(registry, repository), now);
  let entry = cache.get(registry.id);
  if (!entry || entry.version !== registry.version) {
    entry = { version: registry.version };
    cache.set(registry.id, entry);
  }
  const { login } = entry;
  if (login && login.expiresAt - EXPIRY_MARGIN_MS > now) {
    const halfLife = login.obtainedAt + (login.expiresAt - login.obtainedAt) / 2;
    if (now >= halfLife && !entry.pending) {
      // Refresh in the background; the current login stays in use meanwhile.
      refresh(registry, entry).catch((error: unknown) => log.warn({ registryId: registry.id, err: errorName(error) }, "proxy upstream login refresh failed"));
    }
    return login;
  }
  return entry.pending ?? refresh(registry, entry);
}

/** Drops a login the registry refused, unless a newer one already replaced it. */
export function invalidateUpstreamLogin(registry: UpstreamRegistry, repository: string, refused: UpstreamLogin): void {
  if (registry.provider.login.kind === "oci") return ociLogins.invalidate(ociKey(registry, repository), refused);
  const entry = cache.get(registry.id);
  if (entry?.login === refused) entry.login = undefined;
}

/** For tests: forget every login. */
export function clearUpstreamLogins(): void {
  cache.clear();
  ociLogins.clear();
  exchangedCredentials.clear();
  credentialStats.exchanges = 0;
}

function refresh(registry: UpstreamRegistry, entry: CacheEntry): Promise<UpstreamLogin> {
  const pending = exchange(registry)
    .then((login) => {
      if (cache.get(registry.id) === entry) entry.login = login;
      return login;
    })
    .finally(() => {
      if (entry.pending === pending) entry.pending = undefined;
    });
  entry.pending = pending;
  return pending;
}

function ociKey(registry: UpstreamRegistry, repository: string): string {
  return `${registry.id}|${registry.version}|${repository}`;
}

/** The OCI token flow for one repository's pull scope (the Azure exchange first, for a service principal). */
async function ociLogin(registry: UpstreamRegistry, repository: string): Promise<UpstreamLogin> {
  credentialStats.exchanges++;
  const endpoints = getAuthEndpoints();
  const credentials = await loadRegistryCredentials(registry.teamId, registry.id);
  if (!credentials) throw new Error("the registry no longer exists");
  const signal = AbortSignal.timeout(CALL_TIMEOUT_MS);
  const baseUrl = registryBaseUrl(registry.provider.apiHostname(registry.hostname), endpoints.registryOverrides);
  const direct = directLoginCredential(credentials);
  const registryKey = `${registry.id}|${registry.version}`;
  // Keyless credentials are renewed at half-life in the background (refreshAt), while this one stays in use.
  const exchanged = direct
    ? null
    : await exchangedCredentials.get(registryKey, () =>
        obtainLoginCredential(credentials, { hostname: registry.hostname, baseUrl, provider: registry.provider, teamId: registry.teamId, purpose: "registry-pull" }, endpoints, signal),
      );
  const target: RegistryAuthTarget = { baseUrl, credential: direct ?? exchanged!.credential, endpoints };
  let authorization;
  try {
    const challenge = await discoverChallenge(target, signal);
    authorization = await authorize(target, challenge, repository ? [pullScope(repository)] : [], signal);
  } catch (error) {
    // A refused or expired refresh token: the next login exchanges again.
    if (exchanged) exchangedCredentials.invalidate(registryKey, exchanged);
    throw error;
  }
  log.info({ registryId: registry.id, authType: credentials.authType, scheme: authorization.scheme }, "proxy upstream login obtained");
  return { authorization: authorization.header, baseUrl, obtainedAt: authorization.obtainedAt, expiresAt: authorization.expiresAt };
}

async function exchange(registry: UpstreamRegistry): Promise<UpstreamLogin> {
  credentialStats.exchanges++;
  const hostname = registry.ecrHostname;
  if (!hostname) throw new Error("an ECR registry without a parsed hostname");
  const endpoints = getTestEndpoints();
  const credentials = await loadRegistryCredentials(registry.teamId, registry.id);
  if (!credentials) throw new Error("the registry no longer exists");
  const signal = AbortSignal.timeout(CALL_TIMEOUT_MS);
  const obtainedAt = Date.now();
  let sessionExpiresAt = Number.POSITIVE_INFINITY;
  let ecr;
  if (credentials.authType === "iam_role") {
    const minted = await mintWebIdentityToken({ teamId: registry.teamId, purpose: "registry-pull", audience: STS_AUDIENCE });
    const session = await assumeRoleWithWebIdentity(
      await createStsClient(hostname, endpoints.sts),
      { roleArn: credentials.roleArn, sessionName: buildRoleSessionName(registry.teamPublicId, registry.id), webIdentityToken: minted.token, durationSeconds: SESSION_SECONDS },
      signal,
    );
    sessionExpiresAt = session.expiresAt?.getTime() ?? obtainedAt + SESSION_SECONDS * 1000;
    ecr = await createEcrClient(hostname, endpoints.ecr, session.credentials);
  } else if (credentials.authType === "access_key") {
    ecr = await createEcrClient(hostname, endpoints.ecr, { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey });
  } else {
    ecr = await createEcrClient(hostname, endpoints.ecr);
  }
  const login = await getEcrLogin(ecr, signal);
  const password = decodeEcrAuthorizationToken(login.authorizationToken);
  // ECR tokens last 12 hours; without an expiry, assume the shortest sensible lifetime.
  const tokenExpiresAt = login.expiresAt?.getTime() ?? obtainedAt + SESSION_SECONDS * 1000;
  log.info({ registryId: registry.id, authType: credentials.authType }, "proxy upstream login obtained");
  return {
    authorization: `Basic ${Buffer.from(`AWS:${password}`).toString("base64")}`,
    baseUrl: registryBaseUrl(hostname.hostname, endpoints.registryOverrides),
    obtainedAt,
    expiresAt: Math.min(tokenExpiresAt, sessionExpiresAt),
  };
}

function errorName(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : "unknown error";
}
