import "server-only";
// An application's overview as a dashboard: its registries by status, its
// customers, the last 7 days of pulls, and what needs the vendor's attention,
// each with the page to act on. Scoped to the team in every query.
import { prisma } from "@/lib/db";
import { registryViewsUsableBy } from "@/lib/registries/service";
import type { RegistryStatusKind } from "@/lib/registries/status";

export const EXPIRING_SOON_DAYS = 30;
export const ATTENTION_EXPIRY_DAYS = 7;
export const PULL_CHART_DAYS = 7;
/** Refusals of one customer within a day that make it "being refused". */
export const REFUSED_PULLS_THRESHOLD = 5;

export interface AttentionItem {
  kind: "registry-failing" | "registry-unsafe" | "registry-stale" | "license-expiring" | "customer-refused";
  /** One sentence naming what and since when. */
  message: string;
  /** Where to act. */
  href: string;
  action: string;
}

export interface ApplicationDashboard {
  registries: { total: number; byStatus: Partial<Record<RegistryStatusKind, number>> };
  customers: { active: number; expiringSoon: number; expired: number; revoked: number };
  /** Oldest first, one entry per UTC day, days without traffic included. */
  pulls: { day: string; pulls: number; bytes: number }[];
  attention: AttentionItem[];
}

const DAY_MS = 86_400_000;

export async function getApplicationDashboard(teamId: string, application: { id: string; slug: string }, now = new Date()): Promise<ApplicationDashboard> {
  const base = `/apps/${application.slug}`;
  const [registries, customers, pulls, refused] = await Promise.all([
    registryViewsUsableBy(teamId, application.id, now),
    prisma.customer.findMany({ where: { teamId, applicationId: application.id }, select: { id: true, name: true, expiresAt: true, revokedAt: true } }),
    dailyPulls(teamId, application.id, now),
    refusedCustomers(teamId, application.id, now),
  ]);

  const byStatus: Partial<Record<RegistryStatusKind, number>> = {};
  for (const registry of registries) byStatus[registry.status.kind] = (byStatus[registry.status.kind] ?? 0) + 1;

  const attention: AttentionItem[] = [];
  for (const registry of registries) {
    const label = registry.name ?? registry.hostname;
    const href = `${base}/registries/${registry.id}`;
    if (registry.status.kind === "failing") attention.push({ kind: "registry-failing", message: `${label} stopped working: ${registry.status.reason ?? "its last test failed"}`, href, action: "Open the registry" });
    if (registry.status.kind === "unsafe") attention.push({ kind: "registry-unsafe", message: `${label} trusts other teams' tokens; customers cannot pull from it until that is fixed.`, href: `${href}?tab=setup`, action: "Fix the setup" });
    if (registry.status.kind === "stale") attention.push({ kind: "registry-stale", message: `${label} has not been verified recently.`, href, action: "Run the Test" });
  }

  const counts = { active: 0, expiringSoon: 0, expired: 0, revoked: 0 };
  for (const customer of customers) {
    if (customer.revokedAt) counts.revoked += 1;
    else if (customer.expiresAt && customer.expiresAt <= now) counts.expired += 1;
    else {
      counts.active += 1;
      const left = customer.expiresAt ? customer.expiresAt.getTime() - now.getTime() : Infinity;
      if (left <= EXPIRING_SOON_DAYS * DAY_MS) counts.expiringSoon += 1;
      if (left <= ATTENTION_EXPIRY_DAYS * DAY_MS) {
        const days = Math.max(1, Math.ceil(left / DAY_MS));
        attention.push({ kind: "license-expiring", message: `${customer.name}'s license expires in ${days === 1 ? "1 day" : `${days} days`}.`, href: `${base}/customers/${customer.id}`, action: "Extend the license" });
      }
    }
  }
  const names = new Map(customers.map((customer) => [customer.id, customer.name]));
  for (const { customerId, refusals } of refused) {
    const name = names.get(customerId);
    if (name) attention.push({ kind: "customer-refused", message: `${name} was refused ${refusals} times in the last 24 hours.`, href: `${base}/pull-activity?customer=${customerId}&status=refused`, action: "See the refusals" });
  }

  return { registries: { total: registries.length, byStatus }, customers: counts, pulls, attention };
}

async function dailyPulls(teamId: string, applicationId: string, now: Date) {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const since = new Date(today - (PULL_CHART_DAYS - 1) * DAY_MS);
  const rows = await prisma.$queryRaw<{ day: string; pulls: bigint; bytes: bigint | null }[]>`
    SELECT to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD') AS day,
           count(*) FILTER (WHERE action = 'manifest' AND method = 'GET' AND status < 400) AS pulls,
           sum(bytes) AS bytes
    FROM "PullEvent"
    WHERE "teamId" = ${teamId} AND "applicationId" = ${applicationId} AND "createdAt" >= ${since}
    GROUP BY 1`;
  const byDay = new Map(rows.map((row) => [row.day, row]));
  return Array.from({ length: PULL_CHART_DAYS }, (_, index) => {
    const day = new Date(since.getTime() + index * DAY_MS).toISOString().slice(0, 10);
    const row = byDay.get(day);
    return { day, pulls: Number(row?.pulls ?? 0), bytes: Number(row?.bytes ?? 0) };
  });
}

async function refusedCustomers(teamId: string, applicationId: string, now: Date) {
  const rows = await prisma.pullEvent.groupBy({
    by: ["customerId"],
    where: { teamId, applicationId, customerId: { not: null }, status: { in: [401, 403] }, createdAt: { gte: new Date(now.getTime() - DAY_MS) } },
    _count: { _all: true },
  });
  return rows.filter((row) => row.customerId && row._count._all >= REFUSED_PULLS_THRESHOLD).map((row) => ({ customerId: row.customerId!, refusals: row._count._all }));
}
