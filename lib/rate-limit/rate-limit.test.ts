// The shared rate limit against the real Postgres: exact sliding windows,
// atomic under concurrency, independent keys, refunds.
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { consumeRateLimit, consumeRateLimits, refundRateLimitHit, sweepExpiredRateLimits, type RateLimit } from "@/lib/rate-limit/rate-limit";
import { useIsolatedDatabase } from "@/test/support/isolated-database";

let counter = 0;
const newLimit = (limit: number, windowSeconds: number): RateLimit => ({ name: `test-${process.pid}-${++counter}`, limit, windowSeconds });

beforeAll(async () => {
  await useIsolatedDatabase("rate_limit");
});

describe("consumeRateLimit", () => {
  it("allows exactly the limit when every hit arrives at once, and refuses the rest with the time to wait", async () => {
    const limit = newLimit(5, 60);
    const decisions = await Promise.all(Array.from({ length: 20 }, () => consumeRateLimit(limit, "alice")));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    for (const refused of decisions.filter((d) => !d.allowed)) {
      expect(refused).toMatchObject({ allowed: false });
      if (!refused.allowed) expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      if (!refused.allowed) expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
  });

  it("stays exact when concurrent callers' clocks disagree by a few milliseconds", async () => {
    const limit = newLimit(10, 60);
    const base = Date.now();
    const decisions = await Promise.all(Array.from({ length: 13 }, (_, i) => consumeRateLimit(limit, "team", new Date(base + ((i * 7) % 13)))));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
  });

  it("keeps subjects and limits apart", async () => {
    const limit = newLimit(1, 60);
    expect((await consumeRateLimit(limit, "alice")).allowed).toBe(true);
    expect((await consumeRateLimit(limit, "alice")).allowed).toBe(false);
    expect((await consumeRateLimit(limit, "bob")).allowed).toBe(true);
    expect((await consumeRateLimit(newLimit(1, 60), "alice")).allowed).toBe(true);
  });

  it("slides: a hit leaves the window exactly windowSeconds after it was counted", async () => {
    const limit = newLimit(2, 60);
    const t0 = new Date("2030-01-01T00:00:00Z");
    await consumeRateLimit(limit, "s", t0);
    await consumeRateLimit(limit, "s", new Date(t0.getTime() + 30_000));
    const refused = await consumeRateLimit(limit, "s", new Date(t0.getTime() + 45_000));
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 15 });
    expect((await consumeRateLimit(limit, "s", new Date(t0.getTime() + 60_000))).allowed).toBe(true);
    expect((await consumeRateLimit(limit, "s", new Date(t0.getTime() + 61_000))).allowed).toBe(false);
  });

  it("gives a refunded hit back", async () => {
    const limit = newLimit(1, 60);
    const first = await consumeRateLimit(limit, "s");
    expect(first.allowed).toBe(true);
    if (first.allowed) await refundRateLimitHit(first.hit);
    expect((await consumeRateLimit(limit, "s")).allowed).toBe(true);
  });

  it("consumes several limits together or not at all", async () => {
    const tight = newLimit(1, 60);
    const loose = newLimit(10, 60);
    expect((await consumeRateLimits([{ limit: tight, subject: "a" }, { limit: loose, subject: "b" }])).allowed).toBe(true);
    expect((await consumeRateLimits([{ limit: tight, subject: "a" }, { limit: loose, subject: "b" }])).allowed).toBe(false);
    // The refused attempt did not count against the loose limit.
    expect((await prisma.rateLimitBucket.findUniqueOrThrow({ where: { key: `${loose.name}:b` } })).hits).toHaveLength(1);
  });

  it("sweeps expired hits and keeps current ones", async () => {
    const limit = newLimit(1, 60);
    await consumeRateLimit(limit, "old", new Date("2000-01-01T00:00:00Z"));
    await consumeRateLimit(limit, "current");
    // Any consume may also start a sweep in the background (with a small
    // probability), so the count this one returns can be 0; what is left is what matters.
    await sweepExpiredRateLimits();
    expect(await prisma.rateLimitBucket.count({ where: { key: `${limit.name}:old` } })).toBe(0);
    expect(await prisma.rateLimitBucket.count({ where: { key: `${limit.name}:current` } })).toBe(1);
  });

  it("with a backoff, lets one hit through after a delay that doubles past the limit, instead of refusing until the window has room", async () => {
    const limit: RateLimit = { ...newLimit(2, 3600), backoff: { baseSeconds: 10, maxSeconds: 40 } };
    const t0 = new Date("2031-01-01T00:00:00Z").getTime();
    const at = (seconds: number) => new Date(t0 + seconds * 1000);
    expect((await consumeRateLimit(limit, "s", at(0))).allowed).toBe(true);
    expect((await consumeRateLimit(limit, "s", at(1))).allowed).toBe(true);
    // Two in the window: the next waits 10 s after the last hit, then 20 s, then 40 s (the cap), and 40 s again.
    expect(await consumeRateLimit(limit, "s", at(5))).toEqual({ allowed: false, retryAfterSeconds: 6 });
    expect((await consumeRateLimit(limit, "s", at(11))).allowed).toBe(true);
    expect(await consumeRateLimit(limit, "s", at(30))).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect((await consumeRateLimit(limit, "s", at(31))).allowed).toBe(true);
    expect(await consumeRateLimit(limit, "s", at(32))).toEqual({ allowed: false, retryAfterSeconds: 39 });
    expect((await consumeRateLimit(limit, "s", at(71))).allowed).toBe(true);
    expect((await consumeRateLimit(limit, "s", at(110))).allowed).toBe(false);
    expect((await consumeRateLimit(limit, "s", at(111))).allowed).toBe(true);
  });

  it("with a backoff, lets only one of many simultaneous hits past the limit through", async () => {
    const limit: RateLimit = { ...newLimit(3, 3600), backoff: { baseSeconds: 60, maxSeconds: 60 } };
    const decisions = await Promise.all(Array.from({ length: 12 }, () => consumeRateLimit(limit, "s")));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(3);
    const later = new Date(Date.now() + 61_000);
    const next = await Promise.all(Array.from({ length: 6 }, () => consumeRateLimit(limit, "s", later)));
    expect(next.filter((d) => d.allowed)).toHaveLength(1);
  });
});
