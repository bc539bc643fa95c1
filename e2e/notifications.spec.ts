// Webhooks in Chromium against the production build: add an endpoint, send
// a test event that a real receiver verifies (standardwebhooks), see the
// delivery with its request and answer, resend it; and a registry whose role
// is deleted in the local AWS fails its scheduled re-test and the receiver
// gets registry.failing, delivered by the portal's own worker.
import { expect, test } from "./support/fixtures";
import { createVendor, signedInContext } from "./support/fixtures";
import { E2E_FIXTURE_IMAGE, E2E_WEBHOOK_RECEIVER_PORT } from "./support/constants";
import { applyServerEnvironment, readE2eEnvironment } from "./support/environment";
import { trustPolicyJson, VendorAws } from "./support/vendor-aws";
import { startWebhookReceiver, type WebhookReceiver } from "../test/support/webhook-receiver";

const environment = readE2eEnvironment();
const [registryAccount] = environment.localAws.accounts;
let receiver: WebhookReceiver;

test.beforeAll(async () => {
  receiver = await startWebhookReceiver({ port: E2E_WEBHOOK_RECEIVER_PORT });
});

test.afterAll(async () => {
  await receiver?.close();
});

async function waitForWebhook(predicate: (hook: WebhookReceiver["received"][number]) => boolean, timeoutMs = 15_000) {
  await expect.poll(() => receiver.received.some(predicate), { timeout: timeoutMs }).toBe(true);
  return receiver.received.find(predicate)!;
}

test("an endpoint added in the UI receives a signed test event; the delivery shows the request and the answer, and resends", async ({ browser }) => {
  const vendor = await createVendor("hooks");
  const context = await signedInContext(browser, vendor);
  const page = await context.newPage();
  await page.goto("/team/webhooks");
  await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();

  // The outbound rules name the field.
  await page.getByLabel("Endpoint URL").fill("https://10.1.2.3/hooks");
  await page.getByRole("button", { name: "Add endpoint" }).click();
  await expect(page.getByText("URL must be on a public address")).toBeVisible();

  await page.getByLabel("Endpoint URL").fill(receiver.url);
  await page.getByLabel("Description").fill("Receiver of the e2e spec");
  await page.getByRole("button", { name: "Add endpoint" }).click();
  const secret = await page.getByRole("textbox", { name: "Signing secret" }).inputValue();
  expect(secret).toMatch(/^whsec_/);
  receiver.secrets = [secret];
  receiver.fallback = { status: 200, body: "received by the e2e receiver" };

  await page.getByRole("link", { name: "Open the endpoint to send a test event" }).click();
  await expect(page.getByRole("heading", { name: "Webhook endpoint" })).toBeVisible();
  await page.getByRole("button", { name: "Send test event" }).click();
  const hook = await waitForWebhook((h) => h.type === "webhook.test" && h.body.team !== undefined && (h.body.team as { id: string }).id === vendor.teamId);
  expect(hook.verified).toBe(true);

  const delivery = page.getByTestId("webhook-delivery").first();
  await expect(delivery).toContainText("webhook.test", { timeout: 15_000 });
  await expect(delivery).toContainText("Delivered", { timeout: 15_000 });
  await delivery.getByText("Attempts, request and answer").click();
  await expect(delivery).toContainText("HTTP 200");
  await expect(delivery).toContainText(`webhook-id: ${hook.id}`);
  await expect(delivery).toContainText("received by the e2e receiver");
  await expect(delivery).not.toContainText(secret.slice(6));

  const before = receiver.received.filter((h) => h.id === hook.id).length;
  await delivery.getByRole("button", { name: "Resend webhook.test" }).click();
  await expect.poll(() => receiver.received.filter((h) => h.id === hook.id).length, { timeout: 15_000 }).toBe(before + 1);
  await expect(page.getByTestId("webhook-delivery")).toHaveCount(2, { timeout: 15_000 });
  await page.goto("/team/audit");
  await expect(page.getByRole("table", { name: "Audit events" })).toContainText("Resent a webhook delivery");
  await context.close();
});

test("a viewer sees the endpoints but cannot change them", async ({ browser }) => {
  const vendor = await createVendor("hooks-viewer");
  const { addTeamMember } = await import("./support/fixtures");
  const viewer = await addTeamMember(vendor, "VIEWER");
  const context = await signedInContext(browser, viewer);
  const page = await context.newPage();
  await page.goto("/team/webhooks");
  await expect(page.getByText("Viewers see the endpoints")).toBeVisible();
  await expect(page.getByRole("button", { name: "Add endpoint" })).toHaveCount(0);
  await context.close();
});

