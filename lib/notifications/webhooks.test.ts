// Webhook delivery against a real Postgres and a real HTTP receiver that
// verifies every signature with the standardwebhooks package: delivery,
// back-off after errors and timeouts, Retry-After, disabling after 3 days
// (the clock advanced), exactly-once with two worker processes, refused
// private addresses and secret rotation.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp } from "@/lib/auth/service";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { recordNotificationEvent } from "@/lib/notifications/outbox";
import { createWebhookEndpoint, listWebhookDeliveries, resendDelivery, rotateWebhookSecret, sendTestEvent, updateWebhookEndpoint } from "@/lib/notifications/webhook-endpoints";
import { ZWebhookEndpointInput } from "@/lib/notifications/webhook-schema";
import { runNotificationTick } from "@/lib/notifications/worker";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { TestClock } from "@/test/support/test-clock";
import { startWebhookReceiver, type WebhookReceiver } from "@/test/support/webhook-receiver";

let receiver: WebhookReceiver;
let databaseUrl: string;
let counter = 0;


async function newTeam() {
  const email = `hooks-${process.pid}-${++counter}@example.com`;
  const { userId, teamId } = await signUp({ name: "Hooks", email, password: "a long enough passphrase", teamName: `Hooks ${counter}` });
  return { teamId, actor: { userId, email } };
}

async function newEndpoint(teamId: string, actor: { userId: string; email: string }, eventTypes = ["registry.failing"]) {
  const { endpoint, secret } = await createWebhookEndpoint(teamId, actor, ZWebhookEndpointInput.parse({ url: receiver.url, eventTypes }));
  receiver.secrets = [secret];
  return { endpoint, secret };
}

async function deliveryOf(teamId: string, endpointId: string) {
  const [delivery] = await listWebhookDeliveries(teamId, endpointId);
  return delivery!;
}

beforeAll(async () => {
  databaseUrl = await useIsolatedDatabase("webhooks");
  receiver = await startWebhookReceiver();
  process.env.WEBHOOK_ALLOWED_ORIGINS = receiver.origin;
  resetEnvCache();
});

afterAll(async () => {
  await receiver?.close();
});

/** Each test starts with no delivery of an earlier one still due. */
async function reset() {
  await prisma.webhookDelivery.updateMany({ where: { status: "pending" }, data: { status: "failed", nextAttemptAt: null } });
  receiver.received.length = 0;
  receiver.script = [];
  receiver.fallback = { status: 204 };
}

