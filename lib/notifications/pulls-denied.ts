import "server-only";
// customer.pulls_denied: after the proxy's access log wrote a batch with
// refused requests of known customers (401/403: license revoked, expired,
// not allowed the repository), a customer refused DENIED_PULLS_THRESHOLD
// times within the last hour is announced, at most once per clock hour.
// Runs after the batch's write, off the pull path; never throws.
import { prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { recordNotificationEvent } from "@/lib/notifications/outbox";

export const DENIED_PULLS_THRESHOLD = 5;
const HOUR = 3_600_000;

export function isDeniedStatus(status: number): boolean {
  return status === 401 || status === 403;
}

export async function noteDeniedPulls(denied: readonly { teamId: string; customerId: string }[], now = new Date()): Promise<void> {
  const unique = new Map(denied.map((entry) => [`${entry.teamId}:${entry.customerId}`, entry]));
  for (const { teamId, customerId } of unique.values()) {
    try {
      await announceIfRepeated(teamId, customerId, now);
    } catch (error) {
      log.warn({ err: error, teamId, customerId }, "denied pulls not checked");
    }
  }
}

async function announceIfRepeated(teamId: string, customerId: string, now: Date): Promise<void> {
  const since = new Date(now.getTime() - HOUR);
  const count = await prisma.pullEvent.count({ where: { teamId, customerId, createdAt: { gte: since }, status: { in: [401, 403] } } });
  if (count < DENIED_PULLS_THRESHOLD) return;
  const customer = await prisma.customer.findFirst({ where: { id: customerId, teamId }, select: { id: true, name: true, expiresAt: true, applicationId: true, application: { select: { name: true, slug: true } } } });
  if (!customer) return;
  await prisma.$transaction(async (tx) => {
    const inserted = await tx.notificationReminder.createMany({ data: [{ key: `${customerId}:pulls-denied:${Math.floor(now.getTime() / HOUR)}`, teamId, createdAt: now }], skipDuplicates: true });
    if (inserted.count === 0) return;
    await recordNotificationEvent(tx, teamId, "customer.pulls_denied", {
      customer: { id: customer.id, name: customer.name, applicationId: customer.applicationId, applicationName: customer.application.name, expiresAt: customer.expiresAt?.toISOString() ?? null, url: `${getEnv().APP_URL}/apps/${customer.application.slug}/customers/${customer.id}` },
      deniedCount: count,
      since: since.toISOString(),
    }, { now });
  });
}
