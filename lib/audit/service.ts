import "server-only";
import { prisma } from "@/lib/db";
import { keysetQuery, toPage, type PageRequest } from "@/lib/db/pagination";
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
  | "oidc.thumbprint_refreshed"
  | "api_token.created"
  | "api_token.revoked"
  | "api.request";

/** A signed-in person. */
export interface UserActor {
  userId: string;
  email: string;
}

/** An API token (lib/api-tokens), acting on its own behalf. */
export interface TokenActor {
  tokenId: string;
  tokenName: string;
}

/** Who did something: a person in the portal, or an API token. */
export type AuditActor = UserActor | TokenActor;

export function isTokenActor(actor: AuditActor): actor is TokenActor {
  return "tokenId" in actor;
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
      actorUserId: actor && !isTokenActor(actor) ? actor.userId : null,
      actorEmail: actor && !isTokenActor(actor) ? actor.email : null,
      actorTokenId: actor && isTokenActor(actor) ? actor.tokenId : null,
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
const AUDIT_EVENT_FIELDS = {
  id: true,
  createdAt: true,
  actorUserId: true,
  actorEmail: true,
  actorTokenId: true,
  actorToken: { select: { name: true } },
  action: true,
  targetType: true,
  targetId: true,
  metadata: true,
} as const satisfies Prisma.AuditEventSelect;

export async function listAuditEvents(teamId: string, options: { take?: number; before?: Date } = {}) {
  await finishInterruptedTests(teamId);
  return prisma.auditEvent.findMany({
    where: { teamId, ...(options.before ? { createdAt: { lt: options.before } } : {}) },
    orderBy: { createdAt: "desc" },
    take: options.take ?? 100,
    select: AUDIT_EVENT_FIELDS,
  });
}

/** One page of the team's audit events, newest first (the API's list). */
export async function listAuditEventsPage(teamId: string, page: PageRequest) {
  const query = keysetQuery(page, "desc");
  const rows = await prisma.auditEvent.findMany({ where: { teamId, ...query.where }, orderBy: query.orderBy, take: query.take, select: AUDIT_EVENT_FIELDS });
  return toPage(rows, page);
}

