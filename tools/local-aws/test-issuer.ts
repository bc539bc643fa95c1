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
  /** SHA-1 of the last certificate served (https only): the intermediate when a chain is served. */
  thumbprint?: string;
  /** SHA-1 of the server's own (leaf) certificate (https only). */
  leafThumbprint?: string;
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

export async function startTestIssuer(options: { https?: "self-signed" | "with-intermediate"; alg?: "RS256" | "ES256" } = {}): Promise<TestIssuer> {
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
  let certificates: ServedCertificates | undefined;
  if (options.https) {
    certificates = makeCertificates(options.https === "with-intermediate");
    server = https.createServer({ cert: certificates.chain, key: certificates.key }, handler);
  } else server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `${options.https ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const issuer: TestIssuer = {
    url,
    thumbprint: certificates?.lastThumbprint,
    leafThumbprint: certificates?.leafThumbprint,
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

interface ServedCertificates {
  /** PEM of what the server sends: the leaf, then the intermediate if any. */
  chain: string;
  key: string;
  leafThumbprint: string;
  lastThumbprint: string;
}

/** Throwaway certificates for 127.0.0.1 from the openssl command line: self-signed, or issued by an intermediate of a root. */
function makeCertificates(withIntermediate: boolean): ServedCertificates {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "local-aws-issuer-"));
  const file = (name: string) => path.join(directory, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "ignore" });
  const newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  try {
    fs.writeFileSync(file("ca.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
    fs.writeFileSync(file("leaf.ext"), "subjectAltName=IP:127.0.0.1\n");
    if (!withIntermediate) {
      openssl("req", "-x509", ...newKey, "-keyout", file("leaf.key"), "-out", file("leaf.pem"), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1");
    } else {
      openssl("req", "-x509", ...newKey, "-keyout", file("root.key"), "-out", file("root.pem"), "-days", "1", "-subj", "/CN=local-aws test root", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
      openssl("req", ...newKey, "-keyout", file("intermediate.key"), "-out", file("intermediate.csr"), "-subj", "/CN=local-aws test intermediate");
      openssl("x509", "-req", "-in", file("intermediate.csr"), "-CA", file("root.pem"), "-CAkey", file("root.key"), "-set_serial", "2", "-out", file("intermediate.pem"), "-days", "1", "-extfile", file("ca.ext"));
      openssl("req", ...newKey, "-keyout", file("leaf.key"), "-out", file("leaf.csr"), "-subj", "/CN=127.0.0.1");
      openssl("x509", "-req", "-in", file("leaf.csr"), "-CA", file("intermediate.pem"), "-CAkey", file("intermediate.key"), "-set_serial", "3", "-out", file("leaf.pem"), "-days", "1", "-extfile", file("leaf.ext"));
    }
    const leaf = fs.readFileSync(file("leaf.pem"), "utf8");
    const last = withIntermediate ? fs.readFileSync(file("intermediate.pem"), "utf8") : leaf;
    const sha1 = (pem: string) => createHash("sha1").update(new X509Certificate(pem).raw).digest("hex");
    return { chain: withIntermediate ? leaf + last : leaf, key: fs.readFileSync(file("leaf.key"), "utf8"), leafThumbprint: sha1(leaf), lastThumbprint: sha1(last) };
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}
