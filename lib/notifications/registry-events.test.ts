// Registry events from real Tests against the local AWS: a registry whose
// role is deleted fails its scheduled re-test and the receiver gets a signed
// registry.failing with the failed step; the next pass sends
// registry.recovered; a failing registry failing again sends nothing more.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp } from "@/lib/auth/service";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { createWebhookEndpoint } from "@/lib/notifications/webhook-endpoints";
import { registryTransitionEvent } from "@/lib/notifications/registry-events";
import { ZWebhookEndpointInput } from "@/lib/notifications/webhook-schema";
import { runNotificationTick } from "@/lib/notifications/worker";
import { runRetestTick } from "@/lib/registries/retest-scheduler";
import { ZCreateRegistryInput } from "@/lib/registries/schema";
import { createRegistry } from "@/lib/registries/service";
import { testRegistry } from "@/lib/registry-test/service";
import { startTestIssuer, type TestIssuer } from "@/test/support/issuer-server";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { startWebhookReceiver, type WebhookReceiver } from "@/test/support/webhook-receiver";
import { startLocalAws, type LocalAws } from "@/tools/local-aws/local-aws";
import { trustPolicyJson, VendorAws } from "@/e2e/support/vendor-aws";

const REGION = "us-east-2";
const ACCOUNT = { accountId: "777777777722", accessKeyId: "AKIANOTIFYEVENTS0022", secretAccessKey: "notifyEventsSecretKey00000000000000000022" };
const DAY = 24 * 3_600_000;

let aws: LocalAws;
let issuer: TestIssuer;
let vendor: VendorAws;
let receiver: WebhookReceiver;

beforeAll(async () => {
  await useIsolatedDatabase("registry_events");
  issuer = await startTestIssuer();
  aws = await startLocalAws({ port: 0, accounts: [ACCOUNT], jwksCacheSeconds: 0 });
  vendor = new VendorAws(aws.url, ACCOUNT);
  await vendor.createProvider(issuer.url);
  receiver = await startWebhookReceiver();
  process.env.AWS_ENDPOINT_URL_STS = aws.url;
  process.env.AWS_ENDPOINT_URL_ECR = aws.url;
  process.env.REGISTRY_ENDPOINT_OVERRIDES = `*=${aws.url}/_registry/{hostname}`;
  process.env.WEBHOOK_ALLOWED_ORIGINS = receiver.origin;
  resetEnvCache();
});

afterAll(async () => {
  await receiver?.close();
  await aws?.close();
  await issuer?.close();
});

describe("registry events", () => {
  it("follow the verdict: failing from a pass, unsafe when newly unsafe, recovered from failing or unsafe", () => {
    expect(registryTransitionEvent("verified", "failing")).toBe("registry.failing");
    expect(registryTransitionEvent("failing", "failing")).toBeNull();
    expect(registryTransitionEvent("never", "failing")).toBeNull();
    expect(registryTransitionEvent("verified", "unsafe")).toBe("registry.unsafe");
    expect(registryTransitionEvent("never", "unsafe")).toBe("registry.unsafe");
    expect(registryTransitionEvent("unsafe", "unsafe")).toBeNull();
    expect(registryTransitionEvent("failing", "verified")).toBe("registry.recovered");
    expect(registryTransitionEvent("verified", "verified")).toBeNull();
  });

  it("sends registry.failing when the scheduled re-test finds the role deleted, and registry.recovered when it works again", async () => {
    const email = `events-${process.pid}@example.com`;
    const { userId, teamId } = await signUp({ name: "Events", email, password: "a long enough passphrase", teamName: "Events" });
    const actor = { userId, email };
    const team = await prisma.team.findUniqueOrThrow({ where: { id: teamId }, select: { id: true, publicId: true } });
    const { secret } = await createWebhookEndpoint(teamId, actor, ZWebhookEndpointInput.parse({ url: receiver.url, eventTypes: ["registry.failing", "registry.recovered"] }));
    receiver.secrets = [secret];

    const policy = trustPolicyJson({ accountId: ACCOUNT.accountId, issuerUrl: issuer.url, sub: team.publicId });
    const roleArn = await vendor.createRole("NotifyRole", policy);
    const registry = await createRegistry(
      teamId,
      actor,
      ZCreateRegistryInput.parse({ provider: "ecr", name: "prod", hostname: aws.registryHostname(ACCOUNT.accountId, REGION), authType: "iam_role", accessKeyId: "", secretAccessKey: "", roleArn, allApplications: true, applicationIds: [] }),
    );
    expect((await testRegistry(team, actor, registry.id, {})).result.verdict).toBe("verified");
    await runNotificationTick();
    expect(receiver.received).toHaveLength(0);

    // The vendor deletes the role; the registry's re-test is due.
    await vendor.deleteRole("NotifyRole");
    const then = new Date(Date.now() - 25 * 3_600_000);
    await prisma.registry.updateMany({ where: { id: registry.id, teamId }, data: { lastTestedAt: then, verifiedAt: then, updatedAt: registry.updatedAt } });
    expect(await runRetestTick({ intervalMs: DAY })).toEqual([{ registryId: registry.id, teamId, outcome: "failing" }]);
    await runNotificationTick();

    expect(receiver.received).toHaveLength(1);
    const [failing] = receiver.received;
    expect(failing).toMatchObject({ type: "registry.failing", verified: true });
    expect(failing!.body.data).toMatchObject({
      registry: { id: registry.id, name: "prod", provider: "ecr", testStatus: "failing" },
      test: { verdict: "failing", trigger: "scheduled", failedStep: { id: "assume-role" } },
    });
    expect(JSON.stringify(failing!.body)).not.toMatch(/secret|AKIA|whsec/i);

    // Failing again: nothing more. Fixed: recovered.
    expect((await testRegistry(team, actor, registry.id, {})).result.verdict).toBe("failing");
    await runNotificationTick();
    expect(receiver.received).toHaveLength(1);
    await vendor.createRole("NotifyRole", policy);
    expect((await testRegistry(team, actor, registry.id, {})).result.verdict).toBe("verified");
    await runNotificationTick();
    expect(receiver.received.map((hook) => hook.type)).toEqual(["registry.failing", "registry.recovered"]);
    expect(receiver.received[1]!.body.data).toMatchObject({ test: { trigger: "manual", verdict: "verified" }, failingSince: expect.any(String) });
  });
});
