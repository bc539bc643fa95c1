// An OpenID Connect issuer for the emulator's tests: discovery document and
// JWKS over HTTP or HTTPS (self-signed, for thumbprint checks), keys made with
// jose, and switches to make it slow or unreachable.
import { execFileSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from "jose";

export interface TestIssuer {
  url: string;
  /** SHA-1 of the served certificate (https only). */
  thumbprint?: string;
  kid: string;
  mint(claims: JWTPayload & { sub: string }, options?: { kid?: string; key?: CryptoKey; alg?: string; expiresInSeconds?: number; now?: number }): Promise<string>;
  /** Replaces the published key by a new one (the old kid disappears). */
  rotate(): Promise<void>;
  /** Delay every response by this many ms. */
  delayMs: number;
  /** Answer 503 to every request. */
  down: boolean;
  requests: number;
  close(): Promise<void>;
}

export async function startTestIssuer(options: { https?: boolean; alg?: "RS256" | "ES256" } = {}): Promise<TestIssuer> {
  const alg = options.alg ?? "RS256";
  let key = await generateKeyPair(alg, { extractable: true });
  let kid = `key-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  let jwk: JWK = { ...(await exportJWK(key.publicKey)), kid, alg, use: "sig" };
  let url = "";
  const handler: http.RequestListener = (request, response) => {
    issuer.requests++;
    setTimeout(() => {
      if (issuer.down) return void response.writeHead(503).end("down");
      if (request.url === "/.well-known/openid-configuration") {
        response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ issuer: url, jwks_uri: `${url}/jwks`, id_token_signing_alg_values_supported: [alg] }));
      } else if (request.url === "/jwks") {
        response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
      } else response.writeHead(404).end();
    }, issuer.delayMs);
  };
  let server: http.Server;
  let thumbprint: string | undefined;
  if (options.https) {
    const certificate = await selfSignedCertificate();
    thumbprint = certificate.thumbprint;
    server = https.createServer({ cert: certificate.cert, key: certificate.key }, handler);
  } else server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `${options.https ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const issuer: TestIssuer = {
    url,
    thumbprint,
    get kid() {
      return kid;
    },
    delayMs: 0,
    down: false,
    requests: 0,
    async mint(claims, mintOptions = {}) {
      const now = Math.floor((mintOptions.now ?? Date.now()) / 1000);
      return new SignJWT({ iss: url, aud: "sts.amazonaws.com", iat: now, nbf: now - 5, exp: now + (mintOptions.expiresInSeconds ?? 300), ...claims })
        .setProtectedHeader({ alg: mintOptions.alg ?? alg, kid: mintOptions.kid ?? kid, typ: "JWT" })
        .sign(mintOptions.key ?? key.privateKey);
    },
    async rotate() {
      key = await generateKeyPair(alg, { extractable: true });
      kid = `key-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
      jwk = { ...(await exportJWK(key.publicKey)), kid, alg, use: "sig" };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return issuer;
}

/** A throwaway certificate for 127.0.0.1 from the openssl command line. */
async function selfSignedCertificate(): Promise<{ cert: string; key: string; thumbprint: string }> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "local-aws-issuer-"));
  try {
    const [keyFile, certFile] = [path.join(directory, "key.pem"), path.join(directory, "cert.pem")];
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", keyFile, "-out", certFile, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
    const cert = fs.readFileSync(certFile, "utf8");
    return { cert, key: fs.readFileSync(keyFile, "utf8"), thumbprint: createHash("sha1").update(new X509Certificate(cert).raw).digest("hex") };
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}
