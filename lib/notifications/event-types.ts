// The notification events the portal sends, by webhook and email: what each
// means, who gets its email unless they chose otherwise, and how its emails
// are batched. Pure: the Webhooks form, the preferences page and the worker
// read the same list.
import type { TeamRole } from "@/lib/teams/roles";

export const NOTIFICATION_EVENT_TYPES = [
  "registry.failing",
  "registry.recovered",
  "registry.unsafe",
  "registry.stale",
  "customer.license_expiring",
  "customer.license_expired",
  "customer.pulls_denied",
  "api_token.expiring",
  "webhook.disabled",
  "webhook.test",
] as const;
export type NotificationEventType = (typeof NOTIFICATION_EVENT_TYPES)[number];

/** The types an endpoint can subscribe to (webhook.test goes to the endpoint it was sent to, always). */
export const SUBSCRIBABLE_EVENT_TYPES = NOTIFICATION_EVENT_TYPES.filter((type) => type !== "webhook.test");

export interface EventTypeInfo {
  label: string;
  description: string;
  /** Roles whose members get the email unless they opted out; an empty list: nobody unless they opted in. */
  emailByDefault: readonly TeamRole[];
  /** Whether email for this type can be chosen at all. */
  emailable: boolean;
  /** Emails for the same batch key to the same person within this time join one mail. */
  batchWindowMs: number;
}

const HOUR = 3_600_000;

export const EVENT_TYPE_INFO: Record<NotificationEventType, EventTypeInfo> = {
  "registry.failing": { label: "Registry failing", description: "A test (scheduled or by hand) failed for a registry that had passed.", emailByDefault: ["ADMIN", "MEMBER"], emailable: true, batchWindowMs: HOUR },
  "registry.recovered": { label: "Registry recovered", description: "A failing or unsafe registry passed its test again.", emailByDefault: ["ADMIN", "MEMBER"], emailable: true, batchWindowMs: HOUR },
  "registry.unsafe": { label: "Registry unsafe", description: "The negative check found a role or federation that trusts strangers.", emailByDefault: ["ADMIN", "MEMBER"], emailable: true, batchWindowMs: HOUR },
  "registry.stale": { label: "Registry stale", description: "A registry was not verified within the re-test interval.", emailByDefault: ["ADMIN", "MEMBER"], emailable: true, batchWindowMs: HOUR },
  "customer.license_expiring": { label: "License expiring", description: "A customer's license expires in 7 days, then in 1 day.", emailByDefault: [], emailable: true, batchWindowMs: 24 * HOUR },
  "customer.license_expired": { label: "License expired", description: "A customer's license expired.", emailByDefault: [], emailable: true, batchWindowMs: 24 * HOUR },
  "customer.pulls_denied": { label: "Pulls denied", description: "A customer's license was refused repeatedly within an hour.", emailByDefault: [], emailable: true, batchWindowMs: HOUR },
  "api_token.expiring": { label: "API token expiring", description: "An API token expires within 7 days.", emailByDefault: [], emailable: true, batchWindowMs: 24 * HOUR },
  "webhook.disabled": { label: "Webhook disabled", description: "An endpoint failed for 3 days and the portal disabled it.", emailByDefault: ["ADMIN"], emailable: true, batchWindowMs: 0 },
  "webhook.test": { label: "Test event", description: "Sent with Send test event, to that endpoint only.", emailByDefault: [], emailable: false, batchWindowMs: 0 },
};

export function isNotificationEventType(value: string): value is NotificationEventType {
  return (NOTIFICATION_EVENT_TYPES as readonly string[]).includes(value);
}
