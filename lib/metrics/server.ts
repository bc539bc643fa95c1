import "server-only";
// GET /metrics in Prometheus's text format, on its own listen address
// (METRICS_LISTEN, e.g. 127.0.0.1:9464), never on the portal's public port:
// route names, Test outcomes and key ages are for the operator only.
import http from "node:http";
import { databasePoolStats, prisma } from "@/lib/db";
import { log } from "@/lib/log";
import client from "prom-client";
import { getMetrics, registerGauge } from "@/lib/metrics/metrics";
import { currentKey } from "@/lib/oidc/key-lifecycle";

function registerScrapeTimeGauges(): void {
  registerGauge("portal_db_pool_connections", "Connections in this process's database pool, by state", (gauge) => {
    const stats = databasePoolStats();
    if (!stats) return;
    gauge.set({ state: "total" }, stats.total);
    gauge.set({ state: "idle" }, stats.idle);
    gauge.set({ state: "waiting" }, stats.waiting);
  }, ["state"]);
  registerGauge("portal_oidc_signing_key_age_seconds", "Age of the issuer's current signing key (since it started signing)", async (gauge) => {
    const now = new Date();
    const keys = await prisma.oidcSigningKey.findMany({ select: { id: true, publishedAt: true, signsFrom: true, signsUntil: true, publishedUntil: true } });
    const current = currentKey(keys, now);
    if (current) gauge.set((now.getTime() - current.signsFrom.getTime()) / 1000);
  });
  registerGauge("portal_oidc_published_keys", "Signing keys in the published JWKS", async (gauge) => {
    const now = new Date();
    gauge.set(await prisma.oidcSigningKey.count({ where: { publishedAt: { lte: now }, OR: [{ publishedUntil: null }, { publishedUntil: { gt: now } }] } }));
  });
}

/** Parses METRICS_LISTEN ("host:port", "[::1]:port"). */
export function parseListenAddress(value: string): { host: string; port: number } {
  const index = value.lastIndexOf(":");
  return { host: value.slice(0, index).replace(/^\[|\]$/g, ""), port: Number(value.slice(index + 1)) };
}

/** Metrics of another process of this portal instance (the front process, scripts/portal-proxy.ts), merged into each scrape. */
export type MetricSource = () => Promise<client.MetricObjectWithValues<client.MetricValue<string>>[]>;

export function startMetricsServer(listen: string, otherProcesses: MetricSource[] = []): Promise<http.Server> {
  registerScrapeTimeGauges();
  const { host, port } = parseListenAddress(listen);
  const server = http.createServer((request, response) => {
    if (request.method !== "GET" || (request.url ?? "").split("?")[0] !== "/metrics") {
      response.writeHead(404, { "Content-Type": "text/plain" }).end("Not found: metrics are at /metrics\n");
      return;
    }
    const { registry } = getMetrics();
    scrape(registry, otherProcesses).then(
      (body) => response.writeHead(200, { "Content-Type": registry.contentType }).end(body),
      (error: unknown) => {
        log.error({ err: error }, "metrics collection failed");
        response.writeHead(500, { "Content-Type": "text/plain" }).end("metrics collection failed; see the portal's log\n");
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address();
      log.info({ metricsListen: typeof address === "object" && address ? `${address.address}:${address.port}` : listen }, "metrics listening");
      resolve(server);
    });
  });
}

/** This process's metrics, summed with the other processes' (counters and histograms add up; one that does not answer is left out, and said so in the log). */
async function scrape(registry: client.Registry, otherProcesses: MetricSource[]): Promise<string> {
  if (otherProcesses.length === 0) return registry.metrics();
  const others = await Promise.all(
    otherProcesses.map((source) =>
      source().catch((error: unknown) => {
        log.warn({ err: error instanceof Error ? error.message : String(error) }, "metrics of the portal's front process unavailable; serving this process's only");
        return null;
      }),
    ),
  );
  const all = [await registry.getMetricsAsJSON(), ...others.filter((metrics) => metrics !== null)];
  return client.AggregatorRegistry.aggregate(all as Parameters<typeof client.AggregatorRegistry.aggregate>[0]).metrics();
}
