import "server-only";
// The API's per-token request limit: API_RATE_LIMIT_PER_MINUTE requests in
// any minute, on the portal's shared Postgres-backed limiter (lib/rate-limit),
// so every process counts against the same window.
import { getEnv } from "@/lib/env";
import { consumeRateLimit } from "@/lib/rate-limit/rate-limit";

const WINDOW_SECONDS = 60;

export type RateLimitDecision =
  | { ok: true; limit: number; remaining: number; resetSeconds: number }
  | { ok: false; limit: number; retryAfterSeconds: number };

export interface RateLimiter {
  /** Counts one request for `key` and says whether it is within the limit. */
  hit(key: string, now?: Date): Promise<RateLimitDecision>;
}

/** The limiter the API uses: API_RATE_LIMIT_PER_MINUTE requests per token. */
export const apiRateLimiter: RateLimiter = {
  async hit(key, now = new Date()) {
    const limit = getEnv().API_RATE_LIMIT_PER_MINUTE;
    const decision = await consumeRateLimit({ name: "api-token", limit, windowSeconds: WINDOW_SECONDS }, key, now);
    if (!decision.allowed) return { ok: false, limit, retryAfterSeconds: decision.retryAfterSeconds };
    // A sliding window: the whole allowance is back at most one window from now.
    return { ok: true, limit, remaining: decision.remaining, resetSeconds: WINDOW_SECONDS };
  },
};
