// The webhook endpoint form's input, shared by Team → Webhooks, its server
// actions and the REST API. Pure: runs in the browser and on the server. The
// server also checks the URL against the outbound rules (webhook-endpoints.ts).
import { z } from "zod";
import { SUBSCRIBABLE_EVENT_TYPES } from "@/lib/notifications/event-types";

export const ZWebhookUrl = z
  .string({ error: "Enter the URL the portal should POST events to." })
  .trim()
  .min(1, { error: "Enter the URL the portal should POST events to, e.g. https://hooks.example.com/portal." })
  .max(2000, { error: "URL must be at most 2000 characters." })
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), { error: "URL must be an absolute https:// URL, e.g. https://hooks.example.com/portal." })
  .refine((value) => !URL.canParse(value) || (!new URL(value).username && !new URL(value).password), { error: "URL must not contain a user name or password; the signature proves the sender." })
  .refine((value) => !URL.canParse(value) || !new URL(value).hash, { error: "URL must not contain a #fragment." })
  .meta({ example: "https://hooks.example.com/portal" });

export const ZWebhookEventTypes = z
  .array(z.enum(SUBSCRIBABLE_EVENT_TYPES as unknown as [string, ...string[]], { error: `Event types must be among ${SUBSCRIBABLE_EVENT_TYPES.join(", ")}.` }), { error: "Choose the event types this endpoint receives." })
  .min(1, { error: "Choose at least one event type." })
  .max(SUBSCRIBABLE_EVENT_TYPES.length)
  .transform((types) => [...new Set(types)].sort());

export const ZWebhookEndpointInput = z.object({
  url: ZWebhookUrl,
  description: z.string().trim().max(200, { error: "Description must be at most 200 characters." }).default(""),
  eventTypes: ZWebhookEventTypes,
  enabled: z.boolean({ error: "enabled must be true or false." }).default(true),
});
export type TWebhookEndpointInput = z.infer<typeof ZWebhookEndpointInput>;

export const ZWebhookEndpointId = z.object({ endpointId: z.string().min(1).max(64) });
export const ZUpdateWebhookEndpointInput = ZWebhookEndpointInput.extend({ endpointId: z.string().min(1).max(64) });
export type TUpdateWebhookEndpointInput = z.infer<typeof ZUpdateWebhookEndpointInput>;
export const ZResendDeliveryInput = z.object({ endpointId: z.string().min(1).max(64), deliveryId: z.string().min(1).max(64) });
/** How long the previous secret keeps signing after a rotation. */
export const ZRotateSecretInput = z.object({ endpointId: z.string().min(1).max(64), overlapHours: z.number().int().min(0, { error: "Overlap must be 0 or more hours." }).max(168, { error: "Overlap must be at most 168 hours (7 days)." }).default(24) });

export const WEBHOOK_SECRET_PREFIX = "whsec_";
