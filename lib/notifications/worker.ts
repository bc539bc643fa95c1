import "server-only";
// The notification worker, one in each portal process. Everything it does is
// a row claimed with FOR UPDATE SKIP LOCKED, so several processes share the
// work and each event is fanned out once, each delivery attempted by one
// process at a time, each email sent once:
//   1. dispatch: new outbox events become webhook deliveries (one per
//      subscribed, enabled endpoint) and emails (one per opted-in member,
//      batched), in one transaction with marking the event dispatched;
//   2. deliver: due deliveries are leased, attempted, and either finished or
//      scheduled again (retry-policy.ts); 3 days of failure disable the endpoint;
//   3. mail: due emails are leased and sent (mailer.ts).
// The clock is injectable (tests advance it). The loop is woken by the
// database when work is written and when the next work falls due, goes again
// at once while there is work, and polls every NOTIFICATION_POLL_MS only while
// it cannot listen (startNotificationWorker).
import { prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import type { Prisma } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { EMAIL_LEASE_MS, mailerConfigured, planEmails, sendDueEmails } from "@/lib/notifications/email";
import { recordNotificationEvent } from "@/lib/notifications/outbox";
import { nextAttemptAt, shouldDisableEndpoint } from "@/lib/notifications/retry-policy";
import { runExpirySweepIfDue, SWEEP_JOB } from "@/lib/notifications/sweep";
import { listenForNotificationWork } from "@/lib/notifications/work-listener";
import { attemptDelivery, type AttemptRecord } from "@/lib/notifications/webhook-delivery";
import { loadSigningSecrets, webhookTrustedOrigins } from "@/lib/notifications/webhook-endpoints";
import { recordAuditEvent } from "@/lib/audit/service";

/** How often the worker polls while it gets no wake-ups from the database (work-listener.ts). */
export const NOTIFICATION_POLL_MS = 500;
/** The longest an idle worker waits while it does: a wake-up lost with a connection is made up for within this. */
export const NOTIFICATION_IDLE_POLL_MS = 15_000;
const RECHECK_DUE_WORK_MS = 250;
/** A delivery claimed longer ago than this (the process died mid-attempt) is claimed again. */
export const DELIVERY_LEASE_MS = 60_000;
const DISPATCH_BATCH = 200;
const DELIVERY_BATCH = 50;
/** Attempts in flight at once per process. */
const DELIVERY_CONCURRENCY = 16;

export interface WorkerClock {
  now(): Date;
}
export const systemClock: WorkerClock = { now: () => new Date() };

export interface WorkerOptions {
  clock?: WorkerClock;
  /** Per attempt; 10 s unless a test wants less. */
  attemptTimeoutMs?: number;
}

interface OutboxRow {
  id: string;
  teamId: string;
  type: string;
  payload: Prisma.JsonValue;
  endpointId: string | null;
  createdAt: Date;
}

/** Fans out the events not yet dispatched. Returns how many it took. */
export async function dispatchEvents(options: WorkerOptions = {}): Promise<number> {
  const now = (options.clock ?? systemClock).now();
  return prisma.$transaction(async (tx) => {
    const events = await tx.$queryRaw<OutboxRow[]>`
      SELECT id, "teamId", type, payload, "endpointId", "createdAt" FROM "NotificationEvent"
      WHERE "dispatchedAt" IS NULL ORDER BY "createdAt" LIMIT ${DISPATCH_BATCH} FOR UPDATE SKIP LOCKED`;
    if (events.length === 0) return 0;
    const teamIds = [...new Set(events.map((event) => event.teamId))];
    const endpoints = await tx.webhookEndpoint.findMany({ where: { teamId: { in: teamIds }, enabled: true }, select: { id: true, teamId: true, eventTypes: true } });
    const deliveries: Prisma.WebhookDeliveryCreateManyInput[] = [];
    for (const event of events) {
      const targets = event.endpointId ? endpoints.filter((e) => e.id === event.endpointId && e.teamId === event.teamId) : endpoints.filter((e) => e.teamId === event.teamId && e.eventTypes.includes(event.type));
      for (const endpoint of targets) deliveries.push({ teamId: event.teamId, endpointId: endpoint.id, eventId: event.id, nextAttemptAt: now, createdAt: now });
      if (!event.endpointId) await planEmails(tx, event, now);
    }
    if (deliveries.length > 0) await tx.webhookDelivery.createMany({ data: deliveries });
    await tx.notificationEvent.updateMany({ where: { id: { in: events.map((event) => event.id) } }, data: { dispatchedAt: now } });
    return events.length;
  });
}

interface ClaimedDelivery {
  id: string;
  teamId: string;
  endpointId: string;
  eventId: string;
  attemptCount: number;
  createdAt: Date;
}

export async function claimDueDeliveries(now: Date, limit = DELIVERY_BATCH): Promise<ClaimedDelivery[]> {
  const leaseExpired = new Date(now.getTime() - DELIVERY_LEASE_MS);
  return prisma.$queryRaw<ClaimedDelivery[]>`
    WITH picked AS (
      SELECT id FROM "WebhookDelivery"
      WHERE status = 'pending' AND "nextAttemptAt" <= ${now}
        AND ("claimedAt" IS NULL OR "claimedAt" < ${leaseExpired})
      ORDER BY "nextAttemptAt" LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE "WebhookDelivery" d SET "claimedAt" = ${now}
    FROM picked WHERE d.id = picked.id
    RETURNING d.id, d."teamId", d."endpointId", d."eventId", d."attemptCount", d."createdAt"`;
}

/** Claims the due deliveries and attempts them. Returns how many it attempted. */
export async function deliverDue(options: WorkerOptions = {}): Promise<number> {
  const clock = options.clock ?? systemClock;
  const claimedAt = clock.now();
  const claimed = await claimDueDeliveries(claimedAt);
  if (claimed.length === 0) return 0;
  const context = await loadDeliveryContext(claimed, clock.now());
  let next = 0;
  const lane = async () => {
    while (next < claimed.length) {
      const delivery = claimed[next++]!;
      try {
        await deliverOne(delivery, claimedAt, context, clock, options);
      } catch (error) {
        // The lease runs out and another tick tries again.
        log.error({ err: error, deliveryId: delivery.id, teamId: delivery.teamId }, "webhook delivery failed to run");
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(DELIVERY_CONCURRENCY, claimed.length) }, lane));
  return claimed.length;
}

/** The JSON body of an event as every endpoint receives it. */
export function eventBody(event: { id: string; type: string; createdAt: Date; payload: Prisma.JsonValue }, team: { id: string; name: string }): string {
  return JSON.stringify({ id: event.id, type: event.type, timestamp: event.createdAt.toISOString(), team, data: event.payload });
}

interface DeliveryContext {
  endpoints: Map<string, { url: string; enabled: boolean; secrets: string[] }>;
  events: Map<string, { id: string; body: string }>;
}

/** The claimed deliveries' endpoints (with their secrets) and events, each read once per batch rather than per delivery. */
async function loadDeliveryContext(claimed: ClaimedDelivery[], now: Date): Promise<DeliveryContext> {
  const byEndpoint = new Map(claimed.map((delivery) => [delivery.endpointId, delivery.teamId]));
  const [endpoints, events] = await Promise.all([
    prisma.webhookEndpoint.findMany({ where: { id: { in: [...byEndpoint.keys()] } }, select: { id: true, teamId: true, url: true, enabled: true } }),
    prisma.notificationEvent.findMany({ where: { id: { in: [...new Set(claimed.map((delivery) => delivery.eventId))] } }, select: { id: true, teamId: true, type: true, createdAt: true, payload: true, team: { select: { id: true, name: true } } } }),
  ]);
  const context: DeliveryContext = { endpoints: new Map(), events: new Map() };
  for (const endpoint of endpoints) {
    // Tenancy: an endpoint serves only its own team's deliveries (checked again in deliverOne).
    if (byEndpoint.get(endpoint.id) !== endpoint.teamId) continue;
    context.endpoints.set(endpoint.id, { url: endpoint.url, enabled: endpoint.enabled, secrets: endpoint.enabled ? await loadSigningSecrets(endpoint.teamId, endpoint.id, now) : [] });
  }
  for (const event of events) context.events.set(`${event.teamId}:${event.id}`, { id: event.id, body: eventBody(event, event.team) });
  return context;
}

async function deliverOne(delivery: ClaimedDelivery, claimedAt: Date, context: DeliveryContext, clock: WorkerClock, options: WorkerOptions): Promise<void> {
  const endpoint = context.endpoints.get(delivery.endpointId);
  const event = context.events.get(`${delivery.teamId}:${delivery.eventId}`);
  const mine = { id: delivery.id, claimedAt };
  if (!endpoint || !event || !endpoint.enabled || endpoint.secrets.length === 0) {
    await prisma.webhookDelivery.updateMany({ where: mine, data: { status: "failed", nextAttemptAt: null, claimedAt: null } });
    return;
  }
  const attempt = await attemptDelivery(endpoint.url, endpoint.secrets, event, { now: clock.now(), trustedOrigins: webhookTrustedOrigins(), ...(options.attemptTimeoutMs ? { timeoutMs: options.attemptTimeoutMs } : {}) });
  await recordAttempt(delivery, mine, attempt, clock.now());
}

async function recordAttempt(delivery: ClaimedDelivery, mine: { id: string; claimedAt: Date }, attempt: AttemptRecord, now: Date): Promise<void> {
  const attemptCount = delivery.attemptCount + 1;
  const retryAt = attempt.succeeded ? null : nextAttemptAt({ createdAt: delivery.createdAt, failedAttempts: attemptCount, now, retryAfterMs: attempt.retryAfterMs });
  const status = attempt.succeeded ? "succeeded" : retryAt ? "pending" : "failed";
  await prisma.$transaction(async (tx) => {
    // Only the lease holder records (a process that outlived its lease does not overwrite another's attempt).
    const updated = await tx.webhookDelivery.updateMany({ where: mine, data: { status, attemptCount, nextAttemptAt: retryAt, claimedAt: null } });
    if (updated.count !== 1) return;
    const { succeeded: _s, retryAfterMs: _r, ...record } = attempt;
    await tx.webhookAttempt.create({ data: { ...record, teamId: delivery.teamId, deliveryId: delivery.id } });
    if (attempt.succeeded) {
      await tx.webhookEndpoint.updateMany({ where: { id: delivery.endpointId, teamId: delivery.teamId, failingSince: { not: null } }, data: { failingSince: null } });
      return;
    }
    await tx.webhookEndpoint.updateMany({ where: { id: delivery.endpointId, teamId: delivery.teamId, failingSince: null }, data: { failingSince: attempt.startedAt } });
    const endpoint = await tx.webhookEndpoint.findFirst({ where: { id: delivery.endpointId, teamId: delivery.teamId }, select: { id: true, url: true, description: true, enabled: true, failingSince: true } });
    if (endpoint?.enabled && endpoint.failingSince && shouldDisableEndpoint(endpoint.failingSince, now)) await disableEndpoint(tx, delivery.teamId, { ...endpoint, failingSince: endpoint.failingSince }, now);
  });
}

async function disableEndpoint(tx: Prisma.TransactionClient, teamId: string, endpoint: { id: string; url: string; description: string; failingSince: Date }, now: Date): Promise<void> {
  const reason = `Every delivery failed from ${endpoint.failingSince.toISOString()} for 3 days, so the portal stopped sending. Fix the endpoint, then enable it again.`;
  await tx.webhookEndpoint.update({ where: { id: endpoint.id }, data: { enabled: false, disabledReason: reason } });
  await tx.webhookDelivery.updateMany({ where: { endpointId: endpoint.id, teamId, status: "pending" }, data: { status: "failed", nextAttemptAt: null, claimedAt: null } });
  await recordAuditEvent(teamId, null, "webhook.disabled", { type: "webhook", id: endpoint.id }, { url: endpoint.url, failingSince: endpoint.failingSince.toISOString() }, tx);
  await recordNotificationEvent(tx, teamId, "webhook.disabled", { endpoint: { id: endpoint.id, url: endpoint.url, description: endpoint.description }, failingSince: endpoint.failingSince.toISOString() }, { now });
  log.warn({ teamId, endpointId: endpoint.id }, "webhook endpoint disabled after 3 days of failures");
}

/** One pass of everything; returns how much work it found. */
export async function runNotificationTick(options: WorkerOptions = {}): Promise<number> {
  const dispatched = await dispatchEvents(options);
  const [delivered, mailed] = await Promise.all([deliverDue(options), sendDueEmails(options.clock ?? systemClock)]);
  return dispatched + delivered + mailed;
}

export interface NotificationWorker {
  /** Runs a tick soon (after an event was recorded in this process). */
  wake(): void;
  stop(): Promise<void>;
}

/**
 * When the next piece of work falls due: the earliest pending delivery or
 * mail (a leased one when its lease runs out) and the expiry sweep's next run;
 * null when nothing waits.
 */
export async function nextWorkDueAt(): Promise<Date | null> {
  // Mails wait for a mailer (sendDueEmails sends none without one).
  const mails = mailerConfigured();
  const [row] = await prisma.$queryRaw<{ due: Date | null }[]>`
    SELECT LEAST(
      (SELECT min(GREATEST("nextAttemptAt", COALESCE("claimedAt" + ${`${DELIVERY_LEASE_MS} milliseconds`}::interval, "nextAttemptAt"))) FROM "WebhookDelivery" WHERE status = 'pending'),
      (SELECT min(GREATEST("sendAfter", COALESCE("claimedAt" + ${`${EMAIL_LEASE_MS} milliseconds`}::interval, "sendAfter"))) FROM "EmailMessage" WHERE status = 'pending' AND ${mails}),
      (SELECT "nextRunAt" FROM "ScheduledJob" WHERE name = ${SWEEP_JOB})
    ) AS due`;
  return row?.due ?? null;
}

/**
 * Starts this process's worker (NOTIFICATIONS_WORKER_ENABLED). It works when
 * woken: by the database when work is written (work-listener.ts), when the
 * next delivery, mail or sweep falls due, at once again while it finds work,
 * and at the latest every idlePollMs (a notification lost with a connection).
 * While the wake-up connection is down it polls every pollMs.
 */
export function startNotificationWorker(options: WorkerOptions & { pollMs?: number; idlePollMs?: number } = {}): NotificationWorker {
  if (!getEnv().NOTIFICATIONS_WORKER_ENABLED) {
    log.info("notification worker disabled (NOTIFICATIONS_WORKER_ENABLED=false)");
    return { wake() {}, stop: async () => {} };
  }
  const clock = options.clock ?? systemClock;
  const pollMs = options.pollMs ?? NOTIFICATION_POLL_MS;
  const idlePollMs = Math.max(pollMs, options.idlePollMs ?? NOTIFICATION_IDLE_POLL_MS);
  let listening = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let wokenWhileRunning = false;
  const schedule = (delay: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void tick(), delay);
    timer.unref();
  };
  const wake = () => {
    if (running) wokenWhileRunning = true;
    else schedule(0);
  };
  const tick = async () => {
    if (running) return;
    let found = 0;
    let dueInMs: number | null = null;
    wokenWhileRunning = false;
    running = (async () => {
      try {
        found = await runNotificationTick(options);
        await runExpirySweepIfDue(clock);
        if (found === 0 && listening) {
          const due = await nextWorkDueAt();
          dueInMs = due ? Math.max(0, due.getTime() - clock.now().getTime()) : null;
        }
      } catch (error) {
        log.error({ err: error }, "notification worker tick failed");
      }
    })();
    await running;
    running = null;
    if (found > 0 || wokenWhileRunning) return schedule(0);
    if (!listening) return schedule(pollMs * (0.8 + Math.random() * 0.4));
    // Due work is waited for to the moment (then up to 100 ms more, spreading the processes), never
    // spun on (work due but not taken by this tick is looked at again in RECHECK_DUE_WORK_MS).
    const untilDue = dueInMs === null ? Infinity : Math.max(RECHECK_DUE_WORK_MS, dueInMs + Math.random() * 100);
    schedule(Math.min(idlePollMs * (0.8 + Math.random() * 0.4), untilDue));
  };
  const databaseUrl = getEnv().DATABASE_URL;
  const listener = databaseUrl
    ? listenForNotificationWork(databaseUrl, {
        // A lost connection is also reported as missed work (onWork): that tick, seeing no listener, polls on.
        onWork: wake,
        onListening: (now) => (listening = now),
      })
    : null;
  schedule(Math.random() * pollMs);
  log.info({ pollMs, idlePollMs }, "notification worker started");
  return {
    wake,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.all([running, listener?.stop()]);
    },
  };
}
