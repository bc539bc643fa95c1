// Audit events in plain words, for the audit log page and its CSV export. Pure.
import { readAuditChanges } from "@/lib/audit/changes";
import { AUTH_TYPE_LABEL, PROVIDER_LABEL } from "@/lib/registries/providers";
import { ROLE_LABEL, type TeamRole } from "@/lib/teams/roles";

const ACTION_TEXT: Record<string, string> = {
  "auth.signed_up": "Created the team",
  "auth.signed_in": "Signed in",
  "team.created": "Created the team",
  "team.member_invited": "Invited a member",
  "team.invite_revoked": "Revoked an invite",
  "team.member_joined": "Joined the team",
  "team.member_removed": "Removed a member",
  "team.member_role_changed": "Changed a member's role",
  "application.created": "Created an application",
  "application.renamed": "Renamed an application",
  "application.deleted": "Deleted an application",
  "registry.created": "Added a registry",
  "registry.updated": "Changed a registry",
  "registry.secret_replaced": "Replaced a registry's credentials",
  "registry.deleted": "Removed a registry",
  "registry.tested": "Tested a registry",
  "customer.created": "Added a customer",
  "customer.updated": "Changed a customer",
  "customer.revoked": "Revoked a customer's license",
  "customer.restored": "Restored a customer's license",
  "customer.license_regenerated": "Regenerated a customer's license",
  "customer.entitlements_updated": "Changed which images a customer may pull",
  "customer.airgap_link_created": "Made an air-gap download link for a customer",
  "channel.created": "Added a channel",
  "channel.updated": "Changed a channel",
  "channel.deleted": "Deleted a channel",
  "application.customer_page_changed": "Switched the customer page on or off",
  "oidc.thumbprint_refreshed": "Refreshed the issuer certificate thumbprint",
  "api_token.created": "Created an API token",
  "api_token.revoked": "Revoked an API token",
  "api.request": "Called the API",
  "webhook.created": "Added a webhook endpoint",
  "webhook.updated": "Changed a webhook endpoint",
  "webhook.deleted": "Removed a webhook endpoint",
  "webhook.secret_rotated": "Rotated a webhook signing secret",
  "webhook.test_sent": "Sent a webhook test event",
  "webhook.delivery_resent": "Resent a webhook delivery",
  "webhook.disabled": "Disabled a failing webhook endpoint",
  "notifications.preferences_changed": "Changed email notification preferences",
};

const TARGET_TEXT: Record<string, string> = {
  team: "Team",
  user: "User",
  invite: "Invite",
  application: "Application",
  registry: "Registry",
  customer: "Customer",
  channel: "Channel",
  api_token: "API token",
  webhook: "Webhook endpoint",
};

export function describeAction(action: string): string {
  return ACTION_TEXT[action] ?? action;
}

export function describeTargetType(targetType: string): string {
  return TARGET_TEXT[targetType] ?? targetType;
}

/** Names of the applications, registries and customers an event's metadata refers to by ID (lib/audit/targets.ts). */
export type AuditNames = ReadonlyMap<string, string>;

/**
 * The event's metadata as short lines: a from/to pair becomes "A → B", other
 * keys "Key: value". Roles, providers and auth types are shown by their
 * labels; an ID of an application, registry or customer by its name
 * ("Application: Shop", not "Application id: cmx…").
 */
export function describeMetadata(metadata: unknown, names: AuditNames = new Map()): string[] {
  if (!metadata || typeof metadata !== "object" || Array.isArray(metadata)) return [];
  const changes = readAuditChanges(metadata);
  // "changes" (lib/audit/changes.ts) says the same as the older "changed" list, with values.
  const entries = Object.entries(metadata as Record<string, unknown>).filter(
    ([key, value]) => value !== null && value !== undefined && value !== "" && key !== "changes" && !(key === "changed" && changes.length > 0),
  );
  const lines: string[] = changes.map((change) =>
    "changed" in change ? `${change.field}: changed` : `${change.field}: ${formatChangeValue(change.from, change.field)} → ${formatChangeValue(change.to, change.field)}`,
  );
  const record = Object.fromEntries(entries);
  if ("from" in record && "to" in record) lines.push(`${formatValue(record.from)} → ${formatValue(record.to)}`);
  for (const [key, value] of entries) {
    if ((key === "from" || key === "to") && "from" in record && "to" in record) continue;
    const reference = /^(.+?)Ids?$/.exec(key);
    if (reference && (typeof value === "string" || Array.isArray(value))) {
      const ids = Array.isArray(value) ? value : [value];
      lines.push(`${humanize(reference[1]!)}: ${ids.map((id) => (typeof id === "string" ? (names.get(id) ?? "(deleted)") : formatValue(id))).join(", ")}`);
    } else lines.push(`${humanize(key)}: ${formatValue(value, key)}`);
  }
  return lines;
}

/** Labels for values that are codes: the provider ("ecr" → "Amazon ECR") and the auth type, by metadata key or change field. */
const VALUE_LABELS: Record<string, Record<string, string>> = { provider: PROVIDER_LABEL, Provider: PROVIDER_LABEL, authType: AUTH_TYPE_LABEL, "Auth type": AUTH_TYPE_LABEL };

function formatChangeValue(value: unknown, field: string): string {
  if (value === null || value === "" || (Array.isArray(value) && value.length === 0)) return "(none)";
  return formatValue(value, field);
}

function formatValue(value: unknown, key?: string): string {
  if (typeof value === "string") {
    const label = key ? VALUE_LABELS[key]?.[value] : undefined;
    if (label) return label;
    return value in ROLE_LABEL ? ROLE_LABEL[value as TeamRole] : value;
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.map((item) => formatValue(item, key)).join(", ");
  return JSON.stringify(value);
}

function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Who acted: the person's email, the API token's name, or the portal itself. */
export function describeActor(event: { actorEmail: string | null; actorToken?: { name: string } | null }): string {
  if (event.actorEmail) return event.actorEmail;
  if (event.actorToken) return `API token “${event.actorToken.name}”`;
  return "System";
}
