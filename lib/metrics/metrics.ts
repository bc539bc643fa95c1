// The portal's Prometheus metrics (prom-client). One registry per process,
// kept on globalThis: the production server's bundle and Next.js's bundles each
// hold a copy of this module and must count into the same metrics. Served by
// lib/metrics/server.ts on METRICS_LISTEN only (off by default).
import client from "prom-client";

function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "portal_" });
  return {
    registry,
    httpRequests: new client.Counter({
      name: "portal_http_requests_total",
      help: "HTTP requests answered, by route template, method and status",
      labelNames: ["route", "method", "status"] as const,
      registers: [registry],
    }),
    httpDuration: new client.Histogram({
      name: "portal_http_request_duration_seconds",
      help: "Time to answer an HTTP request, by route template",
      labelNames: ["route"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    oidcDocuments: new client.Counter({
      name: "portal_oidc_document_requests_total",
      help: "Requests for the issuer's discovery document and JWKS, by document and status",
      labelNames: ["document", "status"] as const,
      registers: [registry],
    }),
    registryTests: new client.Counter({
      name: "portal_registry_tests_total",
      help: "Registry Tests finished, by auth type and verdict",
      labelNames: ["auth_type", "verdict"] as const,
      registers: [registry],
    }),
    registryTestDuration: new client.Histogram({
      name: "portal_registry_test_duration_seconds",
      help: "Duration of a registry Test, by auth type",
      labelNames: ["auth_type"] as const,
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 45],
      registers: [registry],
    }),
  };
}

export type PortalMetrics = ReturnType<typeof createMetrics>;

const globalForMetrics = globalThis as unknown as { portalMetrics?: PortalMetrics };

export function getMetrics(): PortalMetrics {
  return (globalForMetrics.portalMetrics ??= createMetrics());
}

/** Registers a gauge whose value is read at scrape time (pool sizes, key age); once per name. */
export function registerGauge(name: string, help: string, collect: (gauge: client.Gauge) => void | Promise<void>, labelNames: string[] = []): void {
  const { registry } = getMetrics();
  if (registry.getSingleMetric(name)) return;
  new client.Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      try {
        await collect(this);
      } catch {
        // A gauge that cannot be read now (the database is down) keeps its last value.
      }
    },
  });
}
