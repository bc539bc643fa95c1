// The body of every notification event (webhook JSON and the email's
// source), one zod schema per type: the worker builds them, the OpenAPI
// document's `webhooks` section documents them. Pure. Never a secret, a
// license or an upstream credential: registries by ID, name and hostname,
// customers by ID and name, tokens by ID, name and prefix.
import { z } from "zod";
import { NOTIFICATION_EVENT_TYPES, type NotificationEventType } from "@/lib/notifications/event-types";

const ZId = z.string().min(1).max(64);
const ZTime = z.iso.datetime();

export const ZEventRegistry = z
  .object({
    id: ZId,
    name: z.string().nullable(),
    hostname: z.string(),
    provider: z.string(),
    testStatus: z.enum(["never", "verified", "failing", "unsafe"]),
    url: z.string().meta({ description: "The registry's page in the portal." }),
  })
  .meta({ id: "EventRegistry" });

export const ZEventTest = z
  .object({
    verdict: z.enum(["verified", "failing", "unsafe"]),
    headline: z.string(),
    trigger: z.enum(["manual", "scheduled"]),
    testedAt: ZTime,
    failedStep: z.object({ id: z.string(), title: z.string(), summary: z.string().nullable(), fix: z.string().nullable() }).nullable(),
  })
  .meta({ id: "EventRegistryTest" });

export const ZEventCustomer = z
  .object({ id: ZId, name: z.string(), applicationId: ZId, applicationName: z.string(), expiresAt: ZTime.nullable(), url: z.string() })
  .meta({ id: "EventCustomer" });

export const ZEventApiToken = z.object({ id: ZId, name: z.string(), displayPrefix: z.string(), expiresAt: ZTime.nullable() }).meta({ id: "EventApiToken" });

export const ZEventEndpoint = z.object({ id: ZId, url: z.string(), description: z.string() }).meta({ id: "EventWebhookEndpoint" });

export const EVENT_DATA_SCHEMAS = {
  "registry.failing": z.object({ registry: ZEventRegistry, test: ZEventTest }),
  "registry.recovered": z.object({ registry: ZEventRegistry, test: ZEventTest, failingSince: ZTime.nullable() }),
  "registry.unsafe": z.object({ registry: ZEventRegistry, test: ZEventTest }),
  "registry.stale": z.object({ registry: ZEventRegistry, lastTestedAt: ZTime.nullable(), intervalHours: z.number() }),
  "customer.license_expiring": z.object({ customer: ZEventCustomer, daysLeft: z.number().int() }),
  "customer.license_expired": z.object({ customer: ZEventCustomer }),
  "customer.pulls_denied": z.object({ customer: ZEventCustomer, deniedCount: z.number().int(), since: ZTime }),
  "api_token.expiring": z.object({ apiToken: ZEventApiToken, daysLeft: z.number().int() }),
  "webhook.disabled": z.object({ endpoint: ZEventEndpoint, failingSince: ZTime }),
  "webhook.test": z.object({ endpoint: ZEventEndpoint, message: z.string() }),
} satisfies Record<NotificationEventType, z.ZodType>;

export type EventData<T extends NotificationEventType> = z.infer<(typeof EVENT_DATA_SCHEMAS)[T]>;

/** What an endpoint receives: the Standard Webhooks envelope with the event's id and team. */
export function eventEnvelopeSchema<T extends NotificationEventType>(type: T) {
  return z
    .object({
      id: z.string().meta({ description: "msg_…, the same as the webhook-id header; the same on retries and resends." }),
      type: z.literal(type),
      timestamp: ZTime,
      team: z.object({ id: ZId, name: z.string() }),
      data: EVENT_DATA_SCHEMAS[type],
    })
    .meta({ id: `${type.replace(/[._](\w)/g, (_, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase())}Event` });
}

export const EVENT_ENVELOPES = Object.fromEntries(NOTIFICATION_EVENT_TYPES.map((type) => [type, eventEnvelopeSchema(type)])) as { [T in NotificationEventType]: ReturnType<typeof eventEnvelopeSchema<T>> };
