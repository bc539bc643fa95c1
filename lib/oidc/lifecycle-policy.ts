import { getEnv } from "@/lib/env";
import type { LifecyclePolicy } from "@/lib/oidc/key-lifecycle";

/** Web-identity tokens live five minutes: far shorter than a retired key stays published. */
export const TOKEN_LIFETIME_SECONDS = 300;
export const SIGNING_ALGORITHM = "RS256";
/**
 * How long a cache (AWS included) may keep the discovery document and JWKS:
 * short, so that an emergency rotation reaches caches within minutes, and
 * never past the next scheduled key change (see lib/oidc/key-cache.ts).
 */
export const JWKS_MAX_AGE_SECONDS = 300;
/** `oidc:rotate --next-now`: how long the new key is published before it signs, by default. */
export const NEXT_NOW_DEFAULT_OVERLAP_MS = JWKS_MAX_AGE_SECONDS * 1000;

export function getLifecyclePolicy(): LifecyclePolicy {
  const env = getEnv();
  return {
    rotationMs: env.OIDC_KEY_ROTATION_DAYS * 24 * 3_600_000,
    nextKeyLeadMs: env.OIDC_NEXT_KEY_LEAD_HOURS * 3_600_000,
    retiredMarginMs: env.OIDC_RETIRED_KEY_MARGIN_MINUTES * 60_000,
    tokenLifetimeMs: TOKEN_LIFETIME_SECONDS * 1000,
  };
}
