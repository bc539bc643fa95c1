// The scheduled re-test against a real Postgres and the local AWS: processes
// racing for the same due registries test each once, a registry that stops
// working flips to failing with when and why, and what is not due is left alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp } from "@/lib/auth/service";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { claimDueRetests, runRetestTick, RETESTS_PER_TEAM_PER_TICK } from "@/lib/registries/retest-scheduler";
import { ZCreateRegistryInput } from "@/lib/registries/schema";
import { createRegistry, getRegistry } from "@/lib/registries/service";
import { testRegistry } from "@/lib/registry-test/service";
import { startTestIssuer, type TestIssuer } from "@/test/support/issuer-server";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { startLocalAws, type LocalAws } from "@/tools/local-aws/local-aws";
import { trustPolicyJson, VendorAws } from "@/e2e/support/vendor-aws";

const REGION = "us-east-2";
const ACCOUNT = { accountId: "666666666666", accessKeyId: "AKIARETESTSCHEDULER6", secretAccessKey: "retestSchedulerSecretKey0000000000000006" };
const DAY = 24 * 3_600_000;

let aws: LocalAws;
let issuer: TestIssuer;
let vendor: VendorAws;
let counter = 0;

async function newTeam() {
  const email = `retest-${process.pid}-${++counter}@example.com`;
  const { userId, teamId } = await signUp({ name: "Retest", email, password: "a long enough passphrase", teamName: `Retest ${counter}` });
  const team = await prisma.team.findUniqueOrThrow({ where: { id: teamId }, select: { id: true, publicId: true } });
  return { team, actor: { userId, email } };
}

/** An IAM registry that passed its Test, as if that was `hoursAgo` hours ago. */
async function verifiedRegistry(team: { id: string; publicId: string }, actor: { userId: string; email: string }, hoursAgo: number) {
  const roleName = `RetestRole${++counter}`;
  const roleArn = await vendor.createRole(roleName, trustPolicyJson({ accountId: ACCOUNT.accountId, issuerUrl: issuer.url, sub: team.publicId }));
  const registry = await createRegistry(
    team.id,
    actor,
    ZCreateRegistryInput.parse({ provider: "ecr", name: `r${counter}`, hostname: aws.registryHostname(ACCOUNT.accountId, REGION), authType: "iam_role", accessKeyId: "", secretAccessKey: "", roleArn, allApplications: true, applicationIds: [] }),
  );
  const { result } = await testRegistry(team, actor, registry.id, {});
  expect(result.verdict).toBe("verified");
  const then = new Date(Date.now() - hoursAgo * 3_600_000);
  await prisma.registry.updateMany({ where: { id: registry.id, teamId: team.id }, data: { lastTestedAt: then, verifiedAt: then, updatedAt: registry.updatedAt } });
  return { registry, roleName };
}

async function scheduledTestsOf(teamId: string, registryId: string) {
  return prisma.auditEvent.findMany({ where: { teamId, action: "registry.tested", targetId: registryId, actorUserId: null } });
}

beforeAll(async () => {
  await useIsolatedDatabase("retest_scheduler");
  issuer = await startTestIssuer();
  aws = await startLocalAws({ port: 0, accounts: [ACCOUNT], jwksCacheSeconds: 0 });
  vendor = new VendorAws(aws.url, ACCOUNT);
  await vendor.createProvider(issuer.url);
  process.env.AWS_ENDPOINT_URL_STS = aws.url;
  process.env.AWS_ENDPOINT_URL_ECR = aws.url;
  process.env.REGISTRY_ENDPOINT_OVERRIDES = `*=${aws.url}/_registry/{hostname}`;
  resetEnvCache();
});

afterAll(async () => {
  await aws?.close();
  await issuer?.close();
});

describe("scheduled re-test", () => {
  it("re-tests each due registry once when two schedulers race, within the per-team share of a tick", async () => {
    const { team, actor } = await newTeam();
    const due = [await verifiedRegistry(team, actor, 30), await verifiedRegistry(team, actor, 26)];
    const fresh = await verifiedRegistry(team, actor, 1);
    const other = await newTeam();
    const otherDue = await verifiedRegistry(other.team, other.actor, 40);

    // Two processes' ticks at the same moment, each on its own database connection.
    const [first, second] = await Promise.all([runRetestTick({ intervalMs: DAY }), runRetestTick({ intervalMs: DAY })]);
    const tested = [...first, ...second].map((outcome) => outcome.registryId).sort();
    expect(tested).toEqual([...due.map((entry) => entry.registry.id), otherDue.registry.id].sort());
    expect(RETESTS_PER_TEAM_PER_TICK).toBeGreaterThanOrEqual(2);

    for (const { registry } of due) {
      expect(await scheduledTestsOf(team.id, registry.id)).toHaveLength(1);
      const stored = await getRegistry(team.id, registry.id);
      expect(stored!.status.kind).toBe("verified");
      expect(Date.now() - stored!.lastTestedAt!.getTime()).toBeLessThan(60_000);
    }
    expect(await scheduledTestsOf(team.id, fresh.registry.id)).toHaveLength(0);
    const event = (await scheduledTestsOf(team.id, due[0]!.registry.id))[0]!;
    expect(event.metadata).toMatchObject({ trigger: "scheduled", outcome: "verified" });

    // Tested just now: nothing is due any more, for either process.
    expect(await runRetestTick({ intervalMs: DAY })).toEqual([]);
  });

  it("turns a registry that stopped working to failing, with when it failed, why, and when it last worked", async () => {
    const { team, actor } = await newTeam();
    const { registry, roleName } = await verifiedRegistry(team, actor, 25);
    const before = await getRegistry(team.id, registry.id);
    expect(before!.status.kind).toBe("stale");
    // The vendor's role now trusts another subject: AssumeRoleWithWebIdentity is refused.
    await vendor.updateTrustPolicy(roleName, trustPolicyJson({ accountId: ACCOUNT.accountId, issuerUrl: issuer.url, sub: "someone-else" }));

    const outcomes = await runRetestTick({ intervalMs: DAY });
    expect(outcomes).toEqual([{ registryId: registry.id, teamId: team.id, outcome: "failing" }]);
    const after = await getRegistry(team.id, registry.id);
    expect(after!.status).toMatchObject({ kind: "failing", sinceLabel: "failing since" });
    expect(after!.status.since!.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(after!.status.reason).toBeTruthy();
    expect(after!.status.workedUntil).toEqual(before!.verifiedAt);
  });

  it("leaves alone a registry whose connection changed since its last pass, and one never verified", async () => {
    const { team, actor } = await newTeam();
    const { registry } = await verifiedRegistry(team, actor, 30);
    // What an edit of the role does (lib/registries/service.ts): no pass on record any more.
    await prisma.registry.updateMany({ where: { id: registry.id, teamId: team.id }, data: { testStatus: "never", verifiedAt: null, connectionChangedAt: new Date() } });
    expect(await claimDueRetests(new Date(), DAY)).toEqual([]);
  });

  it("claims a registry again only once the lease of a process that died mid-test expired", async () => {
    const { team, actor } = await newTeam();
    const { registry } = await verifiedRegistry(team, actor, 30);
    const now = new Date();
    expect((await claimDueRetests(now, DAY)).map((claim) => claim.id)).toEqual([registry.id]);
    // That process never finished the test.
    expect(await claimDueRetests(new Date(now.getTime() + 60_000), DAY)).toEqual([]);
    expect((await claimDueRetests(new Date(now.getTime() + 11 * 60_000), DAY)).map((claim) => claim.id)).toEqual([registry.id]);
  });
});
