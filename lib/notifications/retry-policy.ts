// When a failed webhook delivery is tried again: exponential back-off with
// jitter (5 s, 15 s, 45 s … capped at 4 h, each ±20 %), never sooner than the
// receiver's Retry-After, for at least 24 hours after the event; an endpoint
// failing for 3 days is disabled. Pure.

export const ATTEMPT_TIMEOUT_MS = 10_000;
export const FIRST_RETRY_MS = 5_000;
export const BACKOFF_FACTOR = 3;
export const MAX_RETRY_DELAY_MS = 4 * 3_600_000;
/** Retries continue until the delivery is this old; the last one is at or after it. */
export const RETRY_WINDOW_MS = 24 * 3_600_000;
export const DISABLE_AFTER_FAILING_MS = 3 * 24 * 3_600_000;
/** A Retry-After longer than this is capped (a receiver cannot park a delivery for days). */
export const MAX_RETRY_AFTER_MS = 12 * 3_600_000;

/** The delay before attempt `failedAttempts + 1`, `random` in [0, 1). */
export function backoffDelayMs(failedAttempts: number, random: number = Math.random()): number {
  const base = Math.min(FIRST_RETRY_MS * BACKOFF_FACTOR ** Math.max(0, failedAttempts - 1), MAX_RETRY_DELAY_MS);
  return Math.round(base * (0.8 + 0.4 * random));
}

/** Retry-After as seconds or an HTTP date, in milliseconds from now; null when absent or unreadable. */
export function parseRetryAfterMs(value: string | string[] | undefined, now: Date): number | null {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.min(Math.max(0, date - now.getTime()), MAX_RETRY_AFTER_MS);
}

/** When to try again after a failure, or null: the retry window is over. */
export function nextAttemptAt(input: { createdAt: Date; failedAttempts: number; now: Date; retryAfterMs: number | null; random?: number }): Date | null {
  if (input.now.getTime() - input.createdAt.getTime() >= RETRY_WINDOW_MS) return null;
  const delay = Math.max(backoffDelayMs(input.failedAttempts, input.random), input.retryAfterMs ?? 0);
  return new Date(input.now.getTime() + delay);
}

export function shouldDisableEndpoint(failingSince: Date, now: Date): boolean {
  return now.getTime() - failingSince.getTime() >= DISABLE_AFTER_FAILING_MS;
}
