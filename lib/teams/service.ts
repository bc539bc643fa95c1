import "server-only";
import { recordAuditEvent, type UserActor } from "@/lib/audit/service";
import { endAllSessions } from "@/lib/auth/session-version";
import { prisma } from "@/lib/db";
import { NOT_FOUND, UserFacingError } from "@/lib/http/result";
import { INVITE_LIFETIME_MS, findUsableInvite, newInviteToken } from "@/lib/teams/invites";
import { sendInviteEmail } from "@/lib/notifications/invite-email";
import { generateTeamPublicId } from "@/lib/teams/public-id";
import type { TChangeRoleInput, TCreateTeamInput, TInviteMemberInput } from "@/lib/teams/schema";
import type { Prisma } from "@/lib/generated/prisma/client";
import { pageWindow } from "@/lib/lists/search-params";
import type { TMemberListQuery } from "@/lib/teams/list-query";

/** One page of the members list (lib/teams/list-query.ts). */
export async function searchMembers(teamId: string, query: TMemberListQuery) {
  const where: Prisma.MembershipWhereInput = { teamId };
  if (query.q) where.user = { OR: [{ name: { contains: query.q, mode: "insensitive" } }, { email: { contains: query.q, mode: "insensitive" } }] };
  if (query.role) where.role = query.role;
  const dir = query.dir;
  const orderBy: Prisma.MembershipOrderByWithRelationInput[] =
    query.sort === "name" ? [{ user: { name: dir } }, { id: dir }] : query.sort === "email" ? [{ user: { email: dir } }, { id: dir }] : [{ createdAt: dir }, { id: dir }];
  const total = await prisma.membership.count({ where });
  const window = pageWindow(query.page, total);
  const items = await prisma.membership.findMany({ where, orderBy, skip: window.skip, take: window.take, select: { id: true, role: true, createdAt: true, user: { select: { id: true, email: true, name: true } } } });
  return { items, page: window };
}

export async function listPendingInvites(teamId: string) {
  return prisma.invite.findMany({
    where: { teamId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "desc" },
    select: { id: true, email: true, role: true, createdAt: true, expiresAt: true },
  });
}

/** Creates an invite; the returned token goes into the link shown once to the admin. */
export async function inviteMember(teamId: string, actor: UserActor, input: TInviteMemberInput) {
  const existing = await prisma.membership.findFirst({ where: { teamId, user: { email: input.email } }, select: { id: true } });
  if (existing) throw new UserFacingError("already_member", `${input.email} is already in this team.`, { email: "Already a member of this team." });
  const { token, tokenHash } = newInviteToken();
  const invite = await prisma.invite.create({
    data: { teamId, email: input.email, role: input.role, tokenHash, createdById: actor.userId, expiresAt: new Date(Date.now() + INVITE_LIFETIME_MS) },
    select: { id: true, email: true, role: true, expiresAt: true },
  });
  await recordAuditEvent(teamId, actor, "team.member_invited", { type: "invite", id: invite.id }, { email: invite.email, role: invite.role });
  const team = await prisma.team.findUniqueOrThrow({ where: { id: teamId }, select: { name: true } });
  const emailed = await sendInviteEmail({ ...invite, token }, team.name, actor);
  return { ...invite, token, emailed };
}

