import "server-only";
// At most TESTS_PER_MINUTE registry tests per team per minute, across every
// portal process: the count and the audit event that claims a slot happen in
// one transaction under a per-team advisory lock, so concurrent clicks cannot
// all slip under the limit.
import { recordAuditEvent, type AuditActor } from "@/lib/audit/service";
import { prisma } from "@/lib/db";

export const TESTS_PER_MINUTE = 10;
const WINDOW_MS = 60_000;

export type TestSlot = { ok: true; auditEventId: string } | { ok: false; retryAfterSeconds: number };

export async function claimTestSlot(teamId: string, actor: AuditActor, registry: { id: string; label: string }, now = new Date()): Promise<TestSlot> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`registry-test:${teamId}`}, 0))`;
    const since = new Date(now.getTime() - WINDOW_MS);
    const recent = await tx.auditEvent.findMany({
      where: { teamId, action: "registry.tested", createdAt: { gte: since } },
      orderBy: { createdAt: "asc" },
      select: { createdAt: true },
      take: TESTS_PER_MINUTE,
    });
    if (recent.length >= TESTS_PER_MINUTE) {
      const oldest = recent[0]!.createdAt.getTime();
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + WINDOW_MS - now.getTime()) / 1000)) };
    }
    const auditEventId = await recordAuditEvent(teamId, actor, "registry.tested", { type: "registry", id: registry.id }, { registry: registry.label, outcome: "started" }, tx);
    return { ok: true, auditEventId };
  });
}
