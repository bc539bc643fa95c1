// Fetching an OpenID Connect provider's documents the way STS does: plain
// HTTP(S) GET with a deadline, and for https the SHA-1 thumbprint of the last
// certificate in the chain the server sent (what IAM's ThumbprintList pins).
//
// The TLS connection is never trusted, only read. It trusts nothing but a
// throwaway self-signed certificate that no server chain leads to, so Node's
// getPeerCertificate(true) cannot append a root from the local trust store
// that the server never sent.
import { createHash } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { DetailedPeerCertificate, TLSSocket } from "node:tls";

const ISOLATION_CA = `-----BEGIN CERTIFICATE-----
MIIByjCCAW+gAwIBAgIUG+JAITAI4QYnozGchwYqFWUkj4gwCgYIKoZIzj0EAwIw
OTE3MDUGA1UEAwwubG9jYWwtYXdzIHRodW1icHJpbnQgaXNvbGF0aW9uIChuZXZl
ciB0cnVzdGVkKTAgFw0yNjExMjUwODAxMzVaGA8yMTI2MTEwMTA4MDEzNVowOTE3
MDUGA1UEAwwubG9jYWwtYXdzIHRodW1icHJpbnQgaXNvbGF0aW9uIChuZXZlciB0
cnVzdGVkKTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABHBIXNhpMVsAdcQLRar7
wieMnrBPByXoT0lrn8ARLCZTRwmgIh0tbMn51ALnIlYBuRVsiCApuHf3ap3/7OXq
5vGjUzBRMB0GA1UdDgQWBBTaT+PzyDnp93F9rtJK4JOlYqrDZTAfBgNVHSMEGDAW
gBTaT+PzyDnp93F9rtJK4JOlYqrDZTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49
BAMCA0kAMEYCIQD5OQF3BP1qRNCH02H+lxEeHGxC4EXFxRQZj29fUEY3dQIhANmT
AFqwqLVy7iJGGb3/EqGT6A3DT/Z0wH5YiPbMD1FI
-----END CERTIFICATE-----
`;

const MAX_BODY_BYTES = 1_000_000;

export interface FetchedDocument {
  body: unknown;
  /** For https: the thumbprint of the last certificate the server sent. */
  thumbprint?: string;
}

export function fetchJsonDocument(url: string, timeoutMs: number): Promise<FetchedDocument> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const secure = target.protocol === "https:";
    if (!secure && target.protocol !== "http:") return reject(new Error(`unsupported scheme ${target.protocol}`));
    const options = secure ? { agent: false as const, rejectUnauthorized: false, ca: [ISOLATION_CA] } : { agent: false as const };
    const request = (secure ? https : http).get(target, options, (response) => {
      const thumbprint = secure ? lastSentCertificateThumbprint(response.socket as TLSSocket) : undefined;
      if (response.statusCode !== 200) {
        response.resume();
        return reject(new Error(`${url} answered ${response.statusCode}`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) request.destroy(new Error(`${url} sent more than ${MAX_BODY_BYTES} bytes`));
        else chunks.push(chunk);
      });
      response.on("end", () => {
        try {
          resolve({ body: JSON.parse(Buffer.concat(chunks).toString("utf8")), thumbprint });
        } catch {
          reject(new Error(`${url} did not answer JSON`));
        }
      });
      response.on("error", reject);
    });
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`${url} did not answer within ${timeoutMs} ms`)));
    // The deadline covers the whole exchange, not only idle time.
    const deadline = setTimeout(() => request.destroy(new Error(`${url} did not answer within ${timeoutMs} ms`)), timeoutMs);
    request.on("close", () => clearTimeout(deadline));
    request.on("error", reject);
  });
}

function lastSentCertificateThumbprint(socket: TLSSocket): string | undefined {
  const seen = new Set<string>();
  let last: DetailedPeerCertificate | undefined;
  let certificate: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (certificate?.raw && !seen.has(certificate.fingerprint256)) {
    seen.add(certificate.fingerprint256);
    last = certificate;
    certificate = certificate.issuerCertificate;
  }
  return last ? createHash("sha1").update(last.raw).digest("hex") : undefined;
}
