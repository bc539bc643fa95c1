// A key change announced by another connection reaches this process's key
// snapshot without any invalidation by hand, and is acknowledged (real
// Postgres LISTEN/NOTIFY).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAckCollector } from "@/lib/oidc/key-change-acks";
import { getKeySnapshot, startKeyChangeListener, stopKeyChangeListener } from "@/lib/oidc/key-cache";
import { getLifecyclePolicy } from "@/lib/oidc/lifecycle-policy";
import { maintainSigningKeys } from "@/lib/oidc/signing-keys";
import { useIsolatedDatabase } from "@/test/support/isolated-database";

let databaseUrl: string;

beforeAll(async () => {
  databaseUrl = await useIsolatedDatabase("oidc_key_listener");
  await maintainSigningKeys(getLifecyclePolicy(), new Date());
  startKeyChangeListener();
});

afterAll(async () => {
  await stopKeyChangeListener();
});

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("key change announcements", () => {
  it("an emergency rotation is served and signed with at once, and the process acknowledges it", async () => {
    const before = await getKeySnapshot();
    const acks = await openAckCollector(databaseUrl);
    try {
      const listening = async () => {
        const probe = await openAckCollector(databaseUrl);
        await probe.close();
        return probe.listeners;
      };
      await eventually(listening, (count) => count === 1);
      const result = await maintainSigningKeys(getLifecyclePolicy(), new Date(), "emergency", { announcementId: "test-announcement" });
      const collected = await acks.collect("test-announcement", 10_000);
      expect(collected.listeners).toBe(1);
      expect(collected.acks).toHaveLength(1);
      expect(collected.acks[0]).toMatchObject({ id: "test-announcement", signingKid: result.created, publishedKids: [result.created] });
      // No invalidation by hand: the snapshot already moved on, keys published and signing together.
      const after = await getKeySnapshot();
      expect(after.signing?.kid).toBe(result.created);
      expect(after.publishedKids).toEqual([result.created]);
      expect(after.publishedKids).not.toContain(before.signing?.kid);
      expect(after.jwks.etag).not.toBe(before.jwks.etag);
    } finally {
      await acks.close();
    }
  });

  it("records the emergency in the key history with kid, reason and when caches expire", async () => {
    const { listKeyEvents } = await import("@/lib/oidc/key-events");
    const events = await listKeyEvents();
    const replaced = events.find((event) => event.action === "emergency_replaced");
    expect(replaced).toMatchObject({ reason: "emergency: key replaced and unpublished at once" });
    expect(Date.parse(replaced!.details.cachesExpireBy!)).toBeGreaterThan(Date.now() + 200_000);
    const created = events.find((event) => event.action === "created" && event.createdAt >= replaced!.createdAt);
    expect(events.find((event) => event.action === "promoted" && event.kid === created!.kid)).toBeDefined();
    expect(events.map((event) => event.action)).toContain("created");
  });
});
