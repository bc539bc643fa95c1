import "server-only";
// Recomputing the issuer's TLS thumbprint on demand opens a TLS connection
// from the portal to its own public host, for the whole portal. Only a portal
// operator may ask for it, at most once a minute across every process; the
// hourly recomputation needs nobody.
import { isPortalOperator } from "@/lib/auth/operators";
import { ThrottledError } from "@/lib/auth/throttles";
import { UserFacingError } from "@/lib/http/result";
import { getOidcProviderInfo, type ThumbprintInfo } from "@/lib/oidc/provider-info";
import { consumeRateLimit, type RateLimit } from "@/lib/rate-limit/rate-limit";

export const THUMBPRINT_REFRESH_LIMIT: RateLimit = { name: "oidc-thumbprint-refresh", limit: 1, windowSeconds: 60 };

export async function refreshIssuerThumbprint(requesterEmail: string, now = new Date()): Promise<ThumbprintInfo> {
  if (!isPortalOperator(requesterEmail)) {
    throw new UserFacingError("forbidden", "Only the portal's operators can recompute the thumbprint (OPERATOR_EMAILS). It is recomputed every hour on its own.");
  }
  const decision = await consumeRateLimit(THUMBPRINT_REFRESH_LIMIT, "portal", now);
  if (!decision.allowed) throw new ThrottledError("The thumbprint was recomputed less than a minute ago.", decision.retryAfterSeconds);
  return (await getOidcProviderInfo({ refreshThumbprint: true })).thumbprint;
}
