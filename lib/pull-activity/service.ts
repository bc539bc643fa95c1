import "server-only";
// Reading the proxy's access log (PullEvent rows, written by
// lib/proxy/access-log.ts). Every query is scoped by teamId and applicationId.
import { prisma } from "@/lib/db";
import { decodeCursor, INVALID_CURSOR, toPage, type Page, type PageRequest } from "@/lib/db/pagination";
import type { Prisma } from "@/lib/generated/prisma/client";
import { csvRow } from "@/lib/pull-activity/csv";
import { dateRangeOf, type PullActivityFilters } from "@/lib/pull-activity/schema";

export const PULL_ACTIVITY_PAGE_SIZE = 50;
/** The export stops here; the file says so in its last line. */
export const PULL_ACTIVITY_EXPORT_LIMIT = 100_000;
const EXPORT_BATCH = 2_000;

const EVENT_FIELDS = {
  id: true,
  customerId: true,
  registryId: true,
  action: true,
  method: true,
  repository: true,
  reference: true,
  digest: true,
  status: true,
  bytes: true,
  durationMs: true,
  upstreamStatus: true,
  clientAddress: true,
  userAgent: true,
  createdAt: true,
} as const satisfies Prisma.PullEventSelect;

export interface PullEventView {
  id: string;
  customerId: string | null;
  registryId: string | null;
  action: string;
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

function whereOf(teamId: string, applicationId: string, filters: PullActivityFilters): Prisma.PullEventWhereInput {
  const where: Prisma.PullEventWhereInput = { teamId, applicationId };
  if (filters.customer) where.customerId = filters.customer;
  if (filters.image) where.repository = { contains: filters.image, mode: "insensitive" };
  if (filters.action) where.action = filters.action;
  if (filters.status === "success") where.status = { lt: 400 };
  if (filters.status === "refused") where.status = { gte: 400, lt: 500 };
  if (filters.status === "error") where.status = { gte: 500 };
  const range = dateRangeOf(filters);
  if (range.gte || range.lt) where.createdAt = range;
  return where;
}

function toView(row: Prisma.PullEventGetPayload<{ select: typeof EVENT_FIELDS }>): PullEventView {
  return { ...row, id: row.id.toString(), bytes: Number(row.bytes) };
}

/** One page of events, newest first, with the total for the pager. */
export async function listPullEvents(teamId: string, applicationId: string, filters: PullActivityFilters) {
  const where = whereOf(teamId, applicationId, filters);
  const [rows, total] = await Promise.all([
    prisma.pullEvent.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: (filters.page - 1) * PULL_ACTIVITY_PAGE_SIZE, take: PULL_ACTIVITY_PAGE_SIZE, select: EVENT_FIELDS }),
    prisma.pullEvent.count({ where }),
  ]);
  return { events: rows.map(toView), total, page: filters.page, pageCount: Math.max(1, Math.ceil(total / PULL_ACTIVITY_PAGE_SIZE)) };
}

/**
 * The same filters as listPullEvents, one keyset page at a time (newest
 * first), for the REST API: a cursor never shifts while new events arrive.
 */
export async function listPullEventsPage(teamId: string, applicationId: string, filters: Omit<PullActivityFilters, "page">, page: PageRequest): Promise<Page<PullEventView>> {
  const after = page.cursor ? decodeCursor(page.cursor) : null;
  if (after && !/^\d{1,18}$/.test(after.id)) throw INVALID_CURSOR(); // event IDs are numbers
  const where = whereOf(teamId, applicationId, { ...filters, page: 1 });
  const rows = await prisma.pullEvent.findMany({
    where: after ? { AND: [where, { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: BigInt(after.id) } }] }] } : where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: page.limit + 1,
    select: EVENT_FIELDS,
  });
  return toPage(rows.map(toView), page);
}

