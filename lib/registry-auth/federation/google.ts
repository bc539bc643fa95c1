import "server-only";
// Google Artifact Registry / Container Registry without a stored key: the
// portal's token (audience: the workload identity provider's canonical name)
// exchanged at Google's Security Token Service for a federated access token,
// optionally exchanged again at IAM Credentials' generateAccessToken for a
// service account's token, which the registry takes as the password of
// `oauth2accesstoken`. Google's answers are carried unchanged in
// RegistryAuthError (stage "google-sts" or "google-iam") for the diagnosis.
import {
  ACCESS_TOKEN_USERNAME,
  CLOUD_PLATFORM_SCOPE,
  GOOGLE_IAM_CREDENTIALS_HOST,
  GOOGLE_STS_HOST,
  workloadIdentityProviderName,
  googleSettingsOf,
  type GoogleFederationSettings,
} from "@/lib/gcp/workload-identity";
import type { FederationExchange } from "@/lib/registry-auth/federation/types";
import { RegistryProtocolError, refusal, requestIdOf, type RegistryLoginCredential } from "@/lib/registry-auth/client";
import { resolveAuthUrl, type AuthEndpoints } from "@/lib/registry-auth/endpoints";
import { authHttpRequest } from "@/lib/registry-auth/http";

export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";
export const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

export interface GoogleAccessToken {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** A request ID header, if Google's answer carried one (it documents none). */
  requestId?: string;
}

/** STS token exchange: the portal's signed token for a federated access token of the pool's principal. */
export async function exchangeAtGoogleSts(settings: GoogleFederationSettings, subjectToken: string, endpoints: AuthEndpoints, signal: AbortSignal, now = Date.now()): Promise<GoogleAccessToken> {
  const url = resolveAuthUrl(new URL(`https://${GOOGLE_STS_HOST}/v1/token`), endpoints.authOverrides);
  const response = await authHttpRequest(url, {
    method: "POST",
    form: {
      grant_type: TOKEN_EXCHANGE_GRANT,
      audience: workloadIdentityProviderName(settings),
      scope: CLOUD_PLATFORM_SCOPE,
      requested_token_type: ACCESS_TOKEN_TYPE,
      subject_token_type: JWT_TOKEN_TYPE,
      subject_token: subjectToken,
    },
    signal,
    trustedOrigins: endpoints.trustedOrigins,
    maxBodyBytes: 64 * 1024,
  });
  if (response.status !== 200) throw refusal("google-sts", response);
  const body = parseObject(response.body);
  const token = body?.access_token;
  if (typeof token !== "string" || token === "" || /[\s"]/.test(token)) throw new RegistryProtocolError("Google STS answered 200 without an access_token");
  const expiresIn = typeof body?.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 3600;
  const requestId = requestIdOf(response);
  return { accessToken: token, expiresAt: now + expiresIn * 1000, ...(requestId ? { requestId } : {}) };
}

/** IAM Credentials generateAccessToken: the federated token for the service account's access token. */
export async function impersonateServiceAccount(email: string, federated: GoogleAccessToken, endpoints: AuthEndpoints, signal: AbortSignal, now = Date.now()): Promise<GoogleAccessToken> {
  const url = resolveAuthUrl(new URL(`https://${GOOGLE_IAM_CREDENTIALS_HOST}/v1/projects/-/serviceAccounts/${encodeURIComponent(email)}:generateAccessToken`), endpoints.authOverrides);
  const response = await authHttpRequest(url, {
    method: "POST",
    headers: { authorization: `Bearer ${federated.accessToken}` },
    json: { scope: [CLOUD_PLATFORM_SCOPE], lifetime: "3600s" },
    signal,
    trustedOrigins: endpoints.trustedOrigins,
    maxBodyBytes: 64 * 1024,
  });
  if (response.status !== 200) throw refusal("google-iam", response);
  const body = parseObject(response.body);
  const token = body?.accessToken;
  if (typeof token !== "string" || token === "" || /[\s"]/.test(token)) throw new RegistryProtocolError("IAM Credentials answered 200 without an accessToken");
  const expireTime = typeof body?.expireTime === "string" ? Date.parse(body.expireTime) : NaN;
  const requestId = requestIdOf(response);
  return { accessToken: token, expiresAt: Number.isFinite(expireTime) ? expireTime : now + 3600_000, ...(requestId ? { requestId } : {}) };
}

/** The registry login an access token gives: Basic `oauth2accesstoken` with the token as the password. */
export function accessTokenLogin(token: GoogleAccessToken): RegistryLoginCredential {
  return { kind: "basic", username: ACCESS_TOKEN_USERNAME, password: token.accessToken };
}

/** The exchange from the portal's token to the registry login, with impersonation when a service account is set. */
export const googleFederationExchange: FederationExchange = {
  async exchange({ token, settings, endpoints, signal }) {
    const google = googleSettingsOf(settings);
    if (!google) throw new RegistryProtocolError("the registry's project number, pool ID or provider ID is missing or malformed; edit the registry");
    const federated = await exchangeAtGoogleSts(google, token, endpoints, signal);
    if (!google.serviceAccount) {
      return { credential: accessTokenLogin(federated), expiresAt: federated.expiresAt, ...(federated.requestId ? { requestId: federated.requestId } : {}), detail: `Google STS accepted the token through ${google.poolId}/${google.providerId} and issued a federated access token (used as oauth2accesstoken).` };
    }
    const impersonated = await impersonateServiceAccount(google.serviceAccount, federated, endpoints, signal);
    const requestId = impersonated.requestId ?? federated.requestId;
    return {
      credential: accessTokenLogin(impersonated),
      expiresAt: impersonated.expiresAt,
      ...(requestId ? { requestId } : {}),
      detail: `Google STS accepted the token through ${google.poolId}/${google.providerId}; acting as ${google.serviceAccount} (generateAccessToken).`,
    };
  },
};

function parseObject(body: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(body) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
