import { describe, expect, it } from "vitest";
import { backoffDelayMs, MAX_RETRY_DELAY_MS, nextAttemptAt, parseRetryAfterMs, RETRY_WINDOW_MS, shouldDisableEndpoint } from "@/lib/notifications/retry-policy";

const NOW = new Date("2026-12-01T12:00:00Z");

describe("webhook retry policy", () => {
  it("grows the delay exponentially, with jitter of at most 20 %", () => {
    expect(backoffDelayMs(1, 0.5)).toBe(5_000);
    expect(backoffDelayMs(2, 0.5)).toBe(15_000);
    expect(backoffDelayMs(3, 0.5)).toBe(45_000);
    expect(backoffDelayMs(1, 0)).toBe(4_000);
    expect(backoffDelayMs(1, 0.9999)).toBeLessThanOrEqual(6_000);
  });

  it("caps the delay at four hours", () => {
    expect(backoffDelayMs(30, 0.5)).toBe(MAX_RETRY_DELAY_MS);
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(parseRetryAfterMs("120", NOW)).toBe(120_000);
    expect(parseRetryAfterMs(new Date(NOW.getTime() + 30_000).toUTCString(), NOW)).toBe(30_000);
    expect(parseRetryAfterMs("soon", NOW)).toBeNull();
    expect(parseRetryAfterMs(undefined, NOW)).toBeNull();
  });

  it("waits at least as long as Retry-After asks", () => {
    const next = nextAttemptAt({ createdAt: NOW, failedAttempts: 1, now: NOW, retryAfterMs: 600_000, random: 0.5 });
    expect(next?.getTime()).toBe(NOW.getTime() + 600_000);
  });

  it("keeps retrying for 24 hours, then gives up", () => {
    const createdAt = new Date(NOW.getTime() - RETRY_WINDOW_MS + 1000);
    expect(nextAttemptAt({ createdAt, failedAttempts: 12, now: NOW, retryAfterMs: null })).not.toBeNull();
    expect(nextAttemptAt({ createdAt: new Date(NOW.getTime() - RETRY_WINDOW_MS), failedAttempts: 12, now: NOW, retryAfterMs: null })).toBeNull();
  });

  it("disables an endpoint after three days of failures", () => {
    expect(shouldDisableEndpoint(new Date(NOW.getTime() - 71 * 3_600_000), NOW)).toBe(false);
    expect(shouldDisableEndpoint(new Date(NOW.getTime() - 72 * 3_600_000), NOW)).toBe(true);
  });
});
