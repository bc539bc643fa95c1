// The subject of `npm run bench:airgap`: the production server's fast paths
// (the OIDC documents, the proxy's /v2/ and the air-gap downloads, answered
// before Next.js exactly as in scripts/portal-server.ts) on a plain node:http
// server. Prints "READY <port> <pid>".
import http from "node:http";
import type { AddressInfo } from "node:net";
import { handleAirGapRequest } from "@/lib/airgap/handler";
import { getEnv } from "@/lib/env";
import { serveIssuerDocument } from "@/lib/oidc/published-response";
import { flushAccessLog } from "@/lib/proxy/access-log";
import { handleProxyRequest } from "@/lib/proxy/handler";

const { PORT: port } = getEnv();
const server = http.createServer((request, response) => {
  if (serveIssuerDocument(request, response) || handleProxyRequest(request, response) || handleAirGapRequest(request, response)) return;
  response.writeHead(404).end();
});
server.listen(port, "127.0.0.1", () => console.log(`READY ${(server.address() as AddressInfo).port} ${process.pid}`));
process.on("SIGTERM", () => {
  server.close();
  server.closeAllConnections();
  void flushAccessLog().finally(() => process.exit(0));
});
