import { describe, expect, it } from "vitest";
import { currentKey, keyState, nextChangeAt, planMaintenance, type KeyTimes, type LifecyclePolicy, type MaintenanceMode } from "@/lib/oidc/key-lifecycle";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const policy: LifecyclePolicy = { rotationMs: 30 * DAY, nextKeyLeadMs: DAY, retiredMarginMs: HOUR, tokenLifetimeMs: 5 * 60_000 };
const t0 = new Date("2026-01-01T00:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

function apply(keys: KeyTimes[], now: Date, mode?: MaintenanceMode, overlapMs?: number): KeyTimes[] {
  const plan = planMaintenance(keys, now, policy, mode, { overlapMs });
  let next = keys.filter((key) => !plan.remove.includes(key.id)).map((key) => {
    const retire = plan.retire.find((r) => r.id === key.id);
    return retire ? { ...key, signsUntil: retire.signsUntil, publishedUntil: retire.publishedUntil } : key;
  });
  if (plan.create) next = [...next, { id: `k${keys.length + 1}-${now.getTime()}`, publishedAt: now, signsFrom: plan.create.signsFrom, signsUntil: null, publishedUntil: null }];
  return next;
}

describe("signing key lifecycle", () => {
  it("creates a first key that signs immediately", () => {
    const keys = apply([], t0);
    expect(keys).toHaveLength(1);
    expect(keyState(keys[0]!, t0)).toBe("current");
  });

  it("publishes the next key a full lead time before it signs, then retires and removes the old one", () => {
    let keys = apply([], t0);
    const first = keys[0]!;
    expect(apply(keys, at(28 * DAY))).toEqual(keys);
    keys = apply(keys, at(29 * DAY));
    expect(keys).toHaveLength(2);
    const second = keys[1]!;
    expect(keyState(second, at(29 * DAY))).toBe("next");
    expect(second.signsFrom.getTime() - second.publishedAt.getTime()).toBeGreaterThanOrEqual(DAY);
    expect(currentKey(keys, at(30 * DAY - 1))?.id).toBe(first.id);
    expect(currentKey(keys, at(30 * DAY))?.id).toBe(second.id);
    expect(keyState(keys.find((k) => k.id === first.id)!, at(30 * DAY + 10 * 60_000))).toBe("retired");
    const removal = keys.find((k) => k.id === first.id)!.publishedUntil!;
    expect(removal.getTime() - (30 * DAY + t0.getTime())).toBeGreaterThanOrEqual(policy.tokenLifetimeMs + HOUR);
    keys = apply(keys, new Date(removal.getTime() + 1));
    expect(keys.map((k) => k.id)).toEqual([second.id]);
  });

  it("has exactly one current key at every instant across many rotations", () => {
    let keys: KeyTimes[] = [];
    for (let hour = 0; hour < 200 * 24; hour += 7) {
      const now = at(hour * HOUR);
      keys = apply(keys, now);
      expect(keys.filter((k) => keyState(k, now) === "current")).toHaveLength(1);
      expect(keys.filter((k) => keyState(k, now) !== "removed").length).toBeLessThanOrEqual(3);
    }
  });

  it("a manual rotation still publishes the new key a full lead time before it signs", () => {
    const keys = apply(apply([], t0), at(2 * DAY), "rotate");
    expect(keys[1]!.signsFrom).toEqual(at(3 * DAY));
    expect(currentKey(keys, at(3 * DAY - 1))?.id).toBe(keys[0]!.id);
  });

  it("an emergency rotation replaces and unpublishes the current key at once", () => {
    const keys = apply(apply([], t0), at(2 * DAY), "emergency");
    const now = at(2 * DAY);
    expect(keyState(keys[0]!, now)).toBe("removed");
    expect(currentKey(keys, now)?.id).toBe(keys[1]!.id);
  });

  it("--next-now publishes a new key at once, signs with it after the overlap, and unpublishes the old key once its tokens expired", () => {
    const now = at(2 * DAY);
    const scheduled = apply(apply([], t0), at(29 * DAY));
    const keys = apply(scheduled, now, "next-now", 5 * 60_000);
    const [old, pending, fresh] = keys;
    expect(keyState(fresh!, now)).toBe("next");
    expect(currentKey(keys, at(2 * DAY + 5 * 60_000 - 1))?.id).toBe(old!.id);
    expect(currentKey(keys, at(2 * DAY + 5 * 60_000))?.id).toBe(fresh!.id);
    // The key scheduled earlier lives in the same database as the suspect one: unpublished at once, it never signs.
    expect(keyState(pending!, now)).toBe("removed");
    // The old key's last tokens (5 minutes) verify until they expire, plus a minute of clock skew; not an hour.
    expect(old!.publishedUntil).toEqual(at(2 * DAY + 5 * 60_000 + policy.tokenLifetimeMs + 60_000));
    expect(nextChangeAt(keys, now, policy)).toEqual(at(2 * DAY + 5 * 60_000));
  });

  it("names the next change: the instant the next key must be published", () => {
    const keys = apply([], t0);
    expect(nextChangeAt(keys, at(DAY), policy)).toEqual(at(29 * DAY));
  });
});
