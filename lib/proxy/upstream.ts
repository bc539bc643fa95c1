import "server-only";
// One call to a vendor's registry for an authorized repository: the cached
// login, the registry's URL from its validated hostname (or the configured
// override), a deadline, and on a 401/403 one fresh login and one retry.
// Failures become the spec's errors, worded for the customer.
import type { IncomingMessage } from "node:http";
import { parseEcrHostname } from "@/lib/aws/ecr-hostname";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import type { AuthorizedRepository } from "@/lib/proxy/auth";
import { ProxyError } from "@/lib/proxy/errors";
import { ensureRegistrySafe } from "@/lib/proxy/role-safety";
import { getUpstreamLogin, invalidateUpstreamLogin, type UpstreamLogin, type UpstreamRegistry } from "@/lib/proxy/upstream-credentials";
import { PROVIDERS, REGISTRY_PROVIDERS, type RegistryProvider, type RegistryProviderModule } from "@/lib/registries/providers";
import { RegistryAuthError } from "@/lib/registry-auth/client";
import { getAuthEndpoints } from "@/lib/registry-auth/endpoints";
import { discard, readBody, requestUpstream, UpstreamRefusedError, UpstreamTimeoutError } from "@/lib/proxy/upstream-http";

export interface UpstreamAnswer {
  response: IncomingMessage;
  url: URL;
}

/** Origins where http:// and private addresses are allowed: the configured overrides (registry and auth) and redirect origins. */
export function trustedOrigins(): ReadonlySet<string> {
  return getAuthEndpoints().trustedOrigins;
}

/** The registry's provider as stored; a value this version does not know is refused, never guessed. */
function providerOf(registry: { provider: string }): RegistryProviderModule {
  const provider = (REGISTRY_PROVIDERS as readonly string[]).includes(registry.provider) ? PROVIDERS[registry.provider as RegistryProvider] : null;
  if (!provider) throw new ProxyError("DENIED", "The vendor's registry is misconfigured (its provider is unknown to this portal). Ask your vendor to edit it.");
  return provider;
}

export function upstreamRegistryOf(target: AuthorizedRepository): UpstreamRegistry {
  const provider = providerOf(target.registry);
  const base = { id: target.registry.id, teamId: target.registry.teamId, teamPublicId: target.registry.teamPublicId, provider, hostname: target.registry.hostname, authType: target.registry.authType, version: target.registry.updatedAt.toISOString() };
  if (provider.login.kind !== "ecr") {
    if (!provider.parseHostname(target.registry.hostname).ok) throw new ProxyError("DENIED", "The vendor's registry is misconfigured (its hostname is no longer valid). Ask your vendor to edit it.");
    return { ...base, ecrHostname: null };
  }
  const hostname = parseEcrHostname(target.registry.hostname);
  if (!hostname.ok) throw new ProxyError("DENIED", "The vendor's registry is misconfigured (its hostname is no longer valid). Ask your vendor to edit it.");
  if (hostname.value.kind === "public") throw new ProxyError("UNSUPPORTED", "ECR Public images are public: pull them directly from public.ecr.aws.");
  return { ...base, ecrHostname: hostname.value };
}

/**
 * GET or HEAD of `/v2/<upstream repository>/<path>` with the registry's
 * login. Resolves with any status but 401/403 (retried once with a fresh
 * login, then a DENIED); throws ProxyError UNAVAILABLE when the registry
 * cannot be reached in time.
 */
export async function callRegistry(target: AuthorizedRepository, path: string, method: "GET" | "HEAD", headers: Record<string, string>): Promise<UpstreamAnswer> {
  const registry = upstreamRegistryOf(target);
  await ensureRegistrySafe(target.registry, target.upstreamRepository);
  const origins = trustedOrigins();
  const timeoutMs = getEnv().PROXY_UPSTREAM_TIMEOUT_MS;
  for (let attempt = 1; ; attempt++) {
    const login = await loginOf(registry, target.upstreamRepository);
    const url = new URL(`${login.baseUrl}/v2/${target.upstreamRepository}/${path}`);
    const authorized = login.authorization ? { ...headers, authorization: login.authorization } : headers;
    let response: IncomingMessage;
    try {
      response = await requestUpstream(url, { method, headers: authorized, timeoutMs, trustedOrigins: origins });
    } catch (error) {
      throw unreachable(error, registry.id);
    }
    const status = response.statusCode ?? 0;
    if (status !== 401 && status !== 403) return { response, url };
    // A refused login (401, or ECR's 403 for an expired token) earns one fresh login and one retry;
    // a permission refusal does not, or every such request would cost an STS and an ECR call.
    // A HEAD answer has no body: the same GET carries the registry's reason (as in the Test).
    const message =
      method === "HEAD" && status === 403
        ? await requestUpstream(url, { method: "GET", headers: authorized, timeoutMs, trustedOrigins: origins }).then(refusalMessage, () => "")
        : await refusalMessage(response);
    if (method === "HEAD") discard(response);
    if (status === 403 && !/expired|reauthenticate|invalid/i.test(message)) {
      const missing = registry.provider.login.kind === "ecr" ? "a permission of the vendor's AWS role is missing" : "the vendor's registry credential may not pull this repository";
      throw new ProxyError("DENIED", `The vendor's registry does not allow the portal this request (${missing}). Ask your vendor to check the credential's permissions.`, {}, status);
    }
    invalidateUpstreamLogin(registry, target.upstreamRepository, login);
    if (attempt >= 2) {
      throw new ProxyError("DENIED", "The vendor's registry refused the portal's credentials for this image. Ask your vendor to run Test on the registry's page in the portal.", {}, status);
    }
  }
}

