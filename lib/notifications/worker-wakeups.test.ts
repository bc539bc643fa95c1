// The running worker is woken by the database instead of polling: a real
// PostgreSQL's triggers notify the worker's LISTEN connection when work is
// written, the worker sleeps until the next retry falls due, and it gets its
// connection back after the database drops it. Each worker here polls only
// once a minute, so anything that arrives within seconds came from a wake-up.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { signUp } from "@/lib/auth/service";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { createWebhookEndpoint, sendTestEvent } from "@/lib/notifications/webhook-endpoints";
import { ZWebhookEndpointInput } from "@/lib/notifications/webhook-schema";
import { NOTIFICATION_LISTENER_APPLICATION_NAME } from "@/lib/notifications/work-listener";
import { startNotificationWorker, type NotificationWorker } from "@/lib/notifications/worker";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { startWebhookReceiver, type WebhookReceiver } from "@/test/support/webhook-receiver";

const A_MINUTE = 60_000;
let receiver: WebhookReceiver;
let databaseUrl: string;
let worker: NotificationWorker | null = null;
let counter = 0;

beforeAll(async () => {
  databaseUrl = await useIsolatedDatabase("worker_wakeups");
  receiver = await startWebhookReceiver();
  process.env.WEBHOOK_ALLOWED_ORIGINS = receiver.origin;
  resetEnvCache();
});

afterEach(async () => {
  await worker?.stop();
  worker = null;
  receiver.received.length = 0;
  receiver.script = [];
  receiver.fallback = { status: 204 };
});

afterAll(async () => {
  await receiver?.close();
});

async function teamWithEndpoint() {
  const email = `wakeups-${process.pid}-${++counter}@example.com`;
  const { userId, teamId } = await signUp({ name: "Wake-ups", email, password: "a long enough passphrase", teamName: `Wake-ups ${counter}` });
  const actor = { userId, email };
  const { endpoint, secret } = await createWebhookEndpoint(teamId, actor, ZWebhookEndpointInput.parse({ url: receiver.url, eventTypes: ["registry.failing"] }));
  receiver.secrets = [secret];
  return { teamId, actor, endpointId: endpoint.id };
}

/** The worker's LISTEN connections, as the database sees them. */
async function listeners(): Promise<number[]> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1", [NOTIFICATION_LISTENER_APPLICATION_NAME]);
    return rows.map((row) => row.pid);
  } finally {
    await admin.end();
  }
}

async function waitFor<T>(read: () => T | Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what} (last: ${JSON.stringify(value)?.slice(0, 300)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A worker that polls once a minute, once its wake-up connection listens and its first tick has run. */
async function startListeningWorker(): Promise<NotificationWorker> {
  const started = startNotificationWorker({ pollMs: A_MINUTE, idlePollMs: A_MINUTE });
  await waitFor(listeners, (pids) => pids.length === 1, "the worker listens");
  return started;
}

describe("the notification worker's wake-ups", () => {
  it("delivers an event within moments of its commit, woken by the database, not by a poll", async () => {
    const { teamId, actor, endpointId } = await teamWithEndpoint();
    worker = await startListeningWorker();
    const startedAt = Date.now();
    const { eventId } = await sendTestEvent(teamId, actor, endpointId);
    const [hook] = await waitFor(() => receiver.received, (received) => received.length === 1, "the event is delivered", 15_000);
    expect(hook).toMatchObject({ id: eventId, verified: true });
    // A poll would have come after a minute.
    expect(Date.now() - startedAt).toBeLessThan(15_000);
  });

  it("sleeps until a retry falls due and attempts it then", async () => {
    const { teamId, actor, endpointId } = await teamWithEndpoint();
    receiver.script = [{ status: 503, headers: { "retry-after": "2" } }];
    worker = await startListeningWorker();
    await sendTestEvent(teamId, actor, endpointId);
    await waitFor(() => receiver.received, (received) => received.length === 1, "the first attempt", 15_000);
    const firstAt = Date.now();
    await waitFor(() => receiver.received, (received) => received.length === 2, "the retry", 20_000);
    // No sooner than Retry-After asked, and not a minute later at the next poll.
    expect(Date.now() - firstAt).toBeGreaterThanOrEqual(1_500);
    expect(Date.now() - firstAt).toBeLessThan(20_000);
    // Recorded once the receiver's answer is back.
    const delivery = () => prisma.webhookDelivery.findFirstOrThrow({ where: { teamId, endpointId }, select: { status: true, attemptCount: true } });
    await waitFor(delivery, (row) => row.status !== "pending", "the retry is recorded");
    expect(await delivery()).toEqual({ status: "succeeded", attemptCount: 2 });
  });

  it("listens again after the database drops its connection, and catches up on what was written meanwhile", async () => {
    const { teamId, actor, endpointId } = await teamWithEndpoint();
    worker = await startListeningWorker();
    const [before] = await listeners();
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      // Written while the connection is gone: no notification reaches the worker for it.
      await admin.query("SELECT pg_terminate_backend($1)", [before]);
      const { eventId } = await sendTestEvent(teamId, actor, endpointId);
      const [after] = await waitFor(listeners, (pids) => pids.length === 1 && pids[0] !== before, "the worker listens again");
      expect(after).not.toBe(before);
      const [hook] = await waitFor(() => receiver.received, (received) => received.length === 1, "the event written meanwhile is delivered", 15_000);
      expect(hook).toMatchObject({ id: eventId, verified: true });
      // And the new connection wakes it as the first did.
      const { eventId: next } = await sendTestEvent(teamId, actor, endpointId);
      await waitFor(() => receiver.received, (received) => received.some((hook) => hook.id === next), "the next event is delivered", 15_000);
    } finally {
      await admin.end();
    }
  });

  it("closes its connection when stopped", async () => {
    worker = await startListeningWorker();
    await worker.stop();
    worker = null;
    await waitFor(listeners, (pids) => pids.length === 0, "the wake-up connection is closed");
  });
});