export const PULL_ACTIVITY_CSV_HEADER = ["time", "customer", "customer_id", "action", "method", "repository", "reference", "digest", "status", "bytes", "duration_ms", "upstream_status", "client_address", "user_agent"];

/**
 * The filtered events as CSV lines, newest first, read in keyset-paginated
 * batches so memory stays flat however large the export.
 */
export async function* pullActivityCsv(teamId: string, applicationId: string, filters: PullActivityFilters): AsyncGenerator<string> {
  const names = new Map((await prisma.customer.findMany({ where: { teamId, applicationId }, select: { id: true, name: true } })).map((c) => [c.id, c.name]));
  yield csvRow(PULL_ACTIVITY_CSV_HEADER);
  const where = whereOf(teamId, applicationId, filters);
  let cursor: bigint | undefined;
  let written = 0;
  while (written < PULL_ACTIVITY_EXPORT_LIMIT) {
    const rows = await prisma.pullEvent.findMany({
      where: cursor === undefined ? where : { AND: [where, { id: { lt: cursor } }] },
      orderBy: { id: "desc" },
      take: Math.min(EXPORT_BATCH, PULL_ACTIVITY_EXPORT_LIMIT - written),
      select: EVENT_FIELDS,
    });
    if (rows.length === 0) return;
    let chunk = "";
    for (const row of rows) {
      chunk += csvRow([
        row.createdAt.toISOString(),
        row.customerId ? (names.get(row.customerId) ?? "(deleted customer)") : "",
        row.customerId,
        row.action,
        row.method,
        row.repository,
        row.reference,
        row.digest,
        row.status,
        row.bytes,
        row.durationMs,
        row.upstreamStatus,
        row.clientAddress,
        row.userAgent,
      ]);
    }
    yield chunk;
    written += rows.length;
    cursor = rows.at(-1)!.id;
    if (rows.length < EXPORT_BATCH) return;
  }
  yield csvRow([`# export stopped at ${PULL_ACTIVITY_EXPORT_LIMIT} rows; narrow the date range to export the rest`]);
}

export interface DailyPullTotals {
  /** YYYY-MM-DD, UTC */
  day: string;
  /** Successful manifest downloads (GET): what a docker pull of one image does at least once. */
  pulls: number;
  bytes: number;
  requests: number;
  failed: number;
}

/** Per-day totals of one customer over the last `days` days (UTC), newest first; days without traffic are left out. */
export async function customerDailyTotals(teamId: string, customerId: string, days = 30, now: Date = new Date()): Promise<DailyPullTotals[]> {
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days - 1) * 86_400_000);
  const rows = await prisma.$queryRaw<{ day: string; pulls: bigint; bytes: bigint | null; requests: bigint; failed: bigint }[]>`
    SELECT to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD') AS day,
           count(*) FILTER (WHERE action = 'manifest' AND method = 'GET' AND status < 400) AS pulls,
           sum(bytes) AS bytes,
           count(*) AS requests,
           count(*) FILTER (WHERE status >= 400) AS failed
    FROM "PullEvent"
    WHERE "teamId" = ${teamId} AND "customerId" = ${customerId} AND "createdAt" >= ${since}
    GROUP BY 1
    ORDER BY 1 DESC`;
  return rows.map((row) => ({ day: row.day, pulls: Number(row.pulls), bytes: Number(row.bytes ?? 0), requests: Number(row.requests), failed: Number(row.failed) }));
}

/** Distinct repositories this application's customers pulled recently, for the customer page's image list. */
export async function recentRepositories(teamId: string, applicationId: string, limit = 20): Promise<string[]> {
  const rows = await prisma.pullEvent.groupBy({
    by: ["repository"],
    where: { teamId, applicationId, action: "manifest", status: { lt: 400 }, repository: { not: null } },
    _max: { createdAt: true },
    orderBy: { _max: { createdAt: "desc" } },
    take: limit,
  });
  return rows.map((row) => row.repository).filter((repository): repository is string => repository !== null);
}
