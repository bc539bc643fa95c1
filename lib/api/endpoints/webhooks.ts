import "server-only";
// /webhooks: the team's webhook endpoints and their deliveries (the same
// service as Team → Webhooks). Viewers read; admins and members change.
import { z } from "zod";
import { defineEndpoint } from "@/lib/api/endpoint";
import { dataOf, ZId } from "@/lib/api/schemas";
import { SUBSCRIBABLE_EVENT_TYPES } from "@/lib/notifications/event-types";
import { createWebhookEndpoint, deleteWebhookEndpoint, getWebhookEndpoint, listWebhookDeliveries, resendDelivery, rotateWebhookSecret, sendTestEvent, updateWebhookEndpoint, type WebhookDeliveryView, type WebhookEndpointView } from "@/lib/notifications/webhook-endpoints";
import { listWebhookEndpoints } from "@/lib/notifications/webhook-endpoints";
import { ZRotateSecretInput, ZWebhookEndpointInput } from "@/lib/notifications/webhook-schema";
import { NOT_FOUND } from "@/lib/http/result";

const TAG = "Webhooks";
const ZEndpointParams = z.object({ endpointId: ZId });

export const ZApiWebhookEndpoint = z
  .object({
    id: ZId,
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.enum(SUBSCRIBABLE_EVENT_TYPES as unknown as [string, ...string[]])),
    enabled: z.boolean(),
    disabledReason: z.string().nullable().meta({ description: "Why the portal disabled it (3 days of failed deliveries); null when a person did or it is enabled." }),
    failingSince: z.iso.datetime().nullable(),
    previousSecretExpiresAt: z.iso.datetime().nullable().meta({ description: "During a secret rotation: until when the previous secret also signs." }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "WebhookEndpoint" });

export const ZApiWebhookDelivery = z
  .object({
    id: ZId,
    eventId: z.string().meta({ description: "msg_…: the webhook-id header." }),
    eventType: z.string(),
    status: z.enum(["pending", "succeeded", "failed"]),
    attemptCount: z.number().int(),
    nextAttemptAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    attempts: z.array(
      z.object({
        id: ZId,
        startedAt: z.iso.datetime(),
        durationMs: z.number().int(),
        responseStatus: z.number().int().nullable(),
        error: z.string().nullable(),
        requestHeaders: z.record(z.string(), z.string()),
        requestBody: z.string(),
        responseBody: z.string().meta({ description: "The first KiB of the answer." }),
      }),
    ),
  })
  .meta({ id: "WebhookDelivery" });

const iso = (date: Date | null) => date?.toISOString() ?? null;
const toApi = (endpoint: WebhookEndpointView) => ({ ...endpoint, failingSince: iso(endpoint.failingSince), previousSecretExpiresAt: iso(endpoint.previousSecretExpiresAt), createdAt: endpoint.createdAt.toISOString(), updatedAt: endpoint.updatedAt.toISOString() });
const deliveryToApi = (delivery: WebhookDeliveryView) => ({
  ...delivery,
  nextAttemptAt: iso(delivery.nextAttemptAt),
  createdAt: delivery.createdAt.toISOString(),
  attempts: delivery.attempts.map((attempt) => ({ ...attempt, startedAt: attempt.startedAt.toISOString() })),
});
const ZSecret = z.string().meta({ description: "whsec_…: the signing secret, in this response only. Verify requests with a Standard Webhooks library." });

export const listWebhooksEndpoint = defineEndpoint(
  { method: "get", path: "/webhooks", operationId: "listWebhookEndpoints", tag: TAG, summary: "List webhook endpoints", description: "Oldest first. Never the signing secrets.", minimumRole: "VIEWER", what: "read webhook endpoints", response: dataOf(z.array(ZApiWebhookEndpoint), "WebhookEndpointList") },
  async ({ principal }) => ({ data: (await listWebhookEndpoints(principal.team.id)).map(toApi) }),
);

export const createWebhookEndpointEndpoint = defineEndpoint(
  {
    method: "post",
    path: "/webhooks",
    operationId: "createWebhookEndpoint",
    tag: TAG,
    summary: "Add a webhook endpoint",
    description: "The URL must be https:// on a public address. The signing secret is in this response only; it is stored encrypted.",
    minimumRole: "MEMBER",
    what: "manage webhooks",
    body: ZWebhookEndpointInput.meta({ id: "WebhookEndpointInput" }),
    response: dataOf(z.object({ endpoint: ZApiWebhookEndpoint, secret: ZSecret }), "CreatedWebhookEndpointResponse"),
    successStatus: 201,
    errors: ["invalid_input"],
  },
  async ({ principal, body }) => {
    const { endpoint, secret } = await createWebhookEndpoint(principal.team.id, principal.actor, body);
    return { data: { endpoint: toApi(endpoint), secret } };
  },
);

export const getWebhookEndpointEndpoint = defineEndpoint(
  { method: "get", path: "/webhooks/{endpointId}", operationId: "getWebhookEndpoint", tag: TAG, summary: "Get a webhook endpoint", minimumRole: "VIEWER", what: "read webhook endpoints", params: ZEndpointParams, response: dataOf(ZApiWebhookEndpoint, "WebhookEndpointResponse"), errors: ["not_found"] },
  async ({ principal, params }) => {
    const endpoint = await getWebhookEndpoint(principal.team.id, params.endpointId);
    if (!endpoint) throw NOT_FOUND();
    return { data: toApi(endpoint) };
  },
);

