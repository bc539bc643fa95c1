import "server-only";
import { prisma } from "@/lib/db";
import { keysetQuery, toPage, type PageRequest } from "@/lib/db/pagination";
import type { Prisma } from "@/lib/generated/prisma/client";
import { auditDateRange, type TAuditListQuery } from "@/lib/audit/list-query";
import { pageWindow } from "@/lib/lists/search-params";

export { AUDIT_ACTIONS, type AuditAction } from "@/lib/audit/actions";
import type { AuditAction } from "@/lib/audit/actions";

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


function auditWhere(teamId: string, query: TAuditListQuery): Prisma.AuditEventWhereInput {
  const where: Prisma.AuditEventWhereInput = { teamId };
  if (query.actor === "system") Object.assign(where, { actorUserId: null, actorTokenId: null });
  else if (query.actor.startsWith("user:")) where.actorUserId = query.actor.slice(5);
  else if (query.actor.startsWith("token:")) where.actorTokenId = query.actor.slice(6);
  if (query.action) where.action = query.action;
  if (query.target) where.targetType = query.target;
  if (query.targetId) where.targetId = query.targetId;
  const range = auditDateRange(query);
  if (range.gte || range.lt) where.createdAt = range;
  return where;
}

/** One page of the audit log page, newest first, with the same filters as the CSV export. */
export async function searchAuditEvents(teamId: string, query: TAuditListQuery) {
  await finishInterruptedTests(teamId);
  const where = auditWhere(teamId, query);
  const total = await prisma.auditEvent.count({ where });
  const window = pageWindow(query.page, total);
  const items = await prisma.auditEvent.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: window.skip, take: window.take, select: AUDIT_EVENT_FIELDS });
  return { items, page: window };
}

export type AuditEventRecord = Awaited<ReturnType<typeof searchAuditEvents>>["items"][number];

/**
 * Every event the filters match, newest first, in keyset batches: for the
 * CSV export, which streams them without holding them all in memory.
 */
export async function* auditEventBatches(teamId: string, query: TAuditListQuery, batchSize = 500): AsyncGenerator<AuditEventRecord[]> {
  const where = auditWhere(teamId, query);
  let cursor: string | undefined;
  for (;;) {
    const keyset = keysetQuery({ limit: batchSize, cursor }, "desc");
    const rows = await prisma.auditEvent.findMany({ where: { AND: [where, keyset.where] }, orderBy: keyset.orderBy, take: keyset.take, select: AUDIT_EVENT_FIELDS });
    const page = toPage(rows, { limit: batchSize, cursor });
    if (page.items.length > 0) yield page.items;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}

/**
 * Who may appear in the actor filter: everyone who acted in the team (former
 * members too, by the email they had), its API tokens, and the portal itself.
 */
export async function listAuditActors(teamId: string) {
  const [people, tokens] = await Promise.all([
    prisma.auditEvent.groupBy({ by: ["actorUserId", "actorEmail"], where: { teamId, actorUserId: { not: null } }, orderBy: { actorEmail: "asc" } }),
    prisma.apiToken.findMany({ where: { teamId }, select: { id: true, name: true }, orderBy: { createdAt: "asc" } }),
  ]);
  const seen = new Set<string>();
  const options: { value: string; label: string }[] = [];
  for (const person of people) {
    if (!person.actorUserId || seen.has(person.actorUserId)) continue;
    seen.add(person.actorUserId);
    options.push({ value: `user:${person.actorUserId}`, label: person.actorEmail ?? person.actorUserId });
  }
  for (const token of tokens) options.push({ value: `token:${token.id}`, label: `API token “${token.name}”` });
  options.push({ value: "system", label: "System (the portal itself)" });
  return options;
}
