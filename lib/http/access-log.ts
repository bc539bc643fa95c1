import "server-only";
// One log line and the HTTP metrics for every request the production server
// answers, written when the response is finished.
import type { IncomingMessage, ServerResponse } from "node:http";
import { routeLabel } from "@/lib/http/route-label";
import { log } from "@/lib/log";
import { getMetrics } from "@/lib/metrics/metrics";
import { getIssuer } from "@/lib/oidc/issuer";

const QUIET_ROUTES = new Set(["/api/health", "/api/ready", "/_next/static", "/favicon.ico"]);

export function observeRequest(request: IncomingMessage, response: ServerResponse): void {
  const started = process.hrtime.bigint();
  response.once("finish", () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const route = routeLabel(request.url, getIssuer().pathname);
    const status = response.statusCode;
    const metrics = getMetrics();
    metrics.httpRequests.inc({ route, method: request.method ?? "GET", status: String(status) });
    metrics.httpDuration.observe({ route }, seconds);
    if (route.startsWith("<issuer>/")) metrics.oidcDocuments.inc({ document: route.endsWith("/jwks") ? "jwks" : "discovery", status: String(status) });
    const fields = { method: request.method, route, status, ms: Math.round(seconds * 1000) };
    if (status >= 500) (QUIET_ROUTES.has(route) ? log.warn : log.error).call(log, fields, "request failed");
    else if (QUIET_ROUTES.has(route)) log.debug(fields, "request");
    else log.info(fields, "request");
  });
}
