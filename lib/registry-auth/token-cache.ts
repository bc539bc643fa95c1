// Registry logins cached per key (registry, version, scope) with
// single-flight: any number of concurrent callers of a cold key share one
// token request. A login is used until shortly before it expires (a quarter
// of its lifetime, at most 30 s, before). One with a `refreshAt` (the keyless
// exchanges: half its lifetime) is renewed in the background from then on,
// while it stays in use. Memory only: never logged.

export interface CachedLogin {
  obtainedAt: number;
  expiresAt: number;
  /** From then on one background request renews it; callers keep getting this one meanwhile. */
  refreshAt?: number;
}

interface Entry<T> {
  value?: T;
  pending?: Promise<T>;
}

export class TokenCache<T extends CachedLogin> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly maxEntries = 10_000) {}

  async get(key: string, obtain: () => Promise<T>, now = Date.now()): Promise<T> {
    let entry = this.entries.get(key);
    if (entry?.value && isFresh(entry.value, now)) {
      if (entry.value.refreshAt !== undefined && now >= entry.value.refreshAt && !entry.pending) this.start(key, entry, obtain).catch(() => undefined);
      return entry.value;
    }
    if (entry?.pending) return entry.pending;
    if (!entry) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      entry = {};
      this.entries.set(key, entry);
    }
    return this.start(key, entry, obtain);
  }

  private start(key: string, current: Entry<T>, obtain: () => Promise<T>): Promise<T> {
    const pending = obtain()
      .then((value) => {
        if (this.entries.get(key) === current) current.value = value;
        return value;
      })
      .finally(() => {
        if (current.pending === pending) current.pending = undefined;
      });
    current.pending = pending;
    return pending;
  }

  /** Drops a login the registry refused, unless a newer one already replaced it. */
  invalidate(key: string, refused: T): void {
    const entry = this.entries.get(key);
    if (entry?.value === refused) entry.value = undefined;
  }

  /** Drops every key starting with the prefix (a registry that changed). */
  invalidatePrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

export function isFresh(login: CachedLogin, now: number): boolean {
  const margin = Math.min(30_000, (login.expiresAt - login.obtainedAt) / 4);
  return now < login.expiresAt - margin;
}
