import "server-only";
// Azure Container Registry with a service principal: a client-credentials
// token from Entra ID for the registry's data plane, exchanged at the
// registry's /oauth2/exchange for an ACR refresh token, which the token
// realm (/oauth2/token) then turns into access tokens per scope.
import { ACR_ENTRA_SCOPE, entraLoginHost } from "@/lib/registries/providers/azure";
import { RegistryProtocolError, refusal, type RegistryLoginCredential } from "@/lib/registry-auth/client";
import { resolveAuthUrl, type AuthEndpoints } from "@/lib/registry-auth/endpoints";
import { authHttpRequest } from "@/lib/registry-auth/http";

export interface ServicePrincipal {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

/** Entra ID: client_credentials for the registry's scope; throws RegistryAuthError("entra") with the AADSTS answer. */
export async function fetchEntraToken(hostname: string, principal: ServicePrincipal, endpoints: AuthEndpoints, signal: AbortSignal): Promise<string> {
  const url = resolveAuthUrl(new URL(`https://${entraLoginHost(hostname)}/${encodeURIComponent(principal.tenantId)}/oauth2/v2.0/token`), endpoints.authOverrides);
  const response = await authHttpRequest(url, {
    method: "POST",
    form: { grant_type: "client_credentials", client_id: principal.clientId, client_secret: principal.clientSecret, scope: ACR_ENTRA_SCOPE },
    signal,
    trustedOrigins: endpoints.trustedOrigins,
  });
  if (response.status !== 200) throw refusal("entra", response);
  return stringField(response.body, "access_token", "Entra ID answered 200 without an access_token");
}

/** ACR's /oauth2/exchange: the Entra ID token for a registry refresh token. */
export async function exchangeForAcrRefreshToken(hostname: string, baseUrl: string, tenantId: string, entraToken: string, endpoints: AuthEndpoints, signal: AbortSignal): Promise<RegistryLoginCredential> {
  const response = await authHttpRequest(new URL(`${baseUrl}/oauth2/exchange`), {
    method: "POST",
    form: { grant_type: "access_token", service: hostname, tenant: tenantId, access_token: entraToken },
    signal,
    trustedOrigins: endpoints.trustedOrigins,
  });
  if (response.status !== 200) throw refusal("exchange", response);
  return { kind: "refresh_token", refreshToken: stringField(response.body, "refresh_token", "the registry's /oauth2/exchange answered 200 without a refresh_token") };
}

function stringField(body: string, field: string, problem: string): string {
  let value: unknown;
  try {
    value = (JSON.parse(body) as Record<string, unknown>)[field];
  } catch {
    value = undefined;
  }
  if (typeof value !== "string" || value === "" || /[\s"]/.test(value)) throw new RegistryProtocolError(problem);
  return value;
}
