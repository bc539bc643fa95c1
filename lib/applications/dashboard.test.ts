// The application overview's dashboard against a real Postgres: registries by
// derived status, customers by license state, 7 days of pulls, and nothing of
// another team or application.
import { beforeAll, describe, expect, it } from "vitest";
import { getApplicationDashboard } from "@/lib/applications/dashboard";
import { createApplication } from "@/lib/applications/service";
import { signUp } from "@/lib/auth/service";
import { ZCreateCustomerInput } from "@/lib/customers/schema";
import { createCustomer } from "@/lib/customers/service";
import { prisma } from "@/lib/db";
import { ZCreateRegistryInput } from "@/lib/registries/schema";
import { createRegistry } from "@/lib/registries/service";

const unique = () => Math.random().toString(36).slice(2, 10);
const DAY = 86_400_000;
const now = new Date();

async function vendor() {
  const email = `dash-${unique()}@example.com`;
  const { userId, teamId } = await signUp({ name: "Dash", email, password: "correct horse battery staple", teamName: `Dash ${unique()}` });
  const actor = { userId, email };
  const application = await createApplication(teamId, actor, { name: `Shop ${unique()}` });
  return { teamId, actor, application };
}

async function registry(teamId: string, actor: { userId: string; email: string }, account: string, state: Record<string, unknown>) {
  const created = await createRegistry(
    teamId,
    actor,
    ZCreateRegistryInput.parse({ provider: "ecr", name: `reg-${unique()}`, hostname: `${account}.dkr.ecr.eu-west-1.amazonaws.com`, authType: "iam_role", accessKeyId: "", secretAccessKey: "", roleArn: "PortalEcrPull", allApplications: true, applicationIds: [] }),
  );
  await prisma.registry.update({ where: { id: created.id }, data: state });
  return created;
}

describe("getApplicationDashboard", () => {
  let world: Awaited<ReturnType<typeof vendor>>;
  const ids = {} as Record<"failing" | "incomplete" | "verified" | "unsafe" | "soon" | "later" | "open", string>;

  beforeAll(async () => {
    world = await vendor();
    const { teamId, actor, application } = world;
    ids.failing = (await registry(teamId, actor, "111111111111", { testStatus: "failing", lastTestedAt: now, failingSince: now, verifiedAt: new Date(now.getTime() - DAY), lastTestError: "AccessDenied" })).id;
    ids.incomplete = (await registry(teamId, actor, "222222222222", { testStatus: "failing", lastTestedAt: now, failingSince: now, lastTestError: "No role" })).id;
    ids.verified = (await registry(teamId, actor, "333333333333", { testStatus: "verified", lastTestedAt: now, verifiedAt: now })).id;
    ids.unsafe = (await registry(teamId, actor, "444444444444", { testStatus: "unsafe", lastTestedAt: now })).id;
    const customer = (name: string, expiresOn: string) => createCustomer(teamId, actor, ZCreateCustomerInput.parse({ applicationId: application.id, name, email: "", expiresOn }));
    const inDays = (days: number) => new Date(now.getTime() + days * DAY).toISOString().slice(0, 10);
    ids.soon = (await customer("Soon GmbH", inDays(3))).customer.id;
    ids.later = (await customer("Later Inc", inDays(20))).customer.id;
    ids.open = (await customer("Open Ltd", "")).customer.id;
    const revoked = (await customer("Gone SA", "")).customer.id;
    await prisma.customer.update({ where: { id: revoked }, data: { revokedAt: now } });
    const event = (customerId: string, status: number, createdAt: Date, bytes = 0) => ({ teamId, applicationId: application.id, customerId, action: "manifest", method: "GET", status, bytes: BigInt(bytes), durationMs: 3, createdAt });
    await prisma.pullEvent.createMany({
      data: [
        event(ids.open, 200, now, 1000),
        event(ids.open, 200, new Date(now.getTime() - 2 * DAY), 500),
        event(ids.open, 200, new Date(now.getTime() - 9 * DAY), 500),
        ...Array.from({ length: 5 }, () => event(ids.later, 403, new Date(now.getTime() - 3_600_000))),
      ],
    });
    // Another team's registry and failures must not show.
    const other = await vendor();
    await registry(other.teamId, other.actor, "555555555555", { testStatus: "failing", lastTestedAt: now, verifiedAt: now, failingSince: now });
  });

  it("counts registries by derived status and customers by license state", async () => {
    const dashboard = await getApplicationDashboard(world.teamId, world.application, now);
    expect(dashboard.registries).toEqual({ total: 4, byStatus: { failing: 1, incomplete: 1, verified: 1, unsafe: 1 } });
    expect(dashboard.customers).toEqual({ active: 3, expiringSoon: 2, expired: 0, revoked: 1 });
  });

  it("sums 7 UTC days of pulls, days without traffic included, oldest first", async () => {
    const { pulls } = await getApplicationDashboard(world.teamId, world.application, now);
    expect(pulls).toHaveLength(7);
    expect(pulls.at(-1)).toEqual({ day: now.toISOString().slice(0, 10), pulls: 1, bytes: 1000 });
    expect(pulls.reduce((sum, day) => sum + day.pulls, 0)).toBe(2);
    expect(pulls.map((day) => day.day)).toEqual([...pulls.map((day) => day.day)].sort());
  });
});
