import "server-only";
// Links from audit events to what they are about, instead of raw IDs: one
// query per type for a page of events, always within the team. An object
// that no longer exists keeps the name the event recorded, marked deleted.
import type { AuditTargetType } from "@/lib/audit/actions";
import { prisma } from "@/lib/db";

export interface AuditTargetLink {
  label: string;
  href: string | null;
  deleted: boolean;
}

interface EventTarget {
  id: string;
  targetType: string | null;
  targetId: string | null;
  metadata: unknown;
}

export async function resolveAuditTargets(teamId: string, events: readonly EventTarget[]): Promise<Map<string, AuditTargetLink>> {
  const idsOf = (type: AuditTargetType) => [...new Set(events.filter((event) => event.targetType === type && event.targetId).map((event) => event.targetId!))];
  const [registries, customers, applications, users, tokens, webhooks, firstApp] = await Promise.all([
    prisma.registry.findMany({ where: { teamId, id: { in: idsOf("registry") } }, select: { id: true, name: true, hostname: true } }),
    prisma.customer.findMany({ where: { teamId, id: { in: idsOf("customer") } }, select: { id: true, name: true, application: { select: { slug: true } } } }),
    prisma.application.findMany({ where: { teamId, id: { in: idsOf("application") } }, select: { id: true, name: true, slug: true } }),
    prisma.membership.findMany({ where: { teamId, userId: { in: idsOf("user") } }, select: { user: { select: { id: true, name: true, email: true } } } }),
    prisma.apiToken.findMany({ where: { teamId, id: { in: idsOf("api_token") } }, select: { id: true, name: true, revokedAt: true } }),
    prisma.webhookEndpoint.findMany({ where: { teamId, id: { in: idsOf("webhook") } }, select: { id: true, url: true } }),
    // Registries belong to the team; their page is reached through any application.
    idsOf("registry").length > 0 ? prisma.application.findFirst({ where: { teamId }, orderBy: { createdAt: "asc" }, select: { slug: true } }) : null,
  ]);
  const found = new Map<string, { label: string; href: string | null }>();
  for (const registry of registries) found.set(`registry:${registry.id}`, { label: registry.name ?? registry.hostname, href: firstApp ? `/apps/${firstApp.slug}/registries/${registry.id}` : null });
  for (const customer of customers) found.set(`customer:${customer.id}`, { label: customer.name, href: `/apps/${customer.application.slug}/customers/${customer.id}` });
  for (const application of applications) found.set(`application:${application.id}`, { label: application.name, href: `/apps/${application.slug}` });
  for (const { user } of users) found.set(`user:${user.id}`, { label: `${user.name} (${user.email})`, href: `/team/members?q=${encodeURIComponent(user.email)}` });
  for (const token of tokens) found.set(`api_token:${token.id}`, { label: token.name, href: "/team/api-tokens" });
  for (const webhook of webhooks) found.set(`webhook:${webhook.id}`, { label: webhook.url, href: `/team/webhooks/${webhook.id}` });

  const links = new Map<string, AuditTargetLink>();
  for (const event of events) {
    if (!event.targetType || !event.targetId) continue;
    const hit = found.get(`${event.targetType}:${event.targetId}`);
    if (hit) links.set(event.id, { ...hit, deleted: false });
    else if (event.targetType === "team") links.set(event.id, { label: "This team", href: null, deleted: false });
    else if (event.targetType === "invite") links.set(event.id, { label: recordedName(event.metadata) ?? "Invite", href: "/team/members", deleted: false });
    else links.set(event.id, { label: recordedName(event.metadata) ?? event.targetId, href: null, deleted: true });
  }
  return links;
}

/** The name an event recorded for its target (metadata name, registry, customer, email, hostname). */
function recordedName(metadata: unknown): string | null {
  if (!metadata || typeof metadata !== "object") return null;
  const record = metadata as Record<string, unknown>;
  for (const key of ["name", "registry", "customer", "email", "hostname", "url"]) {
    if (typeof record[key] === "string" && record[key] !== "") return record[key];
  }
  return null;
}

/**
 * Names of what events' metadata refers to by ID (applicationId, registryId,
 * customerId, applicationIds…), within the team: the audit log shows names,
 * never raw IDs. An ID no longer found is left out (shown as deleted).
 */
export async function resolveMetadataNames(teamId: string, events: readonly { metadata: unknown }[]): Promise<Map<string, string>> {
  const ids = new Set<string>();
  for (const { metadata } of events) {
    if (!metadata || typeof metadata !== "object" || Array.isArray(metadata)) continue;
    for (const [key, value] of Object.entries(metadata)) {
      if (!/Ids?$/.test(key)) continue;
      for (const id of Array.isArray(value) ? value : [value]) if (typeof id === "string" && id.length <= 64) ids.add(id);
    }
  }
  const names = new Map<string, string>();
  if (ids.size === 0) return names;
  const inTeam = { teamId, id: { in: [...ids] } };
  const [applications, registries, customers] = await Promise.all([
    prisma.application.findMany({ where: inTeam, select: { id: true, name: true } }),
    prisma.registry.findMany({ where: inTeam, select: { id: true, name: true, hostname: true } }),
    prisma.customer.findMany({ where: inTeam, select: { id: true, name: true } }),
  ]);
  for (const application of applications) names.set(application.id, application.name);
  for (const registry of registries) names.set(registry.id, registry.name ?? registry.hostname);
  for (const customer of customers) names.set(customer.id, customer.name);
  return names;
}
