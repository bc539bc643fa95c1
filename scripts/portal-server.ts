// The production HTTP server: Next.js's request handler, with the OIDC
// issuer's discovery document and JWKS answered from memory before it (AWS
// fetches them during every uncached AssumeRoleWithWebIdentity; see
// `npm run bench:oidc`), the registry proxy's /v2/ (lib/proxy) and the customers' air-gap downloads (lib/airgap). Every request runs in its own context (request ID,
// then team and user) that every log line carries. `npm run build` compiles
// it into Next's standalone output (.next/standalone/scripts/portal-server.mjs).
// Normally it runs behind the front process (scripts/portal-proxy.ts, which
// answers /v2/ and the OIDC documents itself): it then listens on the private
// socket PORTAL_NEXT_SOCKET and takes the client address the front resolved.
// Run alone with PORT, it serves everything in one process (docs/proxy.md).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import next from "next";
import { describeConfiguration } from "@/lib/config/describe-configuration";
import { getEnv } from "@/lib/env";
import { observeRequest } from "@/lib/http/access-log";
import { runWithRequestContext } from "@/lib/http/request-context";
import { log } from "@/lib/log";
import { startMetricsServer } from "@/lib/metrics/server";
import { warmKeySnapshot } from "@/lib/oidc/key-cache";
import { acceptStampedClientAddress, stampClientAddress } from "@/lib/http/client-address";
import { refuseMalformedRequest } from "@/lib/http/request-guard";
import { buildTransportHeaders } from "@/lib/http/security-headers";
import { serveIssuerDocument } from "@/lib/oidc/published-response";
import { flushAccessLog } from "@/lib/proxy/access-log";
import { handleProxyRequest } from "@/lib/proxy/handler";
import { startNotificationWorker } from "@/lib/notifications/worker";
import { handleAirGapRequest } from "@/lib/airgap/handler";
import { startRetestScheduler } from "@/lib/registries/retest-scheduler";
import { frontMetricsSocket, frontMetricsSource } from "./lib/front-metrics";
import { NEXT_SOCKET_ENV } from "./lib/next-socket";
import { findProjectRoot } from "./lib/project-root";

process.on("uncaughtException", (error) => {
  log.fatal({ err: error }, "uncaught exception: stopping");
  process.exit(1);
});
process.on("unhandledRejection", (error) => log.error({ err: error }, "unhandled promise rejection"));

const env = getEnv();
const { PORT: port, LISTEN_HOST: hostname, TRUST_PROXY: trustedProxies } = env;
const behindFront = process.env[NEXT_SOCKET_ENV] || null;
// Started by the supervisor, which is gone: so is this process.
if (behindFront) process.on("disconnect", () => process.exit(0));
const dir = findProjectRoot(import.meta.dirname);
applyStandaloneConfig(dir);
log.info({ config: describeConfiguration(env) }, "portal starting");

const app = next({ dev: false, dir, port, ...(hostname ? { hostname } : {}) });
const handle = app.getRequestHandler();
await app.prepare();

// Pages get these from Next.js (proxy.ts) with the rest of their security
// headers; the answers given before Next.js need them too.
const transportHeaders = Object.entries(buildTransportHeaders({ https: env.APP_URL.startsWith("https://") || env.PROXY_URL.startsWith("https://") }));
const server = http.createServer((request, response) =>
  runWithRequestContext(request, response, () => {
    observeRequest(request, response);
    for (const [name, value] of transportHeaders) response.setHeader(name, value);
    if (serveIssuerDocument(request, response)) return;
    // Behind the front, the socket is private to it and the front stamped the address.
    if (behindFront) acceptStampedClientAddress(request.headers);
    else stampClientAddress(request.headers, request.socket.remoteAddress, trustedProxies);
    if (handleProxyRequest(request, response)) return;
    if (handleAirGapRequest(request, response)) return;
    if (refuseMalformedRequest(request, response)) return;
    void handle(request, response);
  }),
);
// Idle keep-alive connections outlive a load balancer's (60 s on AWS ALB) and
// any client's reuse of them, so no request races the server closing its socket.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
warmKeySnapshot();
if (behindFront) {
  // A socket file left by a previous run of this process (a crash) is taken over.
  fs.rmSync(behindFront, { force: true });
  server.listen(behindFront, () => log.info({ listen: "the front process's private socket" }, "portal listening"));
} else {
  server.listen(port, hostname, () => log.info({ listen: `${hostname ?? "all interfaces"}:${port}` }, "portal listening"));
}
// Behind the front, its requests are counted there: each scrape adds them in.
const metricsServer = env.METRICS_LISTEN ? await startMetricsServer(env.METRICS_LISTEN, behindFront ? [frontMetricsSource(frontMetricsSocket(behindFront))] : []) : null;
const retestScheduler = startRetestScheduler();
const notificationWorker = startNotificationWorker();

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    log.info({ signal }, "stopping");
    server.close();
    metricsServer?.close();
    retestScheduler.stop();
    void Promise.all([app.close(), flushAccessLog(), notificationWorker.stop()]).finally(() => process.exit(0));
    server.closeAllConnections();
  });
}

// Next's standalone output has no next.config.js: the build wrote the
// resolved configuration into required-server-files.json, and Next reads it
// from this variable (as the standalone server.js it generates does).
function applyStandaloneConfig(projectDir: string): void {
  const file = path.join(projectDir, ".next", "required-server-files.json");
  if (fs.existsSync(path.join(projectDir, "next.config.js")) || !fs.existsSync(file)) return;
  const { config } = JSON.parse(fs.readFileSync(file, "utf8")) as { config: unknown };
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);
}
