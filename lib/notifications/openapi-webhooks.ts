// The OpenAPI 3.1 `webhooks` section: every event the portal POSTs, with its
// body (payloads.ts) and the Standard Webhooks headers.
import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { EVENT_TYPE_INFO, NOTIFICATION_EVENT_TYPES } from "@/lib/notifications/event-types";
import { EVENT_ENVELOPES } from "@/lib/notifications/payloads";

const SIGNATURE_HEADERS = z.object({
  "webhook-id": z.string().meta({ description: "msg_…: the event's ID, the same on retries and resends; deduplicate on it." }),
  "webhook-timestamp": z.string().meta({ description: "Unix seconds when this attempt was signed; refuse ones far from your clock." }),
  "webhook-signature": z.string().meta({ description: "v1,<base64 HMAC-SHA256 of id.timestamp.body> per Standard Webhooks; two, space-separated, during a secret rotation." }),
});

export function registerWebhookEvents(registry: OpenAPIRegistry): void {
  for (const type of NOTIFICATION_EVENT_TYPES) {
    registry.registerWebhook({
      method: "post",
      path: type,
      operationId: `webhook_${type.replace(".", "_")}`,
      tags: ["Webhooks"],
      summary: EVENT_TYPE_INFO[type].label,
      description: `${EVENT_TYPE_INFO[type].description} Signed per Standard Webhooks with the endpoint's secret. Answer 2xx within 10 s; anything else is retried with back-off for 24 hours (Retry-After is honoured). Never carries a secret, a license or a credential.`,
      request: { headers: SIGNATURE_HEADERS, body: { required: true, content: { "application/json": { schema: EVENT_ENVELOPES[type] } } } },
      responses: { 200: { description: "Received (any 2xx)." } },
    });
  }
}
