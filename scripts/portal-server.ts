// The production HTTP server: Next.js's request handler, with the OIDC
// issuer's discovery document and JWKS answered from memory before it (AWS
// fetches them during every uncached AssumeRoleWithWebIdentity; see
// `npm run bench:oidc`), and the registry proxy's /v2/ (lib/proxy). Run by `npm start`, the end-to-end tests and the
// benchmark with the environment already prepared (PORT, LISTEN_HOST, …).
import http from "node:http";
import path from "node:path";
import next from "next";
import { getEnv } from "@/lib/env";
import { serveIssuerDocument } from "@/lib/oidc/published-response";
import { flushAccessLog } from "@/lib/proxy/access-log";
import { handleProxyRequest } from "@/lib/proxy/handler";

const { PORT: port, LISTEN_HOST: hostname } = getEnv();
const app = next({ dev: false, dir: path.resolve(import.meta.dirname, ".."), port, ...(hostname ? { hostname } : {}) });
const handle = app.getRequestHandler();
await app.prepare();

const server = http.createServer((request, response) => {
  if (serveIssuerDocument(request, response) || handleProxyRequest(request, response)) return;
  void handle(request, response);
});
server.listen(port, hostname, () => console.log(`[portal] listening on ${hostname ?? "all interfaces"}:${port}`));

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close();
    void Promise.all([app.close(), flushAccessLog()]).finally(() => process.exit(0));
    server.closeAllConnections();
  });
}
