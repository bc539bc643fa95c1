import "server-only";
// An application's overview as a dashboard: its registries by status, its
// customers and the last 7 days of pulls (what needs attention is
// lib/applications/attention.ts). Scoped to the team in every query.
import { prisma } from "@/lib/db";
import { registryViewsUsableBy } from "@/lib/registries/service";
import type { RegistryStatusKind } from "@/lib/registries/status";

export const EXPIRING_SOON_DAYS = 30;
export const PULL_CHART_DAYS = 7;
export interface ApplicationDashboard {
  registries: { total: number; byStatus: Partial<Record<RegistryStatusKind, number>> };
  customers: { active: number; expiringSoon: number; expired: number; revoked: number };
  /** Oldest first, one entry per UTC day, days without traffic included. */
  pulls: { day: string; pulls: number; bytes: number }[];
}

const DAY_MS = 86_400_000;

export async function getApplicationDashboard(teamId: string, application: { id: string; slug: string }, now = new Date()): Promise<ApplicationDashboard> {
  const [registries, customers, pulls] = await Promise.all([
    registryViewsUsableBy(teamId, application.id, now),
    prisma.customer.findMany({ where: { teamId, applicationId: application.id }, select: { expiresAt: true, revokedAt: true } }),
    dailyPulls(teamId, application.id, now),
  ]);

  const byStatus: Partial<Record<RegistryStatusKind, number>> = {};
  for (const registry of registries) byStatus[registry.status.kind] = (byStatus[registry.status.kind] ?? 0) + 1;

  const counts = { active: 0, expiringSoon: 0, expired: 0, revoked: 0 };
  for (const customer of customers) {
    if (customer.revokedAt) counts.revoked += 1;
    else if (customer.expiresAt && customer.expiresAt <= now) counts.expired += 1;
    else {
      counts.active += 1;
      const left = customer.expiresAt ? customer.expiresAt.getTime() - now.getTime() : Infinity;
      if (left <= EXPIRING_SOON_DAYS * DAY_MS) counts.expiringSoon += 1;
    }
  }
  return { registries: { total: registries.length, byStatus }, customers: counts, pulls };
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
