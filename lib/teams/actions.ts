"use server";
import { cookies, headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actorOf, parseInput, requireActionSession } from "@/lib/auth/permissions";
import { CURRENT_TEAM_COOKIE, getSignedInUser, teamCookieOptions } from "@/lib/auth/session";
import { INVITE_ACCEPT_ADDRESS_LIMIT, SIGN_UP_ADDRESS_LIMIT, throttleByAddress } from "@/lib/auth/throttles";
import { clientAddressFromHeaders } from "@/lib/http/client-address";
import { NOT_FOUND, UserFacingError, runAction, type ActionResult } from "@/lib/http/result";
import { ZChangeRoleInput, ZCreateTeamInput, ZInviteMemberInput } from "@/lib/teams/schema";
import { acceptInvite, changeMemberRole, createTeam, inviteMember, removeMember, revokeInvite } from "@/lib/teams/service";

const ZId = z.string().min(1).max(64);

export async function inviteMemberAction(input: unknown): Promise<ActionResult<{ inviteUrlPath: string; email: string; emailed: boolean }>> {
  return runAction("inviteMember", async () => {
    const session = await requireActionSession("ADMIN", "invite members");
    const invite = await inviteMember(session.team.id, actorOf(session), parseInput(ZInviteMemberInput, input));
    revalidatePath("/team/members");
    return { inviteUrlPath: `/invite/${invite.token}`, email: invite.email, emailed: invite.emailed };
  });
}

export async function revokeInviteAction(input: unknown): Promise<ActionResult<null>> {
  return runAction("revokeInvite", async () => {
    const session = await requireActionSession("ADMIN", "revoke invites");
    await revokeInvite(session.team.id, actorOf(session), parseInput(z.object({ inviteId: ZId }), input).inviteId);
    revalidatePath("/team/members");
    return null;
  });
}

export async function changeMemberRoleAction(input: unknown): Promise<ActionResult<null>> {
  return runAction("changeMemberRole", async () => {
    const session = await requireActionSession("ADMIN", "change roles");
    await changeMemberRole(session.team.id, actorOf(session), parseInput(ZChangeRoleInput, input));
    revalidatePath("/team/members");
    return null;
  });
}

export async function removeMemberAction(input: unknown): Promise<ActionResult<null>> {
  return runAction("removeMember", async () => {
    const session = await requireActionSession("ADMIN", "remove members");
    await removeMember(session.team.id, actorOf(session), parseInput(z.object({ membershipId: ZId }), input).membershipId);
    revalidatePath("/team/members");
    return null;
  });
}

export async function acceptInviteAction(input: unknown): Promise<ActionResult<null>> {
  return runAction("acceptInvite", async () => {
    // A user without a team (removed from every one) may accept an invite too.
    const user = await getSignedInUser();
    if (!user) throw new UserFacingError("session_expired", "Sign in first, then open the invite link again.");
    const { token } = parseInput(z.object({ token: z.string().min(1).max(200) }), input);
    await throttleByAddress(INVITE_ACCEPT_ADDRESS_LIMIT, clientAddressFromHeaders(await headers()), "Too many invites were accepted from your network.");
    const { teamId } = await acceptInvite(token, { userId: user.id, email: user.email });
    (await cookies()).set(CURRENT_TEAM_COOKIE, teamId, teamCookieOptions());
    return null;
  });
}

/** Creates a team with the signed-in user as its admin, and makes it the current team. */
export async function createTeamAction(input: unknown): Promise<ActionResult<null>> {
  return runAction("createTeam", async () => {
    const user = await getSignedInUser();
    if (!user) throw new UserFacingError("session_expired", "Your session has expired. Sign in again to continue.");
    const parsed = parseInput(ZCreateTeamInput, input);
    await throttleByAddress(SIGN_UP_ADDRESS_LIMIT, clientAddressFromHeaders(await headers()), "Too many teams were created from your network.");
    const { teamId } = await createTeam({ userId: user.id, email: user.email }, parsed);
    (await cookies()).set(CURRENT_TEAM_COOKIE, teamId, teamCookieOptions());
    return null;
  });
}

/** Switches the current team; only to a team the user belongs to. */
export async function switchTeamAction(input: unknown): Promise<ActionResult<null>> {
  return runAction("switchTeam", async () => {
    const session = await requireActionSession("VIEWER", "switch teams");
    const { teamId } = parseInput(z.object({ teamId: ZId }), input);
    if (!session.memberships.some((m) => m.teamId === teamId)) throw NOT_FOUND();
    (await cookies()).set(CURRENT_TEAM_COOKIE, teamId, teamCookieOptions());
    revalidatePath("/", "layout");
    return null;
  });
}
