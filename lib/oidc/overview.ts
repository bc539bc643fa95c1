import "server-only";
import { listKeyEvents, type KeyEventAction } from "@/lib/oidc/key-events";
import { keyState, type KeyState } from "@/lib/oidc/key-lifecycle";
import { JWKS_MAX_AGE_SECONDS } from "@/lib/oidc/lifecycle-policy";
import { getOidcProviderInfo, type OidcProviderInfo } from "@/lib/oidc/provider-info";
import { listSigningKeys } from "@/lib/oidc/signing-keys";

export interface SigningKeyRow {
  kid: string;
  state: KeyState;
  algorithm: string;
  createdAt: string;
  signsFrom: string;
  signsUntil: string | null;
  publishedUntil: string | null;
}

export interface KeyHistoryRow {
  id: string;
  kid: string;
  action: KeyEventAction;
  reason: string;
  at: string;
  details: Record<string, string | null>;
}

export interface KeyCaching {
  /** The JWKS and discovery document's longest Cache-Control max-age. */
  maxAgeSeconds: number;
  /** The latest emergency rotation while caches may still hold the old key set. */
  recentEmergency: { at: string; kid: string; cachesExpireBy: string } | null;
}

const HISTORY_ROWS = 30;

/** Everything the admin "Identity provider" page shows; public values only. */
export async function getIdentityProviderOverview(options: { refreshThumbprint?: boolean } = {}): Promise<{ provider: OidcProviderInfo; keys: SigningKeyRow[]; history: KeyHistoryRow[]; caching: KeyCaching }> {
  const now = new Date();
  const [provider, keys, events] = await Promise.all([getOidcProviderInfo(options), listSigningKeys(), listKeyEvents(HISTORY_ROWS)]);
  const history = events.map((event) => ({ id: event.id, kid: event.kid, action: event.action, reason: event.reason, at: event.createdAt.toISOString(), details: event.details }));
  const emergency = history.find((event) => event.action === "emergency_replaced" && event.details.cachesExpireBy && Date.parse(event.details.cachesExpireBy) > now.getTime());
  return {
    provider,
    keys: keys
      .filter((key) => keyState(key, now) !== "removed")
      .map((key) => ({
        kid: key.kid,
        state: keyState(key, now),
        algorithm: key.algorithm,
        createdAt: key.createdAt.toISOString(),
        signsFrom: key.signsFrom.toISOString(),
        signsUntil: key.signsUntil?.toISOString() ?? null,
        publishedUntil: key.publishedUntil?.toISOString() ?? null,
      })),
    history,
    caching: {
      maxAgeSeconds: JWKS_MAX_AGE_SECONDS,
      recentEmergency: emergency ? { at: emergency.at, kid: emergency.kid, cachesExpireBy: emergency.details.cachesExpireBy! } : null,
    },
  };
}
