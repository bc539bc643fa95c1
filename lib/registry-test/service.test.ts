// The Test as the portal runs it for a team: registries stored through the
// registry service, the local AWS over HTTP, the result persisted on the
// registry and in the audit log, the per-team rate limit, and tenancy.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp } from "@/lib/auth/service";
import net from "node:net";
import { listAuditEvents } from "@/lib/audit/service";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { UserFacingError } from "@/lib/http/result";
import { ZCreateRegistryInput } from "@/lib/registries/schema";
import { createRegistry, getRegistry, listRegistries } from "@/lib/registries/service";
import { claimTestSlot, TESTS_PER_MINUTE } from "@/lib/registry-test/rate-limit";
import { prepareRegistryTest, RateLimitedError, testRegistry } from "@/lib/registry-test/service";
import { startTestIssuer, type TestIssuer } from "@/test/support/issuer-server";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { startLocalAws, type LocalAws } from "@/tools/local-aws/local-aws";
import { trustPolicyJson, VendorAws } from "@/e2e/support/vendor-aws";

const REGION = "us-east-2";
const ACCOUNT = { accountId: "555555555555", accessKeyId: "AKIASERVICETEST00005", secretAccessKey: "serviceTestSecretKey000000000000000000005" };

let aws: LocalAws;
let issuer: TestIssuer;
let vendor: VendorAws;
let counter = 0;

async function newTeam() {
  const email = `svc-${process.pid}-${++counter}@example.com`;
  const { userId, teamId } = await signUp({ name: "Svc", email, password: "a long enough passphrase", teamName: `Team ${counter}` });
  const team = await prisma.team.findUniqueOrThrow({ where: { id: teamId }, select: { id: true, publicId: true } });
  return { team, actor: { userId, email } };
}

async function iamRegistry(team: { id: string; publicId: string }, actor: { userId: string; email: string }, sub: string | null = team.publicId) {
  const roleName = `SvcRole${++counter}`;
  const roleArn = await vendor.createRole(roleName, trustPolicyJson({ accountId: ACCOUNT.accountId, issuerUrl: issuer.url, sub }));
  const registry = await createRegistry(
    team.id,
    actor,
    ZCreateRegistryInput.parse({ provider: "ecr", name: "", hostname: aws.registryHostname(ACCOUNT.accountId, REGION), authType: "iam_role", accessKeyId: "", secretAccessKey: "", roleArn, allApplications: true, applicationIds: [] }),
  );
  return { registry, roleName };
}

beforeAll(async () => {
  await useIsolatedDatabase("registry_test_service");
  issuer = await startTestIssuer();
  aws = await startLocalAws({ port: 0, accounts: [ACCOUNT], jwksCacheSeconds: 0 });
  vendor = new VendorAws(aws.url, ACCOUNT);
  await vendor.createProvider(issuer.url);
  aws.pushFixtureImage({ accountId: ACCOUNT.accountId, region: REGION, repository: "app", tag: "2.0" });
  process.env.AWS_ENDPOINT_URL_STS = aws.url;
  process.env.AWS_ENDPOINT_URL_ECR = aws.url;
  process.env.REGISTRY_ENDPOINT_OVERRIDES = `*=${aws.url}/_registry/{hostname}`;
  resetEnvCache();
});

afterAll(async () => {
  await aws?.close();
  await issuer?.close();
});

