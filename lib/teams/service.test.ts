import { describe, expect, it } from "vitest";
import { signUp, authenticateUser } from "@/lib/auth/service";
import { prisma } from "@/lib/db";
import { TEAM_PUBLIC_ID_PATTERN } from "@/lib/teams/public-id";
import { inviteMember } from "@/lib/teams/service";

const password = "a long enough passphrase";
const unique = () => Math.random().toString(36).slice(2, 10);

describe("sign-up and teams (real Postgres)", () => {
  it("creates a team with an opaque public ID and makes the creator its admin", async () => {
    const email = `admin-${unique()}@example.com`;
    const { userId, teamId } = await signUp({ name: "Ada", email, password, teamName: "Acme" });
    const team = await prisma.team.findUniqueOrThrow({ where: { id: teamId } });
    expect(team.publicId).toMatch(TEAM_PUBLIC_ID_PATTERN);
    const membership = await prisma.membership.findFirstOrThrow({ where: { userId, teamId } });
    expect(membership.role).toBe("ADMIN");
    const stored = await prisma.user.findUniqueOrThrow({ where: { id: userId }, omit: { passwordHash: false } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it("refuses to change a team's public ID, even with a direct update", async () => {
    const { teamId } = await signUp({ name: "Bo", email: `bo-${unique()}@example.com`, password, teamName: "Bo's" });
    await expect(prisma.team.update({ where: { id: teamId }, data: { publicId: "team_aaaaaaaaaaaaaaaaaaaaaaaaaa" } })).rejects.toThrow(/immutable/);
  });

  it("rejects a duplicate email with a message for the email field", async () => {
    const email = `dup-${unique()}@example.com`;
    await signUp({ name: "One", email, password, teamName: "One" });
    await expect(signUp({ name: "Two", email, password, teamName: "Two" })).rejects.toMatchObject({
      code: "email_taken",
      fieldErrors: { email: "This email already has an account." },
    });
  });

  it("authenticates the right password only", async () => {
    const email = `auth-${unique()}@example.com`;
    await signUp({ name: "Cy", email, password, teamName: "Cy" });
    expect(await authenticateUser(email, password, "203.0.113.1")).toMatchObject({ email });
    expect(await authenticateUser(email.toUpperCase(), password, "203.0.113.1")).toMatchObject({ email });
    expect(await authenticateUser(email, "wrong password!!", "203.0.113.1")).toBeNull();
    expect(await authenticateUser(`nobody-${unique()}@example.com`, password, "203.0.113.1")).toBeNull();
  });

  it("joins the inviting team with the invited role instead of creating a team", async () => {
    const admin = await signUp({ name: "Di", email: `di-${unique()}@example.com`, password, teamName: "Di" });
    const email = `viewer-${unique()}@example.com`;
    const invite = await inviteMember(admin.teamId, { userId: admin.userId, email: "di@example.com" }, { email, role: "VIEWER" });
    const joined = await signUp({ name: "Vi", email, password, teamName: "ignored", inviteToken: invite.token });
    expect(joined.teamId).toBe(admin.teamId);
    const membership = await prisma.membership.findFirstOrThrow({ where: { userId: joined.userId } });
    expect(membership.role).toBe("VIEWER");
    await expect(signUp({ name: "Again", email: `x-${unique()}@example.com`, password, teamName: "x", inviteToken: invite.token })).rejects.toMatchObject({ code: "invite_invalid" });
  });
});
