import { getEnv } from "@/lib/env";
import type { LifecyclePolicy } from "@/lib/oidc/key-lifecycle";

/** Web-identity tokens live five minutes: far shorter than a retired key stays published. */
export const TOKEN_LIFETIME_SECONDS = 300;
export const SIGNING_ALGORITHM = "RS256";

export function getLifecyclePolicy(): LifecyclePolicy {
  const env = getEnv();
  return {
    rotationMs: env.OIDC_KEY_ROTATION_DAYS * 24 * 3_600_000,
    nextKeyLeadMs: env.OIDC_NEXT_KEY_LEAD_HOURS * 3_600_000,
    retiredMarginMs: env.OIDC_RETIRED_KEY_MARGIN_MINUTES * 60_000,
    tokenLifetimeMs: TOKEN_LIFETIME_SECONDS * 1000,
  };
}