describe("testRegistry", () => {
  it("marks a working registry verified, and records the test in the audit log", async () => {
    const { team, actor } = await newTeam();
    const { registry } = await iamRegistry(team, actor);
    const { result } = await testRegistry(team, actor, registry.id, { image: "app:2.0" });
    expect(result.verdict).toBe("verified");
    const stored = await getRegistry(team.id, registry.id);
    expect(stored).toMatchObject({ testStatus: "verified", failingSince: null, lastTestError: null });
    expect(stored!.updatedAt).toEqual(registry.updatedAt); // a test is not an edit
    expect(stored!.verifiedAt).toBeInstanceOf(Date);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { teamId: team.id, action: "registry.tested" } });
    expect(audit.metadata).toMatchObject({ outcome: "verified", image: "app:2.0" });
    expect(audit.actorEmail).toBe(actor.email);
  });

  it("marks a registry failing since its first failure, keeps that time, and clears it once fixed", async () => {
    const { team, actor } = await newTeam();
    const { registry, roleName } = await iamRegistry(team, actor, "team_notthisteam00000000000000");
    await testRegistry(team, actor, registry.id, {});
    const first = await getRegistry(team.id, registry.id);
    expect(first).toMatchObject({ testStatus: "failing" });
    expect(first!.lastTestError).toMatch(/Get temporary AWS credentials for the role/);
    await testRegistry(team, actor, registry.id, {});
    const second = await getRegistry(team.id, registry.id);
    expect(second!.failingSince!.getTime()).toBe(first!.failingSince!.getTime());
    expect(second!.lastTestedAt!.getTime()).toBeGreaterThan(first!.lastTestedAt!.getTime());

    await vendor.updateTrustPolicy(roleName, trustPolicyJson({ accountId: ACCOUNT.accountId, issuerUrl: issuer.url, sub: team.publicId }));
    await testRegistry(team, actor, registry.id, {});
    expect(await getRegistry(team.id, registry.id)).toMatchObject({ testStatus: "verified", failingSince: null });
  });

  it("never marks an unsafe role verified", async () => {
    const { team, actor } = await newTeam();
    const { registry } = await iamRegistry(team, actor, null);
    const { result } = await testRegistry(team, actor, registry.id, {});
    expect(result.verdict).toBe("unsafe");
    const stored = await getRegistry(team.id, registry.id);
    expect(stored).toMatchObject({ testStatus: "unsafe", verifiedAt: null });
  });

  it("answers not found for another team's registry and records nothing", async () => {
    const owner = await newTeam();
    const attacker = await newTeam();
    const { registry } = await iamRegistry(owner.team, owner.actor);
    await expect(testRegistry(attacker.team, attacker.actor, registry.id, {})).rejects.toMatchObject({ code: "not_found" });
    expect(await prisma.auditEvent.count({ where: { action: "registry.tested", targetId: registry.id } })).toBe(0);
    expect(await getRegistry(owner.team.id, registry.id)).toMatchObject({ testStatus: "never" });
  });

  it("refuses an invalid image next to the field, before anything runs", async () => {
    const { team, actor } = await newTeam();
    const { registry } = await iamRegistry(team, actor);
    const error = await prepareRegistryTest(team, actor, registry.id, { image: "Not An Image" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserFacingError);
    expect((error as UserFacingError).fieldErrors?.image).toMatch(/repository:tag/);
  });

  it("persists no secret: the stored result and audit hold no key, token or credentials", async () => {
    const { team, actor } = await newTeam();
    const key = await vendor.createUserWithKey(`svc-user-${++counter}`);
    const registry = await createRegistry(
      team.id,
      actor,
      ZCreateRegistryInput.parse({ provider: "ecr", name: "keys", hostname: aws.registryHostname(ACCOUNT.accountId, REGION), authType: "access_key", accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, roleArn: "", allApplications: true, applicationIds: [] }),
    );
    const { result } = await testRegistry(team, actor, registry.id, { image: "app:2.0" });
    expect(result.verdict).toBe("verified");
    const row = await prisma.registry.findFirstOrThrow({ where: { id: registry.id, teamId: team.id }, select: { lastTestResult: true, lastTestError: true } });
    const audit = await prisma.auditEvent.findMany({ where: { teamId: team.id } });
    const stored = JSON.stringify([row, audit]);
    expect(stored).not.toContain(key.secretAccessKey);
    expect(stored).not.toContain(key.accessKeyId);
    expect(stored).not.toMatch(/ASIA[A-Z0-9]{16}/);
    expect(stored).not.toMatch(/eyJ[\w-]+\./);
  });
});

describe("rate limit", () => {
  it(`allows ${TESTS_PER_MINUTE} tests per team per minute, even when they arrive at once, then says when to retry`, async () => {
    const { team, actor } = await newTeam();
    const other = await newTeam();
    const registry = { id: "reg", label: "reg" };
    const slots = await Promise.all(Array.from({ length: TESTS_PER_MINUTE + 3 }, () => claimTestSlot(team.id, actor, registry)));
    expect(slots.filter((slot) => slot.ok)).toHaveLength(TESTS_PER_MINUTE);
    const refused = slots.find((slot) => !slot.ok);
    expect(refused).toMatchObject({ ok: false });
    expect(refused!.ok === false && refused!.retryAfterSeconds).toBeGreaterThan(0);
    // Another team is not affected, and a minute later the team may test again.
    expect((await claimTestSlot(other.team.id, other.actor, registry)).ok).toBe(true);
    expect((await claimTestSlot(team.id, actor, registry, new Date(Date.now() + 61_000))).ok).toBe(true);
  });

  it("refuses the eleventh test of a minute with a message that says when to try again", async () => {
    const { team, actor } = await newTeam();
    const { registry } = await iamRegistry(team, actor);
    for (let i = 0; i < TESTS_PER_MINUTE; i++) await claimTestSlot(team.id, actor, { id: registry.id, label: "r" });
    const error = await prepareRegistryTest(team, actor, registry.id, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).message).toMatch(/Try again in \d+ s/);
    expect((await listRegistries(team.id))[0]).toMatchObject({ testStatus: "never" });
  });
});

