// /api/v1/webhooks over real HTTP against the real Postgres: roles (viewers
// read, members change), tenancy, the secret once, field errors, the test
// event and its delivery through the worker to a verifying receiver, and the
// OpenAPI document's webhooks section.
import { afterAll, describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { NOTIFICATION_EVENT_TYPES } from "@/lib/notifications/event-types";
import { runNotificationTick } from "@/lib/notifications/worker";
import { newApiTeam, apiServerForFile } from "@/test/support/api-client";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { startWebhookReceiver, type WebhookReceiver } from "@/test/support/webhook-receiver";

let receiver: WebhookReceiver;

async function newTeam(label: string) {
  const team = await newApiTeam(`hooks-${label}`);
  return { teamId: team.teamId, member: team.tokens.MEMBER, viewer: team.tokens.VIEWER };
}

const { call } = apiServerForFile(async () => {
  await useIsolatedDatabase("webhooks_api");
  receiver = await startWebhookReceiver();
  process.env.WEBHOOK_ALLOWED_ORIGINS = receiver.origin;
  resetEnvCache();
});

afterAll(async () => {
  await receiver?.close();
});

describe("/webhooks", () => {
  it("lets members manage endpoints and viewers read them, within their team, with the secret shown once", async () => {
    const alice = await newTeam("alice");
    const bob = await newTeam("bob");
    const bad = await call(alice.member, "POST", "/webhooks", { url: "http://hooks.example.com/x", eventTypes: ["registry.nope"] });
    expect(bad.status, bad.text).toBe(400);
    expect(bad.json!.error.fields).toMatchObject({ "eventTypes.0": expect.stringContaining("Event types must be among") });
    const plainHttp = await call(alice.member, "POST", "/webhooks", { url: "http://hooks.example.com/x", eventTypes: ["registry.failing"] });
    expect(plainHttp.json!.error.fields.url).toMatch(/https:\/\//);

    expect((await call(alice.viewer, "POST", "/webhooks", { url: receiver.url, eventTypes: ["registry.failing"] })).status).toBe(403);
    const created = await call(alice.member, "POST", "/webhooks", { url: receiver.url, description: "CI", eventTypes: ["registry.failing", "registry.recovered"] });
    expect(created.status).toBe(201);
    const { endpoint, secret } = created.json!.data;
    expect(secret).toMatch(/^whsec_/);
    receiver.secrets = [secret];

    const listed = await call(alice.viewer, "GET", "/webhooks");
    expect(listed.json!.data).toEqual([expect.objectContaining({ id: endpoint.id, url: receiver.url, eventTypes: ["registry.failing", "registry.recovered"], enabled: true })]);
    expect(listed.text).not.toContain(secret.slice(6));
    expect((await call(bob.member, "GET", `/webhooks/${endpoint.id}`)).status).toBe(404);
    expect((await call(bob.member, "POST", `/webhooks/${endpoint.id}/test`)).status).toBe(404);

    const sent = await call(alice.member, "POST", `/webhooks/${endpoint.id}/test`);
    expect(sent.status).toBe(201);
    await runNotificationTick();
    expect(receiver.received).toEqual([expect.objectContaining({ id: sent.json!.data.eventId, type: "webhook.test", verified: true })]);
    const deliveries = await call(alice.viewer, "GET", `/webhooks/${endpoint.id}/deliveries`);
    expect(deliveries.json!.data[0]).toMatchObject({ eventId: sent.json!.data.eventId, status: "succeeded", attempts: [{ responseStatus: 204 }] });
    const resent = await call(alice.member, "POST", `/webhooks/${endpoint.id}/deliveries/${deliveries.json!.data[0].id}/resend`);
    expect(resent.status).toBe(201);

    const rotated = await call(alice.member, "POST", `/webhooks/${endpoint.id}/rotate-secret`, { overlapHours: 0 });
    expect(rotated.json!.data).toMatchObject({ secret: expect.stringMatching(/^whsec_/), previousSecretExpiresAt: null });
    const updated = await call(alice.member, "PUT", `/webhooks/${endpoint.id}`, { url: receiver.url, eventTypes: ["registry.stale"], enabled: false });
    expect(updated.json!.data).toMatchObject({ enabled: false, eventTypes: ["registry.stale"] });
    expect((await call(alice.member, "POST", `/webhooks/${endpoint.id}/test`)).json!.error.code).toBe("webhook_disabled");
    expect((await call(alice.member, "DELETE", `/webhooks/${endpoint.id}`)).status).toBe(204);
    const actions = (await prisma.auditEvent.findMany({ where: { teamId: alice.teamId, action: { startsWith: "webhook." } }, orderBy: { createdAt: "asc" } })).map((event) => event.action);
    expect(actions).toEqual(["webhook.created", "webhook.test_sent", "webhook.delivery_resent", "webhook.secret_rotated", "webhook.updated", "webhook.deleted"]);
  });

  it("documents every event's payload in the OpenAPI webhooks section", () => {
    const document = buildOpenApiDocument() as { webhooks?: Record<string, { post?: { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } } }>; components?: { schemas?: Record<string, unknown> } };
    expect(Object.keys(document.webhooks ?? {}).sort()).toEqual([...NOTIFICATION_EVENT_TYPES].sort());
    const ref = document.webhooks!["registry.failing"]!.post!.requestBody!.content!["application/json"]!.schema!.$ref!;
    expect(ref).toBe("#/components/schemas/RegistryFailingEvent");
    expect(JSON.stringify(document.components!.schemas!.RegistryFailingEvent)).toContain("EventRegistry");
  });
});
