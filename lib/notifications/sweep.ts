import "server-only";
// The expiry sweep: every 15 minutes, claimed by one process across the
// cluster (a ScheduledJob row taken with FOR UPDATE SKIP LOCKED and moved to
// its next run), it announces licenses expiring in 7 days and in 1 day,
// expired licenses, API tokens expiring within 7 days and stale registries,
// each once (a NotificationReminder key per announcement, written in the same
// transaction as its event), and deletes what is past its 30 days.
import { prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import type { Prisma } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { recordNotificationEvent } from "@/lib/notifications/outbox";
import type { EventData } from "@/lib/notifications/payloads";
import { registryPageUrl } from "@/lib/notifications/registry-events";
import { DELIVERY_RETENTION_MS } from "@/lib/notifications/webhook-endpoints";

export const SWEEP_JOB = "notifications-expiry-sweep";
export const SWEEP_EVERY_MS = 15 * 60_000;
const DAY = 24 * 3_600_000;

/** Runs the sweep if it is due and no other process has it; returns whether this process ran it. */
export async function runExpirySweepIfDue(clock: { now(): Date }): Promise<boolean> {
  const now = clock.now();
  const claimed = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO "ScheduledJob" (name, "nextRunAt") VALUES (${SWEEP_JOB}, ${now}) ON CONFLICT (name) DO NOTHING`;
    const due = await tx.$queryRaw<{ name: string }[]>`SELECT name FROM "ScheduledJob" WHERE name = ${SWEEP_JOB} AND "nextRunAt" <= ${now} FOR UPDATE SKIP LOCKED`;
    if (due.length === 0) return false;
    await tx.$executeRaw`UPDATE "ScheduledJob" SET "nextRunAt" = ${new Date(now.getTime() + SWEEP_EVERY_MS)} WHERE name = ${SWEEP_JOB}`;
    return true;
  });
  if (!claimed) return false;
  const counts = await runExpirySweep(now);
  if (counts.announced > 0 || counts.deleted > 0) log.info(counts, "notification sweep finished");
  return true;
}

/** Records the event unless its reminder key was recorded before (both in one transaction). */
async function announceOnce<T extends Parameters<typeof recordNotificationEvent>[2]>(teamId: string, key: string, type: T, data: (tx: Prisma.TransactionClient) => Promise<EventData<T>>, now: Date): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const inserted = await tx.notificationReminder.createMany({ data: [{ key, teamId, createdAt: now }], skipDuplicates: true });
    if (inserted.count === 0) return false;
    await recordNotificationEvent(tx, teamId, type, await data(tx), { now });
    return true;
  });
}

export async function runExpirySweep(now: Date): Promise<{ announced: number; deleted: number }> {
  let announced = 0;
  const appUrl = getEnv().APP_URL;
  const customers = await prisma.customer.findMany({
    where: { revokedAt: null, expiresAt: { gt: new Date(now.getTime() - 7 * DAY), lte: new Date(now.getTime() + 7 * DAY) } },
    select: { id: true, teamId: true, name: true, expiresAt: true, applicationId: true, application: { select: { name: true, slug: true } } },
  });
  for (const customer of customers) {
    const expiresAt = customer.expiresAt!;
    const view = { id: customer.id, name: customer.name, applicationId: customer.applicationId, applicationName: customer.application.name, expiresAt: expiresAt.toISOString(), url: `${appUrl}/apps/${customer.application.slug}/customers/${customer.id}` };
    const left = expiresAt.getTime() - now.getTime();
    const stamp = `${customer.id}:${expiresAt.toISOString()}`;
    if (left <= 0) {
      if (await announceOnce(customer.teamId, `${stamp}:expired`, "customer.license_expired", async () => ({ customer: view }), now)) announced++;
    } else {
      const threshold = left <= DAY ? 1 : 7;
      if (await announceOnce(customer.teamId, `${stamp}:expiring-${threshold}`, "customer.license_expiring", async () => ({ customer: view, daysLeft: Math.ceil(left / DAY) }), now)) announced++;
    }
  }

  const tokens = await prisma.apiToken.findMany({ where: { revokedAt: null, expiresAt: { gt: now, lte: new Date(now.getTime() + 7 * DAY) } }, select: { id: true, teamId: true, name: true, displayPrefix: true, expiresAt: true } });
  for (const token of tokens) {
    const data = { apiToken: { id: token.id, name: token.name, displayPrefix: token.displayPrefix, expiresAt: token.expiresAt!.toISOString() }, daysLeft: Math.ceil((token.expiresAt!.getTime() - now.getTime()) / DAY) };
    if (await announceOnce(token.teamId, `${token.id}:token-expiring`, "api_token.expiring", async () => data, now)) announced++;
  }

  const intervalHours = getEnv().REGISTRY_RETEST_INTERVAL_HOURS;
  const stale = await prisma.registry.findMany({
    where: { testStatus: "verified", verifiedAt: { not: null }, lastTestedAt: { lt: new Date(now.getTime() - intervalHours * 3_600_000) } },
    select: { id: true, teamId: true, name: true, hostname: true, provider: true, lastTestedAt: true },
  });
  for (const registry of stale) {
    const key = `${registry.id}:stale:${registry.lastTestedAt!.toISOString()}`;
    const data = async (tx: Prisma.TransactionClient) => ({
      registry: { id: registry.id, name: registry.name, hostname: registry.hostname, provider: registry.provider, testStatus: "verified" as const, url: await registryPageUrl(tx, registry.teamId, registry.id) },
      lastTestedAt: registry.lastTestedAt!.toISOString(),
      intervalHours,
    });
    if (await announceOnce(registry.teamId, key, "registry.stale", data, now)) announced++;
  }
  return { announced, deleted: await deleteExpired(now) };
}

async function deleteExpired(now: Date): Promise<number> {
  const before = new Date(now.getTime() - DELIVERY_RETENTION_MS);
  const [deliveries, emails, reminders] = await Promise.all([
    prisma.webhookDelivery.deleteMany({ where: { createdAt: { lt: before } } }),
    prisma.emailMessage.deleteMany({ where: { createdAt: { lt: before }, status: { not: "pending" } } }),
    prisma.notificationReminder.deleteMany({ where: { createdAt: { lt: new Date(before.getTime() - DELIVERY_RETENTION_MS) } } }),
  ]);
  // An event is kept while a delivery or email still refers to it.
  const events = await prisma.$executeRaw`
    DELETE FROM "NotificationEvent" e WHERE e."createdAt" < ${before} AND e."dispatchedAt" IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM "WebhookDelivery" d WHERE d."eventId" = e.id)
      AND NOT EXISTS (SELECT 1 FROM "EmailMessage" m WHERE e.id = ANY(m."eventIds"))`;
  return deliveries.count + emails.count + reminders.count + events;
}