describe("the issuer thumbprint lookup", () => {
  let silent: net.Server;
  let connections = 0;
  let issuerUrl: string | undefined;
  beforeAll(async () => {
    issuerUrl = process.env.OIDC_ISSUER_URL;
    // An https issuer host that accepts connections and never answers the TLS handshake.
    silent = net.createServer(() => {
      connections++;
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    process.env.OIDC_ISSUER_URL = `https://127.0.0.1:${(silent.address() as net.AddressInfo).port}/oidc`;
    resetEnvCache();
  });
  afterAll(() => {
    process.env.OIDC_ISSUER_URL = issuerUrl;
    resetEnvCache();
    silent?.close();
  });

  it("is not made for an access-key registry, which has no use for it", async () => {
    const { team, actor } = await newTeam();
    const key = await vendor.createUserWithKey(`thumb-user-${++counter}`);
    const registry = await createRegistry(
      team.id,
      actor,
      ZCreateRegistryInput.parse({ provider: "ecr", name: "", hostname: aws.registryHostname(ACCOUNT.accountId, REGION), authType: "access_key", accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, roleArn: "", allApplications: true, applicationIds: [] }),
    );
    const before = connections;
    const { result } = await testRegistry(team, actor, registry.id, {});
    expect(result.verdict).toBe("verified");
    expect(connections).toBe(before);
  });

  it("runs inside the Test's clock: an unreachable issuer host does not hold the Test up before it starts", async () => {
    const { team, actor } = await newTeam();
    const { registry } = await iamRegistry(team, actor);
    const started = Date.now();
    const { result } = await testRegistry(team, actor, registry.id, {});
    const wallMs = Date.now() - started;
    // The lookup would take 5 s to time out; the Test fails at once (AWS knows no such issuer) and does not wait for it.
    expect(result.verdict).toBe("failing");
    expect(wallMs).toBeLessThan(4000);
    expect(wallMs - result.durationMs).toBeLessThan(2000);
  });
});

describe("a Test whose outcome was never recorded", () => {
  it("still shows its result when the outcome cannot be written, and records it once the database accepts writes again", async () => {
    const { team, actor } = await newTeam();
    const { registry } = await iamRegistry(team, actor);
    await prisma.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION refuse_writes() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'the database is unavailable'; END $$ LANGUAGE plpgsql`);
    await prisma.$executeRawUnsafe(`CREATE TRIGGER refuse_audit_updates BEFORE UPDATE ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION refuse_writes()`);
    let result;
    try {
      ({ result } = await testRegistry(team, actor, registry.id, {}));
    } finally {
      await prisma.$executeRawUnsafe(`DROP TRIGGER refuse_audit_updates ON "AuditEvent"`);
    }
    expect(result.verdict).toBe("verified");
    await expect
      .poll(async () => (await prisma.auditEvent.findFirstOrThrow({ where: { teamId: team.id, action: "registry.tested" } })).metadata, { timeout: 15_000 })
      .toMatchObject({ outcome: "verified" });
  });

  it("is finished as failed once it is clearly over, and a recent one is left running", async () => {
    const { team, actor } = await newTeam();
    const old = await prisma.auditEvent.create({ data: { teamId: team.id, actorUserId: actor.userId, action: "registry.tested", metadata: { registry: "r", outcome: "started" }, createdAt: new Date(Date.now() - 10 * 60_000) } });
    const recent = await prisma.auditEvent.create({ data: { teamId: team.id, actorUserId: actor.userId, action: "registry.tested", metadata: { registry: "r", outcome: "started" } } });
    const events = await listAuditEvents(team.id);
    expect(events.find((e) => e.id === old.id)!.metadata).toMatchObject({ outcome: "failed", failure: expect.stringMatching(/interrupted/) });
    expect(events.find((e) => e.id === recent.id)!.metadata).toMatchObject({ outcome: "started" });
  });
});

