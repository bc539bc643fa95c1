// Metrics on their own listen address, and readiness, against real HTTP
// servers and a real Postgres that goes away.
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { observeRequest } from "@/lib/http/access-log";
import { checkReadiness } from "@/lib/http/readiness";
import { runWithRequestContext } from "@/lib/http/request-context";
import { routeLabel } from "@/lib/http/route-label";
import { startMetricsServer } from "@/lib/metrics/server";
import { getLifecyclePolicy } from "@/lib/oidc/lifecycle-policy";
import { maintainSigningKeys } from "@/lib/oidc/signing-keys";
import { recordTestTelemetry } from "@/lib/registry-test/telemetry";
import { useIsolatedDatabase } from "@/test/support/isolated-database";

let metrics: http.Server;
let metricsUrl: string;
let app: http.Server;
let appUrl: string;
let databaseUrl: string;

beforeAll(async () => {
  databaseUrl = await useIsolatedDatabase("metrics");
  await maintainSigningKeys(getLifecyclePolicy(), new Date());
  metrics = await startMetricsServer("127.0.0.1:0");
  metricsUrl = `http://127.0.0.1:${(metrics.address() as AddressInfo).port}`;
  // A server wired as scripts/portal-server.ts wires the portal.
  app = http.createServer((request, response) =>
    runWithRequestContext(request, response, () => {
      observeRequest(request, response);
      response.writeHead(request.url === "/boom" ? 500 : 200).end("ok");
    }),
  );
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  metrics?.close();
  app?.close();
});

async function scrape(): Promise<string> {
  const response = await fetch(`${metricsUrl}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain");
  return response.text();
}

describe("metrics", () => {
  it("counts HTTP requests by route template and status, and sends each response's request ID", async () => {
    const response = await fetch(`${appUrl}/invite/secret-token-value`);
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await fetch(`${appUrl}/apps/shop`, { headers: { "x-request-id": "lb-request-12345" } });
    expect(echoed.headers.get("x-request-id")).toBe("lb-request-12345");
    const replaced = await fetch(`${appUrl}/apps/shop`, { headers: { "x-request-id": "bad id\twith spaces" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    await fetch(`${appUrl}/boom`);
    await fetch(`${appUrl}/oidc/jwks`);

    const body = await scrape();
    expect(body).toContain('portal_http_requests_total{route="/invite/[token]",method="GET",status="200"} 1');
    expect(body).toContain('portal_http_requests_total{route="/apps/[appSlug]",method="GET",status="200"} 2');
    expect(body).toContain('portal_http_requests_total{route="other",method="GET",status="500"} 1');
    expect(body).toMatch(/portal_http_request_duration_seconds_count\{route="\/apps\/\[appSlug\]"\} 2/);
    expect(body).toContain('portal_oidc_document_requests_total{document="jwks",status="200"} 1');
    expect(body).not.toContain("secret-token-value");
  });

  it("reports Test outcomes and durations, database pool, signing key age and process metrics", async () => {
    const result = { verdict: "failing" as const, headline: "AccessDenied", startedAt: new Date().toISOString(), durationMs: 1500, steps: [] };
    recordTestTelemetry({ teamId: "t1", registryId: "r1", authType: "iam_role", hostname: "111111111111.dkr.ecr.eu-west-1.amazonaws.com" }, result);
    const body = await scrape();
    expect(body).toContain('portal_registry_tests_total{auth_type="iam_role",verdict="failing"} 1');
    expect(body).toContain('portal_registry_test_duration_seconds_bucket{le="2",auth_type="iam_role"} 1');
    expect(body).toMatch(/portal_oidc_signing_key_age_seconds \d/);
    expect(body).toMatch(/portal_oidc_published_keys [1-9]/);
    expect(body).toMatch(/portal_db_pool_connections\{state="total"\} [1-9]/);
    expect(body).toContain("portal_process_resident_memory_bytes");
  });

  it("answers only GET /metrics", async () => {
    expect((await fetch(`${metricsUrl}/`)).status).toBe(404);
    expect((await fetch(`${metricsUrl}/metrics`, { method: "POST" })).status).toBe(404);
  });

  it("labels routes with their templates and keeps nothing from the query", () => {
    expect(routeLabel("/apps/shop/registries/abc?tab=1", "/oidc")).toBe("/apps/[appSlug]/registries/[registryId]");
    expect(routeLabel("/oidc/jwks", "/oidc")).toBe("<issuer>/jwks");
    expect(routeLabel("/sign-in?callbackUrl=%2Fapps", "/oidc")).toBe("/sign-in");
    expect(routeLabel("/some/unknown/path", "/oidc")).toBe("other");
  });
});

describe("readiness", () => {
  it("is ready while the database answers and not ready once it is gone", async () => {
    expect(await checkReadiness()).toEqual({ ready: true, checks: { database: "ok" } });
    const admin = new pg.Client({ connectionString: databaseUrl.replace(/\/[^/]+$/, "/postgres") });
    await admin.connect();
    await admin.query(`DROP DATABASE "${new URL(databaseUrl).pathname.slice(1)}" WITH (FORCE)`);
    await admin.end();
    expect(await checkReadiness()).toEqual({ ready: false, checks: { database: "unreachable" } });
  });
});
