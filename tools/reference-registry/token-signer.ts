// Signs registry bearer tokens the CNCF distribution registry accepts: ES256
// JWTs whose header carries the signing certificate (`x5c`), which the
// registry verifies against the certificate bundle in its config
// (`auth.token.rootcertbundle`). The self-signed certificate is made with the
// openssl command line, as node:crypto cannot issue certificates.
import { execFileSync } from "node:child_process";
import { randomUUID, X509Certificate } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { importPKCS8, SignJWT, type CryptoKey } from "jose";
import type { GrantedAccess } from "./access";

export interface TokenSigner {
  /** The `iss` of every token, as the registry's `auth.token.issuer` must name it. */
  issuer: string;
  /** PEM of the self-signed signing certificate: the registry's root certificate bundle. */
  certificatePem: string;
  mint(input: { subject: string; audience: string; access: GrantedAccess[]; expiresInSeconds: number; now?: number }): Promise<string>;
}

export async function createTokenSigner(options: { issuer: string }): Promise<TokenSigner> {
  const { keyPem, certificatePem } = selfSignedCertificate(options.issuer);
  const key: CryptoKey = await importPKCS8(keyPem, "ES256");
  const x5c = [new X509Certificate(certificatePem).raw.toString("base64")];
  return {
    issuer: options.issuer,
    certificatePem,
    async mint({ subject, audience, access, expiresInSeconds, now = Math.floor(Date.now() / 1000) }) {
      return new SignJWT({ access })
        .setProtectedHeader({ alg: "ES256", typ: "JWT", x5c })
        .setIssuer(options.issuer)
        .setSubject(subject)
        // distribution 2.8 reads `aud` as one string.
        .setAudience(audience)
        .setIssuedAt(now)
        .setNotBefore(now - 5)
        .setExpirationTime(now + expiresInSeconds)
        .setJti(randomUUID())
        .sign(key);
    },
  };
}

function selfSignedCertificate(commonName: string): { keyPem: string; certificatePem: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "token-signer-"));
  try {
    const keyFile = path.join(dir, "key.pem");
    const certFile = path.join(dir, "cert.pem");
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", keyFile, "-out", certFile, "-days", "2", "-subj", `/CN=${commonName.replace(/[^A-Za-z0-9 .:-]/g, "-").slice(0, 60)}`],
      { stdio: "ignore" },
    );
    return { keyPem: fs.readFileSync(keyFile, "utf8"), certificatePem: fs.readFileSync(certFile, "utf8") };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