describe("webhook delivery", () => {
  it("delivers a test event signed per Standard Webhooks, and records the attempt", async () => {
    await reset();
    const { teamId, actor } = await newTeam();
    const { endpoint, secret } = await newEndpoint(teamId, actor);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    receiver.fallback = { status: 200, body: "thanks" };
    const { eventId } = await sendTestEvent(teamId, actor, endpoint.id);
    await runNotificationTick();

    expect(receiver.received).toHaveLength(1);
    const [hook] = receiver.received;
    expect(hook).toMatchObject({ id: eventId, type: "webhook.test", verified: true });
    expect(hook!.body).toMatchObject({ id: eventId, type: "webhook.test", team: { id: teamId }, data: { endpoint: { id: endpoint.id, url: receiver.url } } });
    const delivery = await deliveryOf(teamId, endpoint.id);
    expect(delivery).toMatchObject({ status: "succeeded", attemptCount: 1, eventType: "webhook.test" });
    expect(delivery.attempts[0]).toMatchObject({ responseStatus: 200, responseBody: "thanks", error: null });
    expect(delivery.attempts[0]!.requestHeaders["webhook-id"]).toBe(eventId);
    expect(JSON.parse(delivery.attempts[0]!.requestBody)).toEqual(hook!.body);
    // No secret in what is stored or sent.
    expect(JSON.stringify(delivery)).not.toContain(secret.slice(6));
  });

  it("retries after a 500 with exponential back-off, then succeeds; a resend is a new delivery with the same webhook-id", async () => {
    await reset();
    const clock = new TestClock();
    const { teamId, actor } = await newTeam();
    const { endpoint } = await newEndpoint(teamId, actor);
    receiver.script = [{ status: 500 }, { status: 500 }];
    await sendTestEvent(teamId, actor, endpoint.id);

    await runNotificationTick({ clock });
    let delivery = await deliveryOf(teamId, endpoint.id);
    expect(delivery).toMatchObject({ status: "pending", attemptCount: 1 });
    const firstDelay = delivery.nextAttemptAt!.getTime() - clock.now().getTime();
    expect(firstDelay).toBeGreaterThanOrEqual(4_000);
    expect(firstDelay).toBeLessThanOrEqual(6_000);
    expect(delivery.attempts[0]).toMatchObject({ responseStatus: 500, error: "The endpoint answered 500." });

    // Not due yet: nothing is sent.
    clock.advance(3_000);
    await runNotificationTick({ clock });
    expect(receiver.received).toHaveLength(1);

    clock.advance(3_001);
    await runNotificationTick({ clock });
    delivery = await deliveryOf(teamId, endpoint.id);
    expect(delivery).toMatchObject({ status: "pending", attemptCount: 2 });
    const secondDelay = delivery.nextAttemptAt!.getTime() - clock.now().getTime();
    expect(secondDelay).toBeGreaterThanOrEqual(12_000);
    expect(secondDelay).toBeLessThanOrEqual(18_000);

    clock.advance(secondDelay);
    await runNotificationTick({ clock });
    delivery = await deliveryOf(teamId, endpoint.id);
    expect(delivery).toMatchObject({ status: "succeeded", attemptCount: 3 });
    expect(receiver.received.map((hook) => hook.verified)).toEqual([true, true, true]);
    expect(new Set(receiver.received.map((hook) => hook.id)).size).toBe(1);

    const { deliveryId } = await resendDelivery(teamId, actor, endpoint.id, delivery.id, clock.now());
    await runNotificationTick({ clock });
    const resent = (await listWebhookDeliveries(teamId, endpoint.id)).find((entry) => entry.id === deliveryId)!;
    expect(resent).toMatchObject({ status: "succeeded", attemptCount: 1, eventId: delivery.eventId });
    expect(receiver.received.at(-1)!.id).toBe(delivery.eventId);
  });

  it("gives up on an attempt after the timeout and tries again later", async () => {
    await reset();
    const clock = new TestClock();
    const { teamId, actor } = await newTeam();
    const { endpoint } = await newEndpoint(teamId, actor);
    receiver.script = [{ status: 200, delayMs: 1_500 }];
    await sendTestEvent(teamId, actor, endpoint.id);
    await runNotificationTick({ clock, attemptTimeoutMs: 300 });
    const delivery = await deliveryOf(teamId, endpoint.id);
    expect(delivery).toMatchObject({ status: "pending", attemptCount: 1 });
    expect(delivery.attempts[0]).toMatchObject({ responseStatus: null, error: "No answer within 0.3 s." });
    expect(delivery.attempts[0]!.durationMs).toBeGreaterThanOrEqual(290);
    expect(delivery.attempts[0]!.durationMs).toBeLessThan(1_500);
    expect(delivery.nextAttemptAt!.getTime() - clock.now().getTime()).toBeGreaterThanOrEqual(4_000);
  });

  it("waits as long as Retry-After asks", async () => {
    await reset();
    const clock = new TestClock();
    const { teamId, actor } = await newTeam();
    const { endpoint } = await newEndpoint(teamId, actor);
    receiver.script = [{ status: 503, headers: { "retry-after": "120" } }];
    await sendTestEvent(teamId, actor, endpoint.id);
    await runNotificationTick({ clock });
    const delivery = await deliveryOf(teamId, endpoint.id);
    expect(delivery.nextAttemptAt!.getTime() - clock.now().getTime()).toBe(120_000);
    clock.advance(119_000);
    await runNotificationTick({ clock });
    expect(receiver.received).toHaveLength(1);
    clock.advance(1_000);
    await runNotificationTick({ clock });
    expect(receiver.received).toHaveLength(2);
    expect((await deliveryOf(teamId, endpoint.id)).status).toBe("succeeded");
  });

  it("disables an endpoint that failed for 3 days, records why, and tells the team", async () => {
    await reset();
    const clock = new TestClock();
    const { teamId, actor } = await newTeam();
    const { endpoint } = await newEndpoint(teamId, actor, ["registry.failing", "webhook.disabled"]);
    receiver.fallback = { status: 500 };
    const event = () => recordNotificationEvent(prisma, teamId, "registry.failing", { registry: { id: "r1", name: "prod", hostname: "registry.example.com", provider: "generic", testStatus: "failing", url: "https://portal.example.com/r1" }, test: { verdict: "failing", headline: "Login failed", trigger: "scheduled", testedAt: clock.now().toISOString(), failedStep: null } }, { now: clock.now() });

    // A new event each day, each retried until its window ends; the endpoint never answers 2xx.
    for (let day = 0; day < 3; day++) {
      await event();
      await runNotificationTick({ clock });
      clock.advance(23 * 3_600_000);
      await runNotificationTick({ clock });
      clock.advance(3_600_000);
    }
    let stored = await prisma.webhookEndpoint.findFirstOrThrow({ where: { id: endpoint.id } });
    expect(stored.enabled).toBe(true);
    await event();
    await runNotificationTick({ clock });

    stored = await prisma.webhookEndpoint.findFirstOrThrow({ where: { id: endpoint.id } });
    expect(stored.enabled).toBe(false);
    expect(stored.disabledReason).toMatch(/for 3 days/);
    expect(await prisma.webhookDelivery.count({ where: { endpointId: endpoint.id, status: "pending" } })).toBe(0);
    const audit = await prisma.auditEvent.findFirst({ where: { teamId, action: "webhook.disabled", targetId: endpoint.id } });
    expect(audit).not.toBeNull();
    const notice = await prisma.notificationEvent.findFirst({ where: { teamId, type: "webhook.disabled" } });
    expect(notice?.payload).toMatchObject({ endpoint: { id: endpoint.id, url: receiver.url } });

    // Disabled: the notice itself is not sent to it; enabling it again starts afresh.
    const before = receiver.received.length;
    await runNotificationTick({ clock });
    expect(receiver.received.length).toBe(before);
    const enabled = await updateWebhookEndpoint(teamId, actor, endpoint.id, ZWebhookEndpointInput.parse({ url: receiver.url, eventTypes: ["registry.failing"], enabled: true }));
    expect(enabled).toMatchObject({ enabled: true, failingSince: null, disabledReason: null });
  });

  it("refuses an endpoint on a private address, in the form and again at connect time", async () => {
    await reset();
    const { teamId, actor } = await newTeam();
    for (const url of ["https://10.0.0.8/hooks", "https://localhost/hooks", "https://[::1]/hooks", "http://hooks.example.com/x"]) {
      await expect(createWebhookEndpoint(teamId, actor, ZWebhookEndpointInput.parse({ url, eventTypes: ["registry.failing"] }))).rejects.toMatchObject({ code: "invalid_input", fieldErrors: { url: expect.stringMatching(/public address|https:\/\//) } });
    }
    const { endpoint } = await newEndpoint(teamId, actor);
    // The name now resolves to a private address (DNS rebinding): refused when connecting.
    const port = new URL(receiver.url).port;
    await prisma.webhookEndpoint.update({ where: { id: endpoint.id }, data: { url: `https://localhost:${port}/hooks` } });
    await sendTestEvent(teamId, actor, endpoint.id);
    await runNotificationTick();
    const delivery = await deliveryOf(teamId, endpoint.id);
    expect(delivery.attempts[0]!.error).toMatch(/^Refused by the portal's outbound rules: localhost resolves to a private or reserved address/);
    expect(receiver.received).toHaveLength(0);
  });

  it("signs with both secrets during a rotation's overlap, then with the new one only", async () => {
    await reset();
    const clock = new TestClock();
    const { teamId, actor } = await newTeam();
    const { endpoint, secret: oldSecret } = await newEndpoint(teamId, actor);
    const { secret: newSecret } = await rotateWebhookSecret(teamId, actor, endpoint.id, 1, clock.now());
    receiver.secrets = [oldSecret, newSecret];
    await sendTestEvent(teamId, actor, endpoint.id);
    await runNotificationTick({ clock });
    expect(receiver.received[0]!.verifiedWith).toEqual([0, 1]);
    expect(String(receiver.received[0]!.headers["webhook-signature"]).split(" ")).toHaveLength(2);

    clock.advance(3_600_001);
    await sendTestEvent(teamId, actor, endpoint.id);
    await runNotificationTick({ clock });
    expect(receiver.received[1]!.verifiedWith).toEqual([1]);
  });
});

describe("two worker processes on one database", () => {
  const workers: ChildProcess[] = [];
  afterAll(() => {
    for (const worker of workers) worker.kill("SIGTERM");
  });

  it("deliver each of 200 events exactly once", async () => {
    await reset();
    const { teamId, actor } = await newTeam();
    const { endpoint } = await newEndpoint(teamId, actor);
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) ids.add(await recordNotificationEvent(prisma, teamId, "registry.failing", { registry: { id: `r${i}`, name: null, hostname: "registry.example.com", provider: "generic", testStatus: "failing", url: "https://portal.example.com" }, test: { verdict: "failing", headline: "x", trigger: "manual", testedAt: new Date().toISOString(), failedStep: null } }));

    const root = path.resolve(import.meta.dirname, "../..");
    for (let i = 0; i < 2; i++) {
      const child = spawn(path.join(root, "node_modules/.bin/tsx"), ["--conditions=react-server", "test/support/notification-worker-process.ts"], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: databaseUrl, NOTIFICATION_TEST_POLL_MS: "100", LOG_LEVEL: "warn" },
        stdio: ["ignore", "pipe", "inherit"],
      });
      workers.push(child);
    }
    const deadline = Date.now() + 60_000;
    while (receiver.received.length < 200 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(receiver.received).toHaveLength(200);
    expect(new Set(receiver.received.map((hook) => hook.id))).toEqual(ids);
    expect(receiver.received.every((hook) => hook.verified)).toBe(true);
    expect(await prisma.webhookAttempt.count({ where: { teamId } })).toBe(200);
    expect(await prisma.webhookDelivery.count({ where: { endpointId: endpoint.id, status: "succeeded" } })).toBe(200);
  }, 90_000);
});
