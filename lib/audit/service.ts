import "server-only";
import { prisma } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";

export type AuditAction =
  | "auth.signed_up"
  | "auth.signed_in"
  | "team.member_invited"
  | "team.invite_revoked"
  | "team.member_joined"
  | "team.member_removed"
  | "team.member_role_changed"
  | "application.created"
  | "application.renamed"
  | "application.deleted"
  | "registry.created"
  | "registry.updated"
  | "registry.secret_replaced"
  | "registry.deleted"
  | "registry.tested"
  | "customer.created"
  | "customer.updated"
  | "customer.revoked"
  | "customer.restored"
  | "customer.license_regenerated"
  | "oidc.thumbprint_refreshed";

export interface AuditActor {
  userId: string;
  email: string;
}

/**
 * Records who did what. `metadata` must never hold a secret: callers pass
 * names, IDs and outcomes only.
 */
export async function recordAuditEvent(
  teamId: string,
  actor: AuditActor | null,
  action: AuditAction,
  target?: { type: string; id: string },
  metadata: Record<string, Prisma.InputJsonValue | null> = {},
  client: Pick<typeof prisma, "auditEvent"> = prisma,
): Promise<string> {
  const event = await client.auditEvent.create({
    data: {
      teamId,
      actorUserId: actor?.userId ?? null,
      actorEmail: actor?.email ?? null,
      action,
      targetType: target?.type ?? null,
      targetId: target?.id ?? null,
      metadata,
    },
    select: { id: true },
  });
  return event.id;
}

/**
 * Adds the outcome to an event recorded when a long operation started (a
 * registry test is logged before it runs, so that it counts against the
 * team's rate limit even if it never finishes).
 */
export async function recordAuditOutcome(teamId: string, eventId: string, outcome: Record<string, Prisma.InputJsonValue | null>): Promise<void> {
  const event = await prisma.auditEvent.findFirst({ where: { id: eventId, teamId }, select: { metadata: true } });
  if (!event) return;
  const metadata = { ...(event.metadata as Record<string, Prisma.InputJsonValue | null>), ...outcome };
  await prisma.auditEvent.updateMany({ where: { id: eventId, teamId }, data: { metadata } });
}

// A registry test ends within 30 s; one still "started" long after that was
// interrupted (the process ended, or the database was unreachable when the
// outcome was to be recorded and stayed so).
export const INTERRUPTED_TEST_AFTER_MS = 5 * 60_000;

/** Finishes the team's registry tests that were left "started" as failed. */
export async function finishInterruptedTests(teamId: string, now = new Date()): Promise<number> {
  const startedBefore = new Date(now.getTime() - INTERRUPTED_TEST_AFTER_MS);
  const outcome = JSON.stringify({ outcome: "failed", failure: "The test was interrupted before its outcome could be recorded." });
  return prisma.$executeRaw`
    UPDATE "AuditEvent" SET metadata = metadata || ${outcome}::jsonb
    WHERE "teamId" = ${teamId} AND action = 'registry.tested' AND metadata->>'outcome' = 'started' AND "createdAt" < ${startedBefore}`;
}

export async function listAuditEvents(teamId: string, options: { take?: number; before?: Date } = {}) {
  await finishInterruptedTests(teamId);
  return prisma.auditEvent.findMany({
    where: { teamId, ...(options.before ? { createdAt: { lt: options.before } } : {}) },
    orderBy: { createdAt: "desc" },
    take: options.take ?? 100,
  });
}
