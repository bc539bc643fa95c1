// The portal's front process: it owns the public port and answers the hot
// paths itself, the registry proxy's /v2/ and the issuer's discovery
// document and JWKS, in a small heap without Next.js (a blob's bytes go from
// the vendor's storage to the client once, through this process only).
// Every other request (pages, server actions, the API) is passed on to the
// Next.js process (scripts/portal-server.ts) over a private Unix socket
// (PORTAL_NEXT_SOCKET), with the client's address already resolved; while
// that process is down (a restart), such requests get a clear 503 and the
// pull path keeps working. Started, and restarted when it stops, by
// scripts/lib/portal-processes.ts; see docs/proxy.md.
import http from "node:http";
import { getEnv } from "@/lib/env";
import { observeRequest } from "@/lib/http/access-log";
import { stampClientAddress } from "@/lib/http/client-address";
import { runWithRequestContext } from "@/lib/http/request-context";
import { buildTransportHeaders } from "@/lib/http/security-headers";
import { log } from "@/lib/log";
import { warmKeySnapshot } from "@/lib/oidc/key-cache";
import { serveIssuerDocument } from "@/lib/oidc/published-response";
import { flushAccessLog } from "@/lib/proxy/access-log";
import { handleProxyRequest } from "@/lib/proxy/handler";
import { handleAirGapRequest } from "@/lib/airgap/handler";
import { forwardToNext } from "./lib/forward-to-next";
import { frontMetricsSocket, serveFrontMetrics } from "./lib/front-metrics";
import { NEXT_SOCKET_ENV } from "./lib/next-socket";

process.on("uncaughtException", (error) => {
  log.fatal({ err: error }, "uncaught exception: stopping");
  process.exit(1);
});
process.on("unhandledRejection", (error) => log.error({ err: error }, "unhandled promise rejection"));
// The supervisor is gone (killed without a chance to stop us): so are we, freeing the port.
process.on("disconnect", () => process.exit(0));

const env = getEnv();
const { PORT: port, LISTEN_HOST: hostname, TRUST_PROXY: trustedProxies } = env;
const nextSocket = process.env[NEXT_SOCKET_ENV];
if (!nextSocket) {
  log.fatal(`${NEXT_SOCKET_ENV} is not set: the front process is started by the portal's supervisor (npm start, or scripts/portal.mjs)`);
  process.exit(1);
}

// The answers given here (the OIDC documents, /v2/) carry the same transport
// headers as pages (HSTS when served over https, nosniff); forwarded requests
// get them from the Next.js process as well.
const transportHeaders = Object.entries(buildTransportHeaders({ https: env.APP_URL.startsWith("https://") || env.PROXY_URL.startsWith("https://") }));
const server = http.createServer((request, response) =>
  runWithRequestContext(request, response, () => {
    for (const [name, value] of transportHeaders) response.setHeader(name, value);
    stampClientAddress(request.headers, request.socket.remoteAddress, trustedProxies);
    if (serveIssuerDocument(request, response)) return observeRequest(request, response);
    if (handleProxyRequest(request, response)) return observeRequest(request, response);
    // The customers' air-gap archives are the pull path's bytes too: streamed here, outside Next.js's heap.
    if (handleAirGapRequest(request, response)) return observeRequest(request, response);
    // Logged and counted by the Next.js process, which answers it.
    forwardToNext(nextSocket, request, response);
  }),
);
// Idle keep-alive connections outlive a load balancer's (60 s on AWS ALB) and
// any client's reuse of them, so no request races the server closing its socket.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
// Next.js in production serves no WebSocket: an upgrade is refused, not hung.
server.on("upgrade", (_request, socket) => socket.end("HTTP/1.1 501 Not Implemented\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"));
warmKeySnapshot();
// Scraped by the Next.js process, which serves METRICS_LISTEN for the whole instance.
const metricsServer = env.METRICS_LISTEN ? serveFrontMetrics(frontMetricsSocket(nextSocket)) : null;
server.listen(port, hostname, () => {
  log.info({ listen: `${hostname ?? "all interfaces"}:${port}` }, "portal front listening");
  process.send?.({ type: "listening" });
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close();
    metricsServer?.close();
    void flushAccessLog().finally(() => process.exit(0));
    server.closeAllConnections();
  });
}
