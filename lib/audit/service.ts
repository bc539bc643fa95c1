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
  | "oidc.key_rotated"
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
): Promise<void> {
  await client.auditEvent.create({
    data: {
      teamId,
      actorUserId: actor?.userId ?? null,
      actorEmail: actor?.email ?? null,
      action,
      targetType: target?.type ?? null,
      targetId: target?.id ?? null,
      metadata,
    },
  });
}

export async function listAuditEvents(teamId: string, options: { take?: number; before?: Date } = {}) {
  return prisma.auditEvent.findMany({
    where: { teamId, ...(options.before ? { createdAt: { lt: options.before } } : {}) },
    orderBy: { createdAt: "desc" },
    take: options.take ?? 100,
  });
}

export async function countRecentAuditEvents(teamId: string, action: AuditAction, since: Date): Promise<number> {
  return prisma.auditEvent.count({ where: { teamId, action, createdAt: { gte: since } } });
}
