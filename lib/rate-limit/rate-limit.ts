import "server-only";
// Rate limits shared by every portal process: a sliding window of counted
// hits per key, kept in Postgres. Each decision runs in one transaction under
// a per-key advisory lock, so hits that arrive at once cannot all slip under
// the limit, whichever process receives them.
//
// Why not rate-limiter-flexible's Postgres store: it counts in fixed windows
// (twice the limit can pass around a window boundary), creates its own table
// at run time outside the migrations, and needs its own pg pool; this is one
// migrated table on the Prisma client the portal already has, with an exact
// "at most N in any window" rule that the messages can state.
import { randomUUID } from "node:crypto";
import { prisma } from "@/lib/db";

export interface RateLimit {
  /** Stable name of the limit; part of every key, e.g. "sign-in-account". */
  name: string;
  /** Hits allowed in any window. */
  limit: number;
  windowSeconds: number;
}

export type RateLimitDecision =
  /** `hitId` identifies the counted hit, for refundRateLimitHit(). */
  | { allowed: true; remaining: number; hitId: string }
  | { allowed: false; retryAfterSeconds: number };

// Expired rows of keys that are never hit again are swept now and then.
const SWEEP_PROBABILITY = 0.02;

/** Counts one hit against `limit` for `subject` when the window has room; otherwise says when it will. */
export async function consumeRateLimit(limit: RateLimit, subject: string, now = new Date()): Promise<RateLimitDecision> {
  const key = `${limit.name}:${subject}`;
  const windowStart = new Date(now.getTime() - limit.windowSeconds * 1000);
  const decision = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`rate-limit:${key}`}, 0))`;
    await tx.rateLimitHit.deleteMany({ where: { key, createdAt: { lte: windowStart } } });
    const recent = await tx.rateLimitHit.findMany({
      where: { key, createdAt: { gt: windowStart, lte: now } },
      orderBy: { createdAt: "asc" },
      select: { createdAt: true },
      take: limit.limit,
    });
    if (recent.length >= limit.limit) {
      const oldest = recent[0]!.createdAt.getTime();
      const retryAfterSeconds = Math.max(1, Math.ceil((oldest + limit.windowSeconds * 1000 - now.getTime()) / 1000));
      return { allowed: false, retryAfterSeconds } as const;
    }
    const hitId = randomUUID();
    await tx.rateLimitHit.create({ data: { id: hitId, key, createdAt: now, expiresAt: new Date(now.getTime() + limit.windowSeconds * 1000) } });
    return { allowed: true, remaining: limit.limit - recent.length - 1, hitId } as const;
  });
  if (Math.random() < SWEEP_PROBABILITY) void sweepExpiredHits().catch(() => {});
  return decision;
}

/** Takes back a counted hit, e.g. a sign-in attempt that turned out to be right. */
export async function refundRateLimitHit(hitId: string): Promise<void> {
  await prisma.rateLimitHit.deleteMany({ where: { id: hitId } });
}

/**
 * Consumes one hit of every limit, or of none: a hit refused by one limit is
 * not counted by the others. When refused, retryAfterSeconds is the longest wait.
 */
export async function consumeRateLimits(
  checks: { limit: RateLimit; subject: string }[],
  now = new Date(),
): Promise<{ allowed: true; hitIds: string[] } | { allowed: false; retryAfterSeconds: number }> {
  const decisions = await Promise.all(checks.map((check) => consumeRateLimit(check.limit, check.subject, now)));
  const hitIds = decisions.flatMap((d) => (d.allowed ? [d.hitId] : []));
  if (hitIds.length === decisions.length) return { allowed: true, hitIds };
  await Promise.all(hitIds.map(refundRateLimitHit));
  return { allowed: false, retryAfterSeconds: Math.max(...decisions.map((d) => (d.allowed ? 0 : d.retryAfterSeconds))) };
}

export async function sweepExpiredHits(now = new Date()): Promise<number> {
  const { count } = await prisma.rateLimitHit.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}
