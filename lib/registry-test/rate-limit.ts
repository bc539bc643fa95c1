import "server-only";
// At most TESTS_PER_MINUTE registry tests per team per minute, across every
// portal process (lib/rate-limit). A claimed slot is recorded in the audit
// log as "started" before the test runs, so it counts even if it never ends.
import { finishInterruptedTests, recordAuditEvent, type AuditActor } from "@/lib/audit/service";
import { consumeRateLimit, refundRateLimitHit, type RateLimit } from "@/lib/rate-limit/rate-limit";

export const TESTS_PER_MINUTE = 10;
export const REGISTRY_TEST_LIMIT: RateLimit = { name: "registry-test-team", limit: TESTS_PER_MINUTE, windowSeconds: 60 };

/** Who started a test: a person or API token ("manual"), or the scheduled re-test. */
export type TestTrigger = "manual" | "scheduled";

export type TestSlot = { ok: true; auditEventId: string } | { ok: false; retryAfterSeconds: number };

/** `actor` null: the portal itself (the scheduled re-test), shown as "System" in the audit log. */
export async function claimTestSlot(teamId: string, actor: AuditActor | null, registry: { id: string; label: string }, now = new Date(), trigger: TestTrigger = "manual"): Promise<TestSlot> {
  const decision = await consumeRateLimit(REGISTRY_TEST_LIMIT, teamId, now);
  if (!decision.allowed) return { ok: false, retryAfterSeconds: decision.retryAfterSeconds };
  try {
    await finishInterruptedTests(teamId, now);
    const auditEventId = await recordAuditEvent(teamId, actor, "registry.tested", { type: "registry", id: registry.id }, { registry: registry.label, outcome: "started", ...(trigger === "scheduled" ? { trigger } : {}) });
    return { ok: true, auditEventId };
  } catch (error) {
    await refundRateLimitHit(decision.hit).catch(() => {});
    throw error;
  }
}
