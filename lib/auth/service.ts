import "server-only";
import { recordAuditEvent } from "@/lib/audit/service";
import { deviceCookieAfterSignIn, trustedDeviceFor } from "@/lib/auth/device-cookie";
import { decoyPasswordHash, hashPassword, verifyPassword } from "@/lib/auth/password";
import { ZSignInInput, type TSignUpInput } from "@/lib/auth/schema";
import { prisma } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { UserFacingError } from "@/lib/http/result";
import { claimSignInAttempt } from "@/lib/auth/throttles";
import { generateTeamPublicId } from "@/lib/teams/public-id";
import { findUsableInvite } from "@/lib/teams/invites";

/** Creates the user, and either their own team (as admin) or joins the invited team. */
export async function signUp(input: TSignUpInput): Promise<{ userId: string; teamId: string }> {
  const passwordHash = await hashPassword(input.password);
  const invite = input.inviteToken ? await findUsableInvite(input.inviteToken) : null;
  if (input.inviteToken && !invite) {
    throw new UserFacingError("invite_invalid", "This invite link is invalid, expired or already used. Ask your team admin for a new one.");
  }
  if (invite && invite.email !== input.email) {
    throw new UserFacingError("invite_email_mismatch", `This invite is for ${invite.email}. Sign up with that address.`, {
      email: `This invite is for ${invite.email}.`,
    });
  }
  try {
    return await prisma.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { email: input.email, name: input.name, passwordHash } });
      const actor = { userId: user.id, email: user.email };
      if (invite) {
        const accepted = await tx.invite.updateMany({ where: { id: invite.id, teamId: invite.teamId, acceptedAt: null }, data: { acceptedAt: new Date() } });
        if (accepted.count !== 1) throw new UserFacingError("invite_invalid", "This invite was already used. Ask your team admin for a new one.");
        await tx.membership.create({ data: { userId: user.id, teamId: invite.teamId, role: invite.role } });
        await recordAuditEvent(invite.teamId, actor, "team.member_joined", { type: "user", id: user.id }, { role: invite.role }, tx);
        return { userId: user.id, teamId: invite.teamId };
      }
      const team = await tx.team.create({ data: { name: input.teamName, publicId: generateTeamPublicId() } });
      await tx.membership.create({ data: { userId: user.id, teamId: team.id, role: "ADMIN" } });
      await recordAuditEvent(team.id, actor, "auth.signed_up", { type: "team", id: team.id }, {}, tx);
      return { userId: user.id, teamId: team.id };
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new UserFacingError("email_taken", "An account with this email already exists. Sign in instead.", {
        email: "This email already has an account.",
      });
    }
    throw error;
  }
}

/**
 * The user for these credentials, or null; takes the same time for an unknown
 * email. Throws ThrottledError, without checking the password, when a sign-in
 * limit applies (lib/auth/throttles.ts). `deviceCookie` is the browser's
 * device cookie; on success the user comes with its renewed value.
 */
export async function authenticateUser(email: string, password: string, clientAddress: string, deviceCookie?: string) {
  const parsed = ZSignInInput.safeParse({ email, password });
  if (!parsed.success) return null;
  const user = await prisma.user.findUnique({
    where: { email: parsed.data.email },
    omit: { passwordHash: false },
    include: { memberships: { select: { teamId: true } } },
  });
  const attempt = await claimSignInAttempt(parsed.data.email, clientAddress, user ? trustedDeviceFor(deviceCookie, user.id) : null);
  const valid = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), parsed.data.password);
  if (!user || !valid) return null;
  await attempt.succeeded();
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    sessionVersion: user.sessionVersion,
    teamIds: user.memberships.map((m) => m.teamId),
    deviceCookie: deviceCookieAfterSignIn(deviceCookie, user.id),
  };
}
