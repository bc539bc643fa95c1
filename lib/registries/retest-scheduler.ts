import "server-only";
// The scheduled re-test: registries that passed a test once are tested again
// about every REGISTRY_RETEST_INTERVAL_HOURS, so a registry that stops working
// (a deleted role, a revoked key) shows it before a customer's pull fails.
//
// Runs inside each portal process. Several processes share the work through
// the database: a tick claims due registries with one UPDATE … FOR UPDATE
// SKIP LOCKED that sets a lease (retestClaimedAt), so each due registry is
// claimed by exactly one process, and a claimed one is skipped by the others
// until its test has moved lastTestedAt forward (or the lease expired: the
// process died mid-test). Spread out: each registry is due at its own point
// in the last tenth of the interval (a hash of its ID), and a tick takes at
// most a couple per team, well within the team's Test rate limit, which the
// re-test consumes like any other Test.
import { prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { UserFacingError } from "@/lib/http/result";
import { log } from "@/lib/log";
import { registryStaleAfterMs } from "@/lib/registries/service";
import { RateLimitedError, prepareRegistryTest } from "@/lib/registry-test/service";

export const RETEST_TICK_MS = 60_000;
/** A claimed re-test not finished in this time is claimed again (a Test ends within 30 s). */
export const RETEST_LEASE_MS = 10 * 60_000;
/** Per team per tick: the team's limit is 10 Tests a minute, and people share it. */
export const RETESTS_PER_TEAM_PER_TICK = 2;
export const RETESTS_PER_TICK = 20;

export interface RetestTickOptions {
  now?: Date;
  intervalMs?: number;
}

export interface RetestOutcome {
  registryId: string;
  teamId: string;
  outcome: "verified" | "failing" | "unsafe" | "rate_limited" | "skipped" | "error";
}

interface ClaimedRegistry {
  id: string;
  teamId: string;
  publicId: string;
}

/**
 * Claims the registries due now. A registry is due when it passed a test
 * once (verifiedAt set: an edit of its connection clears it), it is verified,
 * failing or unsafe, and its last test is older than 90-100 % of the interval
 * (its own point, from a hash of its ID), so a working one never turns stale.
 */
export async function claimDueRetests(now: Date, intervalMs: number): Promise<ClaimedRegistry[]> {
  const earliest = new Date(now.getTime() - intervalMs * 0.9);
  const leaseExpired = new Date(now.getTime() - RETEST_LEASE_MS);
  return prisma.$queryRaw<ClaimedRegistry[]>`
    WITH due AS (
      SELECT r.id, r."teamId", row_number() OVER (PARTITION BY r."teamId" ORDER BY r."lastTestedAt") AS rank
      FROM "Registry" r
      WHERE r."testStatus" IN ('verified', 'failing', 'unsafe')
        AND r."verifiedAt" IS NOT NULL
        AND r."lastTestedAt" < ${earliest}
        AND r."lastTestedAt" < ${now}::timestamp - (${intervalMs}::double precision * (0.9 + 0.1 * ((hashtext(r.id) & 1023) / 1024.0))) * interval '1 millisecond'
        AND (r."retestClaimedAt" IS NULL OR r."retestClaimedAt" < ${leaseExpired})
    ),
    picked AS (
      SELECT r.id FROM "Registry" r JOIN due ON due.id = r.id
      WHERE due.rank <= ${RETESTS_PER_TEAM_PER_TICK}
      ORDER BY r."lastTestedAt"
      LIMIT ${RETESTS_PER_TICK}
      FOR UPDATE OF r SKIP LOCKED
    )
    UPDATE "Registry" r SET "retestClaimedAt" = ${now}
    FROM picked, "Team" t
    WHERE r.id = picked.id AND t.id = r."teamId"
      AND (r."retestClaimedAt" IS NULL OR r."retestClaimedAt" < ${leaseExpired})
    RETURNING r.id, r."teamId", t."publicId"`;
}

export type NextRetest = { kind: "due_by"; at: Date } | { kind: "due_now" } | { kind: "not_scheduled"; reason: string };

/**
 * When the scheduler re-tests this registry, for its page: between 90 and
 * 100 % of the interval after the last test (its own point, from a hash of
 * its ID), so "by" the end of the interval; a tick a minute later at most.
 */
export function nextScheduledRetest(registry: { testStatus: string; verifiedAt: Date | null; lastTestedAt: Date | null }, options: { intervalMs: number; enabled: boolean; now?: Date }): NextRetest {
  if (!options.enabled) return { kind: "not_scheduled", reason: "Scheduled re-tests are turned off on this portal (REGISTRY_RETEST_ENABLED=false)." };
  if (!registry.verifiedAt || !registry.lastTestedAt || !["verified", "failing", "unsafe"].includes(registry.testStatus)) {
    return { kind: "not_scheduled", reason: "Scheduled re-tests start once a Test passes (and again after each change of how the portal signs in)." };
  }
  const at = new Date(registry.lastTestedAt.getTime() + options.intervalMs + RETEST_TICK_MS);
  return at <= (options.now ?? new Date()) ? { kind: "due_now" } : { kind: "due_by", at };
}

/** One pass: claims the due registries and tests them one after another. */
export async function runRetestTick(options: RetestTickOptions = {}): Promise<RetestOutcome[]> {
  const now = options.now ?? new Date();
  const claimed = await claimDueRetests(now, options.intervalMs ?? registryStaleAfterMs());
  const outcomes: RetestOutcome[] = [];
  for (const registry of claimed) outcomes.push(await retest(registry));
  return outcomes;
}

async function retest(registry: ClaimedRegistry): Promise<RetestOutcome> {
  const fields = { registryId: registry.id, teamId: registry.teamId };
  const started = performance.now();
  try {
    const prepared = await prepareRegistryTest({ id: registry.teamId, publicId: registry.publicId }, null, registry.id, {}, "scheduled");
    const { result } = await prepared.run();
    const outcome = result.verdict === "verified" ? "verified" : result.verdict === "unsafe" ? "unsafe" : "failing";
    const line = { ...fields, verdict: result.verdict, ms: Math.round(performance.now() - started) };
    if (outcome === "verified") log.info(line, "scheduled registry re-test finished");
    else log.warn({ ...line, headline: result.headline }, "scheduled registry re-test found a problem");
    return { ...fields, outcome };
  } catch (error) {
    if (error instanceof RateLimitedError) {
      // The lease holds it back until it expires; then the next tick tries again.
      log.info({ ...fields, retryAfterSeconds: error.retryAfterSeconds }, "scheduled registry re-test postponed: the team's Test limit is reached");
      return { ...fields, outcome: "rate_limited" };
    }
    if (error instanceof UserFacingError) {
      log.info({ ...fields, reason: error.message }, "scheduled registry re-test skipped");
      return { ...fields, outcome: "skipped" };
    }
    log.error({ ...fields, err: error }, "scheduled registry re-test failed to run");
    return { ...fields, outcome: "error" };
  }
}

/**
 * Starts the re-test loop of this process (REGISTRY_RETEST_ENABLED), first
 * tick after a random delay so processes started together do not tick together.
 */
export function startRetestScheduler(): { stop(): void } {
  const env = getEnv();
  if (!env.REGISTRY_RETEST_ENABLED) {
    log.info("scheduled registry re-test disabled (REGISTRY_RETEST_ENABLED=false)");
    return { stop() {} };
  }
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => void tick(), delay);
    timer.unref();
  };
  const tick = async () => {
    try {
      const outcomes = await runRetestTick();
      if (outcomes.length > 0) log.info({ retested: outcomes.length }, "scheduled registry re-test tick");
    } catch (error) {
      log.error({ err: error }, "scheduled registry re-test tick failed");
    }
    schedule(RETEST_TICK_MS * (0.9 + Math.random() * 0.2));
  };
  log.info({ intervalHours: env.REGISTRY_RETEST_INTERVAL_HOURS }, "scheduled registry re-test started");
  schedule(Math.random() * RETEST_TICK_MS);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
