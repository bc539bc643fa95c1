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
  type GoogleFederationSettings,
} from "@/lib/gcp/workload-identity";
import { RegistryProtocolError, refusal, type RegistryLoginCredential } from "@/lib/registry-auth/client";
import { resolveAuthUrl, type AuthEndpoints } from "@/lib/registry-auth/endpoints";
import { authHttpRequest } from "@/lib/registry-auth/http";

export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";
export const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

export interface GoogleAccessToken {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
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
  return { accessToken: token, expiresAt: now + expiresIn * 1000 };
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
  return { accessToken: token, expiresAt: Number.isFinite(expireTime) ? expireTime : now + 3600_000 };
}

/** The registry login an access token gives: Basic `oauth2accesstoken` with the token as the password. */
export function accessTokenLogin(token: GoogleAccessToken): RegistryLoginCredential {
  return { kind: "basic", username: ACCESS_TOKEN_USERNAME, password: token.accessToken };
}

/** The exchange from the portal's token to the registry login, with impersonation when a service account is set. */
export async function obtainGoogleFederatedLogin(settings: GoogleFederationSettings, subjectToken: string, endpoints: AuthEndpoints, signal: AbortSignal): Promise<{ credential: RegistryLoginCredential; expiresAt: number }> {
  const federated = await exchangeAtGoogleSts(settings, subjectToken, endpoints, signal);
  const token = settings.serviceAccountEmail ? await impersonateServiceAccount(settings.serviceAccountEmail, federated, endpoints, signal) : federated;
  return { credential: accessTokenLogin(token), expiresAt: token.expiresAt };
}

function parseObject(body: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(body) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