export const updateWebhookEndpointEndpoint = defineEndpoint(
  {
    method: "put",
    path: "/webhooks/{endpointId}",
    operationId: "updateWebhookEndpoint",
    tag: TAG,
    summary: "Change a webhook endpoint",
    description: "Replaces URL, description, event types and enabled. Enabling a disabled endpoint starts a new failure window.",
    minimumRole: "MEMBER",
    what: "manage webhooks",
    params: ZEndpointParams,
    body: ZWebhookEndpointInput,
    response: dataOf(ZApiWebhookEndpoint, "UpdatedWebhookEndpointResponse"),
    errors: ["not_found", "invalid_input"],
  },
  async ({ principal, params, body }) => ({ data: toApi(await updateWebhookEndpoint(principal.team.id, principal.actor, params.endpointId, body)) }),
);

export const deleteWebhookEndpointEndpoint = defineEndpoint(
  { method: "delete", path: "/webhooks/{endpointId}", operationId: "deleteWebhookEndpoint", tag: TAG, summary: "Delete a webhook endpoint", description: "With its delivery history.", minimumRole: "MEMBER", what: "manage webhooks", params: ZEndpointParams, errors: ["not_found"] },
  async ({ principal, params }) => {
    await deleteWebhookEndpoint(principal.team.id, principal.actor, params.endpointId);
  },
);

export const rotateWebhookSecretEndpoint = defineEndpoint(
  {
    method: "post",
    path: "/webhooks/{endpointId}/rotate-secret",
    operationId: "rotateWebhookSecret",
    tag: TAG,
    summary: "Rotate the signing secret",
    description: "A new secret signs from now on; the previous one also signs (a second signature in webhook-signature) for overlapHours (default 24, 0 to stop at once).",
    minimumRole: "MEMBER",
    what: "manage webhooks",
    params: ZEndpointParams,
    body: ZRotateSecretInput.omit({ endpointId: true }).meta({ id: "RotateWebhookSecretInput" }),
    response: dataOf(z.object({ secret: ZSecret, previousSecretExpiresAt: z.iso.datetime().nullable() }), "RotatedWebhookSecretResponse"),
    errors: ["not_found", "invalid_input"],
  },
  async ({ principal, params, body }) => {
    const { secret, previousSecretExpiresAt } = await rotateWebhookSecret(principal.team.id, principal.actor, params.endpointId, body.overlapHours);
    return { data: { secret, previousSecretExpiresAt: iso(previousSecretExpiresAt) } };
  },
);

export const sendWebhookTestEventEndpoint = defineEndpoint(
  {
    method: "post",
    path: "/webhooks/{endpointId}/test",
    operationId: "sendWebhookTestEvent",
    tag: TAG,
    summary: "Send a test event",
    description: "Queues a webhook.test event for this endpoint only; it is delivered within seconds, signed and retried like any event.",
    minimumRole: "MEMBER",
    what: "manage webhooks",
    params: ZEndpointParams,
    response: dataOf(z.object({ eventId: z.string() }), "WebhookTestEventResponse"),
    successStatus: 201,
    errors: ["not_found", "webhook_disabled"],
  },
  async ({ principal, params }) => ({ data: await sendTestEvent(principal.team.id, principal.actor, params.endpointId) }),
);

export const listWebhookDeliveriesEndpoint = defineEndpoint(
  {
    method: "get",
    path: "/webhooks/{endpointId}/deliveries",
    operationId: "listWebhookDeliveries",
    tag: TAG,
    summary: "List an endpoint's deliveries",
    description: "The last 50 of the last 30 days, newest first, each with its attempts: the request sent and the first KiB of the answer.",
    minimumRole: "VIEWER",
    what: "read webhook endpoints",
    params: ZEndpointParams,
    response: dataOf(z.array(ZApiWebhookDelivery), "WebhookDeliveryList"),
    errors: ["not_found"],
  },
  async ({ principal, params }) => {
    if (!(await getWebhookEndpoint(principal.team.id, params.endpointId))) throw NOT_FOUND();
    return { data: (await listWebhookDeliveries(principal.team.id, params.endpointId)).map(deliveryToApi) };
  },
);

export const resendWebhookDeliveryEndpoint = defineEndpoint(
  {
    method: "post",
    path: "/webhooks/{endpointId}/deliveries/{deliveryId}/resend",
    operationId: "resendWebhookDelivery",
    tag: TAG,
    summary: "Resend a delivery",
    description: "Sends the event again as a new delivery with the same webhook-id.",
    minimumRole: "MEMBER",
    what: "manage webhooks",
    params: z.object({ endpointId: ZId, deliveryId: ZId }),
    response: dataOf(z.object({ deliveryId: ZId }), "ResentWebhookDeliveryResponse"),
    successStatus: 201,
    errors: ["not_found", "webhook_disabled"],
  },
  async ({ principal, params }) => ({ data: await resendDelivery(principal.team.id, principal.actor, params.endpointId, params.deliveryId) }),
);
