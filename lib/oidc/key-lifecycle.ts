// The life of a signing key, decided from its timestamps alone so that every
// portal process reaches the same answer from the same rows:
//   next     published, not yet signing (at least OIDC_NEXT_KEY_LEAD_HOURS)
//   current  signing (exactly one at any instant)
//   retired  no longer signing, still published until every token it signed
//            has expired plus a margin
//   removed  unpublished and deleted
export interface KeyTimes {
  id: string;
  publishedAt: Date;
  signsFrom: Date;
  signsUntil: Date | null;
  publishedUntil: Date | null;
}

export interface LifecyclePolicy {
  rotationMs: number;
  nextKeyLeadMs: number;
  retiredMarginMs: number;
  tokenLifetimeMs: number;
}

export type KeyState = "next" | "current" | "retired" | "removed";

export function keyState(key: KeyTimes, now: Date): KeyState {
  if (key.publishedUntil && key.publishedUntil <= now) return "removed";
  if (key.signsFrom > now) return "next";
  if (key.signsUntil && key.signsUntil <= now) return "retired";
  return "current";
}

export function currentKey<T extends KeyTimes>(keys: readonly T[], now: Date): T | undefined {
  return keys.filter((key) => keyState(key, now) === "current").sort((a, b) => b.signsFrom.getTime() - a.signsFrom.getTime())[0];
}

export interface MaintenancePlan {
  /** A key to create, signing from this instant (now for the first key). */
  create: { signsFrom: Date } | null;
  /** Keys whose signing ends when the new key starts; `replaced` keys are unpublished at once (a leak). */
  retire: { id: string; signsUntil: Date; publishedUntil: Date; replaced: boolean }[];
  /** Keys past their published-until time, to delete. */
  remove: string[];
}

/**
 * "scheduled" rotates when the current key's period is up; "rotate" schedules
 * the next key now (still published a full lead time before it signs);
 * "next-now" (a suspected leak) publishes a new key now and makes it sign
 * after `overlapMs`, the old key staying published only until the tokens it
 * signed have expired; "emergency" (a confirmed leak) replaces the current
 * key at once and unpublishes it, so tokens it signed stop verifying.
 */
export type MaintenanceMode = "scheduled" | "rotate" | "next-now" | "emergency";

/** Clock skew allowed to verifiers when a suspected-leak key is unpublished. */
const NEXT_NOW_SKEW_MS = 60_000;

export function planMaintenance(keys: readonly KeyTimes[], now: Date, policy: LifecyclePolicy, mode: MaintenanceMode = "scheduled", options: { overlapMs?: number } = {}): MaintenancePlan {
  const remove = keys.filter((key) => keyState(key, now) === "removed").map((key) => key.id);
  const current = currentKey(keys, now);
  const pending = keys.filter((key) => keyState(key, now) === "next");

  if (!current || mode === "emergency") {
    const retire = current ? [{ id: current.id, signsUntil: now, publishedUntil: now, replaced: true }] : [];
    // Pending keys would otherwise start signing later and overlap the new one.
    const retirePending = pending.map((key) => ({ id: key.id, signsUntil: now, publishedUntil: now, replaced: true }));
    return { create: { signsFrom: now }, retire: [...retire, ...retirePending], remove };
  }
  if (mode === "next-now") {
    // A pending key lives in the same database as the suspect one: replace it too (it never signed).
    const signsFrom = new Date(now.getTime() + Math.max(0, options.overlapMs ?? 0));
    const publishedUntil = new Date(signsFrom.getTime() + policy.tokenLifetimeMs + NEXT_NOW_SKEW_MS);
    const retirePending = pending.map((key) => ({ id: key.id, signsUntil: now, publishedUntil: now, replaced: true }));
    return { create: { signsFrom }, retire: [{ id: current.id, signsUntil: signsFrom, publishedUntil, replaced: false }, ...retirePending], remove };
  }
  if (pending.length > 0) return { create: null, retire: [], remove };

  const due = new Date(current.signsFrom.getTime() + policy.rotationMs - policy.nextKeyLeadMs);
  if (mode === "scheduled" && now < due) return { create: null, retire: [], remove };

  const signsFrom = new Date(Math.max(now.getTime() + policy.nextKeyLeadMs, mode === "rotate" ? 0 : current.signsFrom.getTime() + policy.rotationMs));
  const publishedUntil = new Date(signsFrom.getTime() + policy.tokenLifetimeMs + policy.retiredMarginMs);
  return { create: { signsFrom }, retire: [{ id: current.id, signsUntil: signsFrom, publishedUntil, replaced: false }], remove };
}

/** The next instant at which the published set or the signing key changes. */
export function nextChangeAt(keys: readonly KeyTimes[], now: Date, policy: LifecyclePolicy): Date {
  const candidates: number[] = [];
  for (const key of keys) {
    for (const time of [key.publishedAt, key.signsFrom, key.signsUntil, key.publishedUntil]) {
      if (time && time > now) candidates.push(time.getTime());
    }
  }
  const current = currentKey(keys, now);
  const hasPending = keys.some((key) => keyState(key, now) === "next");
  if (current && !hasPending) candidates.push(Math.max(now.getTime() + 1000, current.signsFrom.getTime() + policy.rotationMs - policy.nextKeyLeadMs));
  return new Date(candidates.length > 0 ? Math.min(...candidates) : now.getTime() + policy.rotationMs);
}
