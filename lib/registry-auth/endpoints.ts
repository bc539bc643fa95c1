import "server-only";
// Where the registry login may send requests. A registry's own URL comes from
// its validated hostname (or REGISTRY_ENDPOINT_OVERRIDES); an auth endpoint
// that is not the registry (a token realm, Entra ID's login host) is
// rewritten by AUTH_ENDPOINT_OVERRIDES when its host is listed. Only the
// overrides' origins and PROXY_ALLOWED_REDIRECT_ORIGINS may be http:// or
// private addresses: everything else must be https:// on a public address.
import { getEnv } from "@/lib/env";
import type { RegistryEndpointOverride } from "@/lib/registry-test/endpoints";

export interface AuthEndpoints {
  registryOverrides: RegistryEndpointOverride[];
  authOverrides: RegistryEndpointOverride[];
  /** Origins where http:// and private addresses are allowed. */
  trustedOrigins: ReadonlySet<string>;
}

const byEnv = new WeakMap<object, AuthEndpoints>();

/** Computed once per configuration (getEnv() returns the same object until it is reset). */
export function getAuthEndpoints(): AuthEndpoints {
  const env = getEnv();
  let endpoints = byEnv.get(env);
  if (!endpoints) {
    endpoints = {
      registryOverrides: env.REGISTRY_ENDPOINT_OVERRIDES,
      authOverrides: env.AUTH_ENDPOINT_OVERRIDES,
      trustedOrigins: trustedOriginsOf(env.REGISTRY_ENDPOINT_OVERRIDES, env.AUTH_ENDPOINT_OVERRIDES, env.PROXY_ALLOWED_REDIRECT_ORIGINS),
    };
    byEnv.set(env, endpoints);
  }
  return endpoints;
}

export function trustedOriginsOf(registryOverrides: RegistryEndpointOverride[], authOverrides: RegistryEndpointOverride[], redirectOrigins: string | undefined): ReadonlySet<string> {
  const origins = new Set<string>();
  for (const override of [...registryOverrides, ...authOverrides]) {
    try {
      origins.add(new URL(override.baseUrl.replaceAll("{hostname}", "placeholder")).origin);
    } catch {
      // lib/env.ts refuses malformed overrides at start-up.
    }
  }
  for (const origin of (redirectOrigins ?? "").split(",").map((part) => part.trim()).filter(Boolean)) origins.add(new URL(origin).origin);
  return origins;
}

/** An auth URL (token realm, Entra ID) with its host replaced by the configured override, if any. */
export function resolveAuthUrl(url: URL, authOverrides: RegistryEndpointOverride[]): URL {
  const override = authOverrides.find((o) => o.hostname === url.host) ?? authOverrides.find((o) => o.hostname === url.hostname);
  if (!override) return url;
  return new URL(`${override.baseUrl.replaceAll("{hostname}", url.host)}${url.pathname}${url.search}`);
}
