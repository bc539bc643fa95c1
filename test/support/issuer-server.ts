// The portal's OIDC issuer served over real HTTP(S) for integration tests: the
// same lib/oidc code production uses, on a loopback port, with the process's
// OIDC_ISSUER_URL pointed at it so minted tokens carry that `iss`.
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { GET as discoveryRoute } from "@/app/oidc/.well-known/openid-configuration/route";
import { GET as jwksRoute } from "@/app/oidc/jwks/route";
import { resetEnvCache } from "@/lib/env";
import { invalidateKeySnapshot } from "@/lib/oidc/key-cache";
import { getLifecyclePolicy } from "@/lib/oidc/lifecycle-policy";
import { serveIssuerDocument } from "@/lib/oidc/published-response";
import { maintainSigningKeys } from "@/lib/oidc/signing-keys";

export interface TestIssuer {
  url: string;
  close(): Promise<void>;
}

export interface TestIssuerOptions {
  /** Serve over https with this certificate chain (PEM). */
  tls?: { key: string; cert: string };
  /** "server": the production server's fast path (default); "routes": the Next.js route handlers, as `next dev` serves them. */
  via?: "server" | "routes";
}

export async function startTestIssuer(options: TestIssuerOptions = {}): Promise<TestIssuer> {
  const handler: http.RequestListener = (request, response) => {
    if (options.via !== "routes") {
      if (!serveIssuerDocument(request, response)) response.writeHead(404).end();
      return;
    }
    const url = new URL(request.url ?? "/", "http://issuer");
    const route = url.pathname === "/oidc/.well-known/openid-configuration" ? discoveryRoute : url.pathname === "/oidc/jwks" ? jwksRoute : undefined;
    if (!route) return void response.writeHead(404).end();
    const headers = new Headers(Object.entries(request.headers).flatMap(([name, value]) => (typeof value === "string" ? [[name, value] as [string, string]] : [])));
    route(new Request(url, { headers }))
      .then(async (answer) => {
        response.writeHead(answer.status, Object.fromEntries(answer.headers));
        response.end(Buffer.from(await answer.arrayBuffer()));
      })
      .catch(() => response.writeHead(500).end());
  };
  const server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `${options.tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}/oidc`;
  pointIssuerAt(url);
  await maintainSigningKeys(getLifecyclePolicy(), new Date());
  invalidateKeySnapshot();
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Points the process's issuer (the `iss` of minted tokens) at `url`. */
export function pointIssuerAt(url: string): void {
  process.env.OIDC_ISSUER_URL = url;
  resetEnvCache();
  invalidateKeySnapshot();
}
