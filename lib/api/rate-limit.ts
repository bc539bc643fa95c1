import "server-only";
// The API's per-token request limit, behind a small interface so that it can
// move to a shared limiter without touching the handler. This implementation
// counts requests in fixed one-minute windows in Postgres: one atomic upsert
// per request, correct across every portal process.
import { prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";

export type RateLimitDecision =
  | { ok: true; limit: number; remaining: number; resetSeconds: number }
  | { ok: false; limit: number; retryAfterSeconds: number };

export interface RateLimiter {
  /** Counts one request for `key` and says whether it is within the limit. */
  hit(key: string, now?: Date): Promise<RateLimitDecision>;
}

const WINDOW_MS = 60_000;
/** Windows older than this are deleted when a key opens a new one. */
const KEEP_WINDOWS_MS = 10 * WINDOW_MS;

export function fixedWindowRateLimiter(limitPerMinute: () => number): RateLimiter {
  return {
    async hit(key, now = new Date()) {
      const limit = limitPerMinute();
      const windowStart = new Date(Math.floor(now.getTime() / WINDOW_MS) * WINDOW_MS);
      const resetSeconds = Math.max(1, Math.ceil((windowStart.getTime() + WINDOW_MS - now.getTime()) / 1000));
      const [row] = await prisma.$queryRaw<{ count: number }[]>`
        INSERT INTO "ApiRateLimitWindow" ("key", "windowStart", "count") VALUES (${key}, ${windowStart}, 1)
        ON CONFLICT ("key", "windowStart") DO UPDATE SET "count" = "ApiRateLimitWindow"."count" + 1
        RETURNING "count"`;
      const count = Number(row!.count);
      if (count === 1) {
        await prisma.apiRateLimitWindow.deleteMany({ where: { key, windowStart: { lt: new Date(windowStart.getTime() - KEEP_WINDOWS_MS) } } });
      }
      if (count > limit) return { ok: false, limit, retryAfterSeconds: resetSeconds };
      return { ok: true, limit, remaining: limit - count, resetSeconds };
    },
  };
}

/** The limiter the API uses: API_RATE_LIMIT_PER_MINUTE requests per token. */
export const apiRateLimiter: RateLimiter = fixedWindowRateLimiter(() => getEnv().API_RATE_LIMIT_PER_MINUTE);
