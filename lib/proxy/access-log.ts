import "server-only";
// The proxy's access log: one PullEvent per token, manifest and blob request
// of a known customer, queued in memory and written in batches off the
// request path. A slow or failing database never blocks or fails a pull: the
// queue is bounded (the oldest entries are dropped and counted) and a failed
// batch is logged and dropped.
import { prisma } from "@/lib/db";
import { log } from "@/lib/log";
import { isDeniedStatus, noteDeniedPulls } from "@/lib/notifications/pulls-denied";

export interface PullEventInput {
  teamId: string;
  applicationId: string;
  customerId: string | null;
  registryId: string | null;
  action: "token" | "manifest" | "blob" | "tags" | "catalog" | "ping" | "airgap" | "airgap_blob";
  method: string;
  repository: string | null;
  reference: string | null;
  digest: string | null;
  status: number;
  bytes: number;
  durationMs: number;
  upstreamStatus: number | null;
  clientAddress: string | null;
  userAgent: string | null;
  createdAt: Date;
}

const BATCH_SIZE = 500;
const FLUSH_INTERVAL_MS = 1_000;
const MAX_QUEUED = 50_000;

const queue: PullEventInput[] = [];
let timer: NodeJS.Timeout | undefined;
let flushing: Promise<void> | undefined;
export const accessLogStats = { written: 0, dropped: 0, failedBatches: 0 };

/** Queues one event; never throws, never waits. */
export function recordPullEvent(event: PullEventInput): void {
  if (queue.length >= MAX_QUEUED) {
    queue.shift();
    accessLogStats.dropped++;
  }
  queue.push({ ...event, userAgent: event.userAgent?.slice(0, 512) ?? null, repository: event.repository?.slice(0, 512) ?? null, reference: event.reference?.slice(0, 256) ?? null });
  if (queue.length >= BATCH_SIZE) void flushAccessLog();
  else timer ??= setTimeout(() => void flushAccessLog(), FLUSH_INTERVAL_MS).unref();
}

/** Writes everything queued so far (tests and shutdown wait for it). */
export async function flushAccessLog(): Promise<void> {
  if (timer) {
    clearTimeout(timer);
    timer = undefined;
  }
  while (flushing) await flushing;
  if (queue.length === 0) return;
  flushing = writeBatches().finally(() => {
    flushing = undefined;
  });
  await flushing;
}

async function writeBatches(): Promise<void> {
  while (queue.length > 0) {
    const batch = queue.splice(0, BATCH_SIZE);
    try {
      await insertBatch(batch);
      accessLogStats.written += batch.length;
      // Customers being refused (customer.pulls_denied), checked after the write, off the pull path.
      const denied = batch.filter((event) => event.customerId && isDeniedStatus(event.status)).map((event) => ({ teamId: event.teamId, customerId: event.customerId! }));
      if (denied.length > 0) await noteDeniedPulls(denied);
    } catch (error) {
      accessLogStats.failedBatches++;
      accessLogStats.dropped += batch.length;
      log.error({ events: batch.length, err: error instanceof Error ? error.message : "unknown error" }, "proxy access log batch not written");
    }
  }
}

/**
 * One INSERT … SELECT FROM unnest(arrays) per batch: a fixed statement with
 * 16 array parameters, far cheaper to build than a createMany of hundreds of
 * rows on the process that is also streaming blobs.
 */
async function insertBatch(batch: PullEventInput[]): Promise<void> {
  const column = <K extends keyof PullEventInput>(key: K) => batch.map((event) => event[key]);
  await prisma.$executeRawUnsafe(
    `INSERT INTO "PullEvent" ("teamId", "applicationId", "customerId", "registryId", "action", "method", "repository", "reference", "digest", "status", "bytes", "durationMs", "upstreamStatus", "clientAddress", "userAgent", "createdAt")
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int4[], $11::text[]::int8[], $12::int4[], $13::int4[], $14::text[], $15::text[], $16::text[]::timestamp(3)[])`,
    column("teamId"),
    column("applicationId"),
    column("customerId"),
    column("registryId"),
    column("action"),
    column("method"),
    column("repository"),
    column("reference"),
    column("digest"),
    column("status"),
    batch.map((event) => String(Math.max(0, Math.round(event.bytes)))),
    batch.map((event) => Math.min(2_147_483_647, Math.max(0, Math.round(event.durationMs)))),
    column("upstreamStatus"),
    column("clientAddress"),
    column("userAgent"),
    batch.map((event) => event.createdAt.toISOString().replace("Z", "")),
  );
}

/** What a handler learns about its request, for the access log. */
export interface PullRecord {
  digest: string | null;
  upstreamStatus: number | null;
  bytes: number;
  /** The status to log when the response was cut short (a digest mismatch, a client gone). */
  abortedStatus?: number;
}
