// The production HTTP server: Next.js's request handler, with the OIDC
// issuer's discovery document and JWKS answered from memory before it (AWS
// fetches them during every uncached AssumeRoleWithWebIdentity; see
// `npm run bench:oidc`), and the registry proxy's /v2/ (lib/proxy) and the customers' air-gap downloads (lib/airgap). Every request runs in its own context (request ID,
// then team and user) that every log line carries. Run by `npm start`, the
// end-to-end tests and the benchmarks with the environment already prepared
// (PORT, LISTEN_HOST, …); `npm run build` compiles it into Next's standalone
// output (.next/standalone/scripts/portal-server.mjs).
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
import { stampClientAddress } from "@/lib/http/client-address";
import { serveIssuerDocument } from "@/lib/oidc/published-response";
import { flushAccessLog } from "@/lib/proxy/access-log";
import { handleProxyRequest } from "@/lib/proxy/handler";
import { handleAirGapRequest } from "@/lib/airgap/handler";
import { startRetestScheduler } from "@/lib/registries/retest-scheduler";
import { findProjectRoot } from "./lib/project-root";

process.on("uncaughtException", (error) => {
  log.fatal({ err: error }, "uncaught exception: stopping");
  process.exit(1);
});
process.on("unhandledRejection", (error) => log.error({ err: error }, "unhandled promise rejection"));

const env = getEnv();
const { PORT: port, LISTEN_HOST: hostname, TRUST_PROXY: trustedProxies } = env;
const dir = findProjectRoot(import.meta.dirname);
applyStandaloneConfig(dir);
log.info({ config: describeConfiguration(env) }, "portal starting");

const app = next({ dev: false, dir, port, ...(hostname ? { hostname } : {}) });
const handle = app.getRequestHandler();
await app.prepare();

const server = http.createServer((request, response) =>
  runWithRequestContext(request, response, () => {
    observeRequest(request, response);
    if (serveIssuerDocument(request, response)) return;
    stampClientAddress(request.headers, request.socket.remoteAddress, trustedProxies);
    if (handleProxyRequest(request, response)) return;
    if (handleAirGapRequest(request, response)) return;
    void handle(request, response);
  }),
);
// Idle keep-alive connections outlive a load balancer's (60 s on AWS ALB) and
// any client's reuse of them, so no request races the server closing its socket.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
warmKeySnapshot();
server.listen(port, hostname, () => log.info({ listen: `${hostname ?? "all interfaces"}:${port}` }, "portal listening"));
const metricsServer = env.METRICS_LISTEN ? await startMetricsServer(env.METRICS_LISTEN) : null;
const retestScheduler = startRetestScheduler();

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    log.info({ signal }, "stopping");
    server.close();
    metricsServer?.close();
    retestScheduler.stop();
    void Promise.all([app.close(), flushAccessLog()]).finally(() => process.exit(0));
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