async function refusalMessage(response: IncomingMessage): Promise<string> {
  try {
    const body = JSON.parse((await readBody(response, 64 * 1024)).toString("utf8")) as { errors?: { code?: string; message?: string }[] };
    return `${body.errors?.[0]?.code ?? ""} ${body.errors?.[0]?.message ?? ""}`;
  } catch {
    discard(response);
    return "";
  }
}

async function loginOf(registry: UpstreamRegistry, repository: string): Promise<UpstreamLogin> {
  try {
    return await getUpstreamLogin(registry, Date.now(), repository);
  } catch (error) {
    const name = (error as { name?: string; Code?: string } | null)?.Code ?? (error as { name?: string } | null)?.name ?? "Error";
    log.warn({ registryId: registry.id, error: name }, "proxy upstream login failed");
    const code = (error as { code?: unknown } | null)?.code;
    if (error instanceof RegistryAuthError && error.status >= 400 && error.status < 500) {
      throw new ProxyError("DENIED", "The portal could not sign in to the vendor's registry (it refused the stored credentials). Ask your vendor to run Test on the registry's page in the portal.");
    }
    if (/AccessDenied|InvalidIdentityToken|InvalidClientTokenId|UnrecognizedClient|ExpiredToken|SignatureDoesNotMatch/.test(name) || code === "credentials_missing" || code === "ambient_disabled") {
      throw new ProxyError("DENIED", `The portal could not sign in to the vendor's registry (AWS answered ${name}). Ask your vendor to run Test on the registry's page in the portal.`);
    }
    throw new ProxyError("UNAVAILABLE", "The vendor's registry cannot be reached right now. Try again in a minute.", { "Retry-After": "30" });
  }
}

export function unreachable(error: unknown, registryId: string): ProxyError {
  if (error instanceof ProxyError) return error;
  if (error instanceof UpstreamRefusedError) {
    log.warn({ registryId, reason: error.message }, "proxy refused an upstream URL");
    return new ProxyError("DENIED", "The vendor's registry sent the portal somewhere it will not go. Ask your vendor to check the registry.");
  }
  const reason = error instanceof UpstreamTimeoutError ? "timeout" : ((error as { code?: string } | null)?.code ?? "network error");
  log.warn({ registryId, reason }, "proxy upstream unreachable");
  return new ProxyError("UNAVAILABLE", "The vendor's registry cannot be reached right now. Try again in a minute.", { "Retry-After": "30" });
}

/** The spec error for an upstream answer that is not a success. */
export async function upstreamFailure(response: IncomingMessage, fallback: { code: "MANIFEST_UNKNOWN" | "BLOB_UNKNOWN" | "NAME_UNKNOWN"; message: string }): Promise<ProxyError> {
  const status = response.statusCode ?? 0;
  let code: string | undefined;
  try {
    const body = JSON.parse((await readBody(response, 64 * 1024)).toString("utf8")) as { errors?: { code?: string }[] };
    code = body.errors?.[0]?.code;
  } catch {
    discard(response);
  }
  if (status === 429) {
    const retryAfter = /^\d{1,5}$/.test(String(response.headers["retry-after"] ?? "")) ? String(response.headers["retry-after"]) : "10";
    return new ProxyError("TOOMANYREQUESTS", `The vendor's registry is throttling requests. Try again in ${retryAfter} s.`, { "Retry-After": retryAfter }, status);
  }
  if (status === 404) {
    if (code === "NAME_UNKNOWN") return new ProxyError("NAME_UNKNOWN", "The vendor's registry has no such repository. Check the image name.", {}, status);
    return new ProxyError(fallback.code, fallback.message, {}, status);
  }
  if (status === 416) return new ProxyError("RANGE_INVALID", "The requested range is not satisfiable.", {}, status);
  if (status >= 500 || status === 0) return new ProxyError("UNAVAILABLE", "The vendor's registry is failing right now. Try again in a minute.", { "Retry-After": "30" }, status);
  return new ProxyError("UNKNOWN", `The vendor's registry answered ${status}. Try again later, or tell your vendor.`, {}, status);
}