test("a registry whose role is deleted fails its scheduled re-test, and the receiver gets registry.failing", async ({ browser }) => {
  test.setTimeout(120_000);
  const vendor = await createVendor("hooks-registry");
  applyServerEnvironment();
  process.env.AWS_ENDPOINT_URL_STS = environment.localAws.url;
  process.env.AWS_ENDPOINT_URL_ECR = environment.localAws.url;
  process.env.REGISTRY_ENDPOINT_OVERRIDES = `*=${environment.localAws.url}/_registry/{hostname}`;
  const [{ prisma }, { resetEnvCache }, { createApplication }, { createRegistry }, { ZCreateRegistryInput }, { prepareRegistryTest, testRegistry }, { createWebhookEndpoint }, { ZWebhookEndpointInput }] = await Promise.all([
    import("@/lib/db"),
    import("@/lib/env"),
    import("@/lib/applications/service"),
    import("@/lib/registries/service"),
    import("@/lib/registries/schema"),
    import("@/lib/registry-test/service"),
    import("@/lib/notifications/webhook-endpoints"),
    import("@/lib/notifications/webhook-schema"),
  ]);
  resetEnvCache();
  process.env.WEBHOOK_ALLOWED_ORIGINS = receiver.origin;
  resetEnvCache();
  const actor = { userId: vendor.userId, email: vendor.email };
  const team = await prisma.team.findUniqueOrThrow({ where: { id: vendor.teamId }, select: { id: true, publicId: true } });
  await createApplication(team.id, actor, { name: "Shop" });
  const { endpoint, secret } = await createWebhookEndpoint(team.id, actor, ZWebhookEndpointInput.parse({ url: receiver.url, eventTypes: ["registry.failing"] }));
  receiver.secrets = [secret];

  const aws = new VendorAws(environment.localAws.url, registryAccount!);
  await aws.createProvider(environment.issuerUrl).catch((error: { name?: string }) => {
    if (error.name !== "EntityAlreadyExistsException") throw error;
  });
  const roleName = `Hooks-${vendor.teamId.slice(-8)}`;
  const roleArn = await aws.createRole(roleName, trustPolicyJson({ accountId: registryAccount!.accountId, issuerUrl: environment.issuerUrl, sub: team.publicId }));
  const hostname = `${registryAccount!.accountId}.dkr.ecr.${E2E_FIXTURE_IMAGE.region}.amazonaws.com`;
  const registry = await createRegistry(team.id, actor, ZCreateRegistryInput.parse({ provider: "ecr", name: "shop-ecr", hostname, authType: "iam_role", accessKeyId: "", secretAccessKey: "", roleArn, allApplications: true, applicationIds: [] }));
  expect((await testRegistry(team, actor, registry.id, {})).result.verdict).toBe("verified");

  // The vendor deletes the role; a day later the scheduled re-test runs.
  await aws.deleteRole(roleName);
  // What the scheduler runs for a due registry (lib/registries/retest-scheduler.ts), for this one
  // only: a tick would also re-test other specs' seeded registries on this shared server.
  const scheduled = await prepareRegistryTest(team, null, registry.id, {}, "scheduled");
  expect((await scheduled.run()).result.verdict).toBe("failing");

  const hook = await waitForWebhook((h) => h.type === "registry.failing" && (h.body.data as { registry: { id: string } }).registry.id === registry.id);
  expect(hook.verified).toBe(true);
  expect(hook.body.data).toMatchObject({ registry: { name: "shop-ecr", testStatus: "failing" }, test: { trigger: "scheduled", failedStep: { id: "assume-role" } } });

  const context = await signedInContext(browser, vendor);
  const page = await context.newPage();
  await page.goto(`/team/webhooks/${endpoint.id}`);
  await expect(page.getByTestId("webhook-delivery").first()).toContainText("registry.failing");
  await context.close();
});

test("another team's endpoint is not found: its page, and the actions replayed with its ID", async ({ browser }) => {
  applyServerEnvironment();
  process.env.WEBHOOK_ALLOWED_ORIGINS = receiver.origin;
  (await import("@/lib/env")).resetEnvCache();
  const { createWebhookEndpoint } = await import("@/lib/notifications/webhook-endpoints");
  const { ZWebhookEndpointInput } = await import("@/lib/notifications/webhook-schema");
  const { prisma } = await import("@/lib/db");
  const { recordServerActions, replayServerAction } = await import("./support/server-actions");
  const victim = await createVendor("hooks-victim");
  const attacker = await createVendor("hooks-attacker");
  const victimEndpoint = (await createWebhookEndpoint(victim.teamId, { userId: victim.userId, email: victim.email }, ZWebhookEndpointInput.parse({ url: receiver.url, eventTypes: ["registry.failing"] }))).endpoint;
  const ownEndpoint = (await createWebhookEndpoint(attacker.teamId, { userId: attacker.userId, email: attacker.email }, ZWebhookEndpointInput.parse({ url: receiver.url, eventTypes: ["registry.failing"] }))).endpoint;

  const context = await signedInContext(browser, attacker);
  const page = await context.newPage();
  const response = await page.goto(`/team/webhooks/${victimEndpoint.id}`);
  expect(response?.status()).toBe(404);
  await page.goto("/team/webhooks");
  await expect(page.getByText(receiver.url)).toHaveCount(1);

  // The attacker's own Send test event, replayed with the victim's endpoint ID.
  const actions = recordServerActions(page);
  await page.goto(`/team/webhooks/${ownEndpoint.id}`);
  await page.getByRole("button", { name: "Send test event" }).click();
  await expect.poll(() => actions.length).toBeGreaterThan(0);
  const replayed = await replayServerAction(context.request, actions[0]!, (body) => body.replaceAll(ownEndpoint.id, victimEndpoint.id));
  expect(replayed.text).toContain("not_found");
  expect(await prisma.auditEvent.count({ where: { teamId: victim.teamId, action: "webhook.test_sent" } })).toBe(0);
  expect(await prisma.notificationEvent.count({ where: { teamId: victim.teamId } })).toBe(0);
  await context.close();
});
