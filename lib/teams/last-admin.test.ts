// Two admins demoting or removing each other at the same moment must leave
// the team with an admin: one change wins, the other is refused.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signUp } from "@/lib/auth/service";
import { prisma } from "@/lib/db";
import { changeMemberRole, inviteMember, removeMember } from "@/lib/teams/service";

const PASSWORD = "a long enough passphrase";

async function teamWithTwoAdmins() {
  const first = await signUp({ name: "A", email: `a-${randomUUID().slice(0, 8)}@example.com`, password: PASSWORD, teamName: "Race" });
  const actorA = { userId: first.userId, email: "a@example.com" };
  const email = `b-${randomUUID().slice(0, 8)}@example.com`;
  const invite = await inviteMember(first.teamId, actorA, { email, role: "ADMIN" });
  const second = await signUp({ name: "B", email, password: PASSWORD, teamName: "x", inviteToken: invite.token });
  const memberships = await prisma.membership.findMany({ where: { teamId: first.teamId }, select: { id: true, userId: true } });
  const a = memberships.find((m) => m.userId === first.userId)!;
  const b = memberships.find((m) => m.userId === second.userId)!;
  return { teamId: first.teamId, a: { ...a, actor: actorA }, b: { ...b, actor: { userId: second.userId, email } } };
}

const adminCount = (teamId: string) => prisma.membership.count({ where: { teamId, role: "ADMIN" } });

describe("the last admin", () => {
  it("survives two admins demoting each other at the same moment", async () => {
    for (let trial = 0; trial < 8; trial++) {
      const { teamId, a, b } = await teamWithTwoAdmins();
      const outcomes = await Promise.allSettled([
        changeMemberRole(teamId, a.actor, { membershipId: b.id, role: "MEMBER" }),
        changeMemberRole(teamId, b.actor, { membershipId: a.id, role: "MEMBER" }),
      ]);
      expect(await adminCount(teamId)).toBe(1);
      expect(outcomes.filter((o) => o.status === "rejected").map((o) => (o as PromiseRejectedResult).reason)).toEqual([expect.objectContaining({ code: "last_admin" })]);
    }
  });

  it("survives two admins removing each other at the same moment", async () => {
    for (let trial = 0; trial < 8; trial++) {
      const { teamId, a, b } = await teamWithTwoAdmins();
      await Promise.allSettled([removeMember(teamId, a.actor, b.id), removeMember(teamId, b.actor, a.id)]);
      expect(await adminCount(teamId)).toBe(1);
      expect(await prisma.membership.count({ where: { teamId } })).toBe(1);
    }
  });

  it("survives one admin demoting while the other removes", async () => {
    for (let trial = 0; trial < 8; trial++) {
      const { teamId, a, b } = await teamWithTwoAdmins();
      await Promise.allSettled([changeMemberRole(teamId, a.actor, { membershipId: b.id, role: "VIEWER" }), removeMember(teamId, b.actor, a.id)]);
      expect(await adminCount(teamId)).toBe(1);
    }
  });
});
