// The portal's OIDC issuer served over real HTTP for integration tests: the
// same lib/oidc code the route handlers use, on a loopback port, with the
// process's OIDC_ISSUER_URL pointed at it so minted tokens carry that `iss`.
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { resetEnvCache } from "@/lib/env";
import { invalidateKeySnapshot } from "@/lib/oidc/key-cache";
import { getLifecyclePolicy } from "@/lib/oidc/lifecycle-policy";
import { publishedDocumentResponse } from "@/lib/oidc/published-response";
import { maintainSigningKeys } from "@/lib/oidc/signing-keys";

export interface TestIssuer {
  url: string;
  close(): Promise<void>;
}

/** Serves the issuer over http, or over https with the given certificate chain (PEM). */
export async function startTestIssuer(options: { tls?: { key: string; cert: string } } = {}): Promise<TestIssuer> {
  const handler: http.RequestListener = (request, response) => {
    const path = new URL(request.url ?? "/", "http://issuer").pathname;
    const pick = path === "/oidc/.well-known/openid-configuration" ? "discovery" : path === "/oidc/jwks" ? "jwks" : null;
    if (!pick) {
      response.writeHead(404).end();
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) if (typeof value === "string") headers.set(name, value);
    publishedDocumentResponse(new Request(`http://issuer${path}`, { headers }), (snapshot) => snapshot[pick])
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
