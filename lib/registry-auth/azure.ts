import "server-only";
// Azure Container Registry with a service principal or, keyless, a federated
// identity credential: a client-credentials token from Entra ID for the
// registry's data plane (with the client secret, or with the portal's own
// token as client_assertion), exchanged at the registry's /oauth2/exchange for
// an ACR refresh token, which the token realm (/oauth2/token) then turns into
// access tokens per scope. Only the first step differs between the two.
import { ACR_ENTRA_SCOPE, entraLoginHost } from "@/lib/registries/providers/azure";
import { decodeJwt } from "jose";
import { RegistryProtocolError, refusal, requestIdOf, type RegistryLoginCredential } from "@/lib/registry-auth/client";
import { resolveAuthUrl, type AuthEndpoints } from "@/lib/registry-auth/endpoints";
import { authHttpRequest } from "@/lib/registry-auth/http";

/** The app (or managed identity) that signs in, with its client secret or a client assertion (the portal's token). */
export type EntraClient = { tenantId: string; clientId: string } & ({ clientSecret: string } | { clientAssertion: string });

export const JWT_BEARER_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** Entra ID: client_credentials for the registry's scope; throws RegistryAuthError("entra") with the AADSTS answer. */
export async function fetchEntraToken(hostname: string, client: EntraClient, endpoints: AuthEndpoints, signal: AbortSignal): Promise<{ accessToken: string; requestId?: string }> {
  const url = resolveAuthUrl(new URL(`https://${entraLoginHost(hostname)}/${encodeURIComponent(client.tenantId)}/oauth2/v2.0/token`), endpoints.authOverrides);
  const proof: Record<string, string> = "clientSecret" in client ? { client_secret: client.clientSecret } : { client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: client.clientAssertion };
  const response = await authHttpRequest(url, {
    method: "POST",
    form: { grant_type: "client_credentials", client_id: client.clientId, ...proof, scope: ACR_ENTRA_SCOPE },
    signal,
    trustedOrigins: endpoints.trustedOrigins,
  });
  if (response.status !== 200) throw refusal("entra", response);
  const requestId = requestIdOf(response);
  return { accessToken: stringField(response.body, "access_token", "Entra ID answered 200 without an access_token"), ...(requestId ? { requestId } : {}) };
}

/** ACR refresh tokens last 3 hours; one whose expiry cannot be read is kept for 1. */
const REFRESH_TOKEN_MAX_MS = 3 * 60 * 60_000;
const REFRESH_TOKEN_UNKNOWN_MS = 60 * 60_000;

/** When an ACR refresh token stops being used: its own expiry (read, not verified: it is ACR's), at most 3 hours. */
export function acrRefreshTokenExpiry(refreshToken: string, obtainedAt: number): number {
  try {
    const { exp } = decodeJwt(refreshToken);
    if (typeof exp === "number") return Math.min(exp * 1000, obtainedAt + REFRESH_TOKEN_MAX_MS);
  } catch {
    // Not a JWT: ACR does not promise one.
  }
  return obtainedAt + REFRESH_TOKEN_UNKNOWN_MS;
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
