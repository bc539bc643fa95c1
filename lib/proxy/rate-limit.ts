// Per-process request counting for the proxy: a fixed one-minute window per
// key (a license, a client address). In memory on purpose: the check sits on
// every pull request; behind a load balancer each process counts its own
// share, which docs/customers.md says.
export class SlidingWindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: () => number,
    private readonly windowMs = 60_000,
  ) {}

  /** Counts one request; null when allowed, else the seconds until the window ends. */
  take(key: string, now = Date.now()): number | null {
    const window = this.current(key, now);
    if (window.count >= this.limit()) return this.retryAfter(window, now);
    window.count++;
    return null;
  }

  /** Counts one event (a failed login) without refusing it. */
  hit(key: string, now = Date.now()): void {
    this.current(key, now).count++;
  }

  /** Whether the key is over its limit now: null, or the seconds to wait. */
  peek(key: string, now = Date.now()): number | null {
    const window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs || window.count < this.limit()) return null;
    return this.retryAfter(window, now);
  }

  reset(): void {
    this.windows.clear();
  }

  private current(key: string, now: number): { start: number; count: number } {
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      if (this.windows.size > 100_000) this.prune(now);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    return window;
  }

  private retryAfter(window: { start: number }, now: number): number {
    return Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000));
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) if (now - window.start >= this.windowMs) this.windows.delete(key);
  }
}