export async function revokeInvite(teamId: string, actor: UserActor, inviteId: string) {
  const revoked = await prisma.invite.updateMany({ where: { id: inviteId, teamId, acceptedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
  if (revoked.count === 0) throw NOT_FOUND();
  await recordAuditEvent(teamId, actor, "team.invite_revoked", { type: "invite", id: inviteId });
}

/** A new team with the signed-in user as its admin (e.g. a user removed from every team starting again). */
export async function createTeam(user: UserActor, input: TCreateTeamInput): Promise<{ teamId: string }> {
  return prisma.$transaction(async (tx) => {
    const team = await tx.team.create({ data: { name: input.teamName, publicId: generateTeamPublicId() }, select: { id: true } });
    await tx.membership.create({ data: { userId: user.userId, teamId: team.id, role: "ADMIN" } });
    await recordAuditEvent(team.id, user, "team.created", { type: "team", id: team.id }, {}, tx);
    return { teamId: team.id };
  });
}

/** Invites addressed to `email` that can still be accepted (with the link from the invitation). */
export async function listOpenInvitesFor(email: string) {
  return prisma.invite.findMany({
    where: { email, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    select: { id: true, role: true, expiresAt: true, team: { select: { name: true } } },
    orderBy: { createdAt: "desc" },
    take: 20,
  });
}

/** A signed-in user accepts an invite addressed to their email. */
export async function acceptInvite(token: string, user: UserActor): Promise<{ teamId: string }> {
  const invite = await findUsableInvite(token);
  if (!invite) throw new UserFacingError("invite_invalid", "This invite link is invalid, expired or already used. Ask your team admin for a new one.");
  if (invite.email !== user.email) throw new UserFacingError("invite_email_mismatch", `This invite is for ${invite.email}, but you are signed in as ${user.email}.`);
  await prisma.$transaction(async (tx) => {
    const accepted = await tx.invite.updateMany({ where: { id: invite.id, teamId: invite.teamId, acceptedAt: null }, data: { acceptedAt: new Date() } });
    if (accepted.count !== 1) throw new UserFacingError("invite_invalid", "This invite was already used.");
    await tx.membership.upsert({
      where: { userId_teamId: { userId: user.userId, teamId: invite.teamId } },
      create: { userId: user.userId, teamId: invite.teamId, role: invite.role },
      update: {},
    });
    await recordAuditEvent(invite.teamId, user, "team.member_joined", { type: "user", id: user.userId }, { role: invite.role }, tx);
  });
  return { teamId: invite.teamId };
}

export async function changeMemberRole(teamId: string, actor: UserActor, input: TChangeRoleInput) {
  await prisma.$transaction(async (tx) => {
    await lockTeamMemberships(tx, teamId);
    const membership = await tx.membership.findFirst({ where: { id: input.membershipId, teamId }, select: { id: true, role: true, userId: true } });
    if (!membership) throw NOT_FOUND();
    if (membership.role === "ADMIN" && input.role !== "ADMIN") await assertAnotherAdmin(tx, teamId, membership.id);
    await tx.membership.update({ where: { id: membership.id }, data: { role: input.role } });
    await recordAuditEvent(teamId, actor, "team.member_role_changed", { type: "user", id: membership.userId }, { from: membership.role, to: input.role }, tx);
  });
}

export async function removeMember(teamId: string, actor: UserActor, membershipId: string) {
  await prisma.$transaction(async (tx) => {
    await lockTeamMemberships(tx, teamId);
    const membership = await tx.membership.findFirst({ where: { id: membershipId, teamId }, select: { id: true, role: true, userId: true, user: { select: { email: true } } } });
    if (!membership) throw NOT_FOUND();
    if (membership.role === "ADMIN") await assertAnotherAdmin(tx, teamId, membership.id);
    await tx.membership.delete({ where: { id: membership.id } });
    // Sessions the removed user holds end now, not when their cookie expires.
    await endAllSessions(membership.userId, tx);
    await recordAuditEvent(teamId, actor, "team.member_removed", { type: "user", id: membership.userId }, { email: membership.user.email }, tx);
  });
}

/**
 * Two admins demoting or removing each other at the same moment would each
 * see the other still an admin and leave the team with none. Every change
 * that can remove an admin first locks the team's memberships (in one order,
 * so two changes never deadlock); the second waits and then sees the first.
 */
async function lockTeamMemberships(tx: Pick<typeof prisma, "$queryRaw">, teamId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Membership" WHERE "teamId" = ${teamId} ORDER BY id FOR UPDATE`;
}

async function assertAnotherAdmin(tx: Pick<typeof prisma, "membership">, teamId: string, exceptMembershipId: string) {
  const admins = await tx.membership.count({ where: { teamId, role: "ADMIN", id: { not: exceptMembershipId } } });
  if (admins === 0) throw new UserFacingError("last_admin", "A team needs at least one admin. Make someone else an admin first.");
}
