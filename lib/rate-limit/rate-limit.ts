import "server-only";
// Rate limits shared by every portal process: a sliding window of hit times
// per key, kept in one Postgres row. Each decision is one INSERT … ON
// CONFLICT DO UPDATE, which locks the key's row and re-reads its latest
// version, so hits that arrive at once cannot all slip under the limit,
// whichever process receives them, and no connection is held while waiting.
//
// Why not rate-limiter-flexible's Postgres store: it counts in fixed windows
// (twice the limit can pass around a window boundary), creates its own table
// at run time outside the migrations, and needs its own pg pool; this is one
// migrated table on the Prisma client the portal already has, with an exact
// "at most N in any window" rule that the messages can state.
import { prisma } from "@/lib/db";

export interface RateLimit {
  /** Stable name of the limit; part of every key, e.g. "sign-in-account". */
  name: string;
  /** Hits allowed in any window. */
  limit: number;
  windowSeconds: number;
  /**
   * Past `limit`, hits are not refused until the window has room: one more is
   * let through once a delay has passed since the last one, the delay doubling
   * with every hit past the limit (baseSeconds, 2×, 4× … up to maxSeconds).
   * For limits that must slow an attacker down without locking anyone out.
   */
  backoff?: { baseSeconds: number; maxSeconds: number };
}

/** A counted hit, for refundRateLimitHit(). */
export interface RateLimitHit {
  key: string;
  at: Date;
}

export type RateLimitDecision = { allowed: true; remaining: number; hit: RateLimitHit } | { allowed: false; retryAfterSeconds: number };

// Rows of keys that are never hit again are swept now and then.
const SWEEP_PROBABILITY = 0.02;

// The delay past the limit, in seconds, as SQL and as JavaScript compute it.
const MAX_DOUBLINGS = 20;
export function backoffDelaySeconds(backoff: NonNullable<RateLimit["backoff"]>, hitsInWindow: number, limit: number): number {
  return Math.min(backoff.maxSeconds, backoff.baseSeconds * 2 ** Math.min(MAX_DOUBLINGS, Math.max(0, hitsInWindow - limit)));
}

/** Counts one hit against `limit` for `subject` when the window has room (or, with a backoff, the delay has passed); otherwise says when it will. */
export async function consumeRateLimit(limit: RateLimit, subject: string, now = new Date()): Promise<RateLimitDecision> {
  const key = `${limit.name}:${subject}`;
  const windowMs = limit.windowSeconds * 1000;
  const windowStart = new Date(now.getTime() - windowMs);
  const expiresAt = new Date(now.getTime() + windowMs);
  const backoff = limit.backoff ?? null;
  const counted = await prisma.$queryRaw<{ hits: Date[] }[]>`
    INSERT INTO "RateLimitBucket" (key, hits, "expiresAt") VALUES (${key}, ARRAY[${now}::timestamptz(3)], ${expiresAt})
    ON CONFLICT (key) DO UPDATE SET
      hits = ARRAY(SELECT h FROM unnest("RateLimitBucket".hits) AS h WHERE h > ${windowStart} ORDER BY h) || ${now}::timestamptz(3),
      "expiresAt" = GREATEST("RateLimitBucket"."expiresAt", ${expiresAt})
    WHERE (SELECT count(*) FROM unnest("RateLimitBucket".hits) AS h WHERE h > ${windowStart}) < ${limit.limit}
      OR (${backoff !== null} AND ${now}::timestamptz(3) >= (SELECT max(h) FROM unnest("RateLimitBucket".hits) AS h) + make_interval(secs => LEAST(
        ${backoff?.maxSeconds ?? 0}::float8,
        ${backoff?.baseSeconds ?? 0}::float8 * power(2, LEAST(${MAX_DOUBLINGS}, (SELECT count(*) FROM unnest("RateLimitBucket".hits) AS h WHERE h > ${windowStart}) - ${limit.limit})))))
    RETURNING hits`;
  if (Math.random() < SWEEP_PROBABILITY) void sweepExpiredRateLimits().catch(() => {});
  if (counted.length === 1) {
    const inWindow = counted[0]!.hits.length;
    return { allowed: true, remaining: Math.max(0, limit.limit - inWindow), hit: { key, at: now } };
  }
  const rows = await prisma.$queryRaw<{ oldest: Date | null; latest: Date | null; count: bigint }[]>`
    SELECT min(h) AS oldest, max(h) AS latest, count(*) AS count FROM "RateLimitBucket", unnest(hits) AS h WHERE key = ${key} AND h > ${windowStart}`;
  const row = rows[0];
  if (backoff && row?.latest) {
    // Refused by the backoff: the delay since the latest hit says when.
    const readyAt = row.latest.getTime() + backoffDelaySeconds(backoff, Number(row.count), limit.limit) * 1000;
    return { allowed: false, retryAfterSeconds: Math.min(backoff.maxSeconds, Math.max(1, Math.ceil((readyAt - now.getTime()) / 1000))) };
  }
  // Refused: the oldest hit still in the window says when there is room again.
  const oldest = row?.oldest?.getTime() ?? now.getTime();
  return { allowed: false, retryAfterSeconds: Math.min(limit.windowSeconds, Math.max(1, Math.ceil((oldest + windowMs - now.getTime()) / 1000))) };
}

/** Takes back one counted hit, e.g. a sign-in attempt that turned out to be right. */
export async function refundRateLimitHit(hit: RateLimitHit): Promise<void> {
  await prisma.$executeRaw`
    UPDATE "RateLimitBucket"
    SET hits = hits[1:array_position(hits, ${hit.at}::timestamptz(3)) - 1] || hits[array_position(hits, ${hit.at}::timestamptz(3)) + 1:]
    WHERE key = ${hit.key} AND ${hit.at}::timestamptz(3) = ANY(hits)`;
}

/**
 * Consumes one hit of every limit, or of none: a hit refused by one limit is
 * not counted by the others. When refused, retryAfterSeconds is the longest wait
 * and refusedBy the limit that imposes it.
 */
export async function consumeRateLimits(
  checks: { limit: RateLimit; subject: string }[],
  now = new Date(),
): Promise<{ allowed: true; hits: RateLimitHit[] } | { allowed: false; retryAfterSeconds: number; refusedBy: RateLimit }> {
  const decisions = await Promise.all(checks.map((check) => consumeRateLimit(check.limit, check.subject, now)));
  const hits = decisions.flatMap((d) => (d.allowed ? [d.hit] : []));
  if (hits.length === decisions.length) return { allowed: true, hits };
  await Promise.all(hits.map(refundRateLimitHit));
  // The limit with the longest wait is the one to name.
  let longest = { retryAfterSeconds: 0, refusedBy: checks[0]!.limit };
  decisions.forEach((d, i) => {
    if (!d.allowed && d.retryAfterSeconds >= longest.retryAfterSeconds) longest = { retryAfterSeconds: d.retryAfterSeconds, refusedBy: checks[i]!.limit };
  });
  return { allowed: false, ...longest };
}

export async function sweepExpiredRateLimits(now = new Date()): Promise<number> {
  const { count } = await prisma.rateLimitBucket.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}
