// The production HTTP server: Next.js's request handler, with the OIDC
// issuer's discovery document and JWKS answered from memory before it (AWS
// fetches them during every uncached AssumeRoleWithWebIdentity; see
// `npm run bench:oidc`). Run by `npm start`, the end-to-end tests and the
// benchmark with the environment already prepared (PORT, LISTEN_HOST, …).
import http from "node:http";
import path from "node:path";
import next from "next";
import { getEnv } from "@/lib/env";
import { stampClientAddress } from "@/lib/http/client-address";
import { serveIssuerDocument } from "@/lib/oidc/published-response";

const { PORT: port, LISTEN_HOST: hostname, TRUST_PROXY: trustedProxies } = getEnv();
const app = next({ dev: false, dir: path.resolve(import.meta.dirname, ".."), port, ...(hostname ? { hostname } : {}) });
const handle = app.getRequestHandler();
await app.prepare();

const server = http.createServer((request, response) => {
  if (serveIssuerDocument(request, response)) return;
  stampClientAddress(request.headers, request.socket.remoteAddress, trustedProxies);
  void handle(request, response);
});
server.listen(port, hostname, () => console.log(`[portal] listening on ${hostname ?? "all interfaces"}:${port}`));

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close();
    void app.close().finally(() => process.exit(0));
    server.closeAllConnections();
  });
}
