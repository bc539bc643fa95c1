// The thumbprint AWS IAM pins for an OpenID Connect provider: SHA-1 of the DER
// of the LAST certificate in the chain the server actually sends (the top
// intermediate, or the leaf when only one is sent), as 40 lower-case hex.
//
// Node's getPeerCertificate(true) links the certificates the server sent and
// then keeps going into the local trust store, appending a root the server
// never sent. To read only what was sent, the connection trusts nothing but a
// dedicated self-signed certificate that no server chain can lead to, so the
// store lookups find nothing. We never trust the connection; we only read it.
import { X509Certificate, createHash } from "node:crypto";
import { isIP } from "node:net";
import tls, { type DetailedPeerCertificate } from "node:tls";

const ISOLATION_CA = `-----BEGIN CERTIFICATE-----
MIIB1DCCAXugAwIBAgIUFNoxEv8h9rhjJ4iAoQkWIIE37/QwCgYIKoZIzj0EAwIw
PzE9MDsGA1UEAww0cmVnaXN0cnktcG9ydGFsIHRodW1icHJpbnQgaXNvbGF0aW9u
IChuZXZlciB0cnVzdGVkKTAgFw0yNjExMjUwMDI0MTVaGA8yMTI2MTEwMTAwMjQx
NVowPzE9MDsGA1UEAww0cmVnaXN0cnktcG9ydGFsIHRodW1icHJpbnQgaXNvbGF0
aW9uIChuZXZlciB0cnVzdGVkKTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABGXU
HP3CIJqkrT9PQfJaCp4kyE11u9kDrKnEGKwkBT+xZHFLx3G+5IvH+FW/TNiyUAqx
reonm+AWvgGhmbqb0vKjUzBRMB0GA1UdDgQWBBSDYnuZYm4odCg/48rmJk7NdXkP
FjAfBgNVHSMEGDAWgBSDYnuZYm4odCg/48rmJk7NdXkPFjAPBgNVHRMBAf8EBTAD
AQH/MAoGCCqGSM49BAMCA0cAMEQCIHXTnEuLZfiLd95+MKWhCKcUJwKdFm9kvyuZ
u99fmXbgAiBmx4DN/PRoPuxnRtXL3axVNYIFQ20ct30NuBQE9YtnQg==
-----END CERTIFICATE-----
`;

export type ThumbprintResult =
  | { kind: "computed"; host: string; port: number; thumbprint: string; subject: string; issuer: string; notAfter: Date; chainLength: number; computedAt: Date }
  | { kind: "not-applicable"; reason: string };

export async function computeTlsThumbprint(target: string | URL, options: { timeoutMs?: number } = {}): Promise<ThumbprintResult> {
  const url = new URL(target);
  if (url.protocol !== "https:") {
    return { kind: "not-applicable", reason: "The issuer uses http://, so no TLS thumbprint applies; AWS IAM will not accept an http:// provider." };
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const port = Number(url.port || 443);
  const chain = await readSentChain(host, port, options.timeoutMs ?? 5000);
  const last = chain[chain.length - 1]!;
  const certificate = new X509Certificate(last.raw);
  return {
    kind: "computed",
    host,
    port,
    thumbprint: createHash("sha1").update(last.raw).digest("hex"),
    subject: certificate.subject.replace(/\n/g, ", "),
    issuer: certificate.issuer.replace(/\n/g, ", "),
    notAfter: new Date(certificate.validTo),
    chainLength: chain.length,
    computedAt: new Date(),
  };
}

function readSentChain(host: string, port: number, timeoutMs: number): Promise<DetailedPeerCertificate[]> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: isIP(host) ? undefined : host, rejectUnauthorized: false, ca: [ISOLATION_CA] });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no TLS handshake with ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const chain: DetailedPeerCertificate[] = [];
      const seen = new Set<string>();
      let certificate: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
      while (certificate?.raw && !seen.has(certificate.fingerprint256)) {
        seen.add(certificate.fingerprint256);
        chain.push(certificate);
        certificate = certificate.issuerCertificate;
      }
      socket.destroy();
      if (chain.length === 0) reject(new Error(`${host}:${port} sent no certificate`));
      else resolve(chain);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/**
 * Thumbprints cached per host for ttlMs; refresh() recomputes on demand. A
 * failed lookup is cached too, for failureTtlMs: while the host is
 * unreachable every page that shows the thumbprint would otherwise wait for
 * the connection timeout again.
 */
export function createThumbprintCache(options: { ttlMs?: number; failureTtlMs?: number; now?: () => number; timeoutMs?: number } = {}) {
  const ttlMs = options.ttlMs ?? 3_600_000;
  const failureTtlMs = options.failureTtlMs ?? 60_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { at: number; failed: boolean; result: Promise<ThumbprintResult> }>();
  const refresh = (target: string | URL) => {
    const url = new URL(target);
    const result = computeTlsThumbprint(url, options.timeoutMs ? { timeoutMs: options.timeoutMs } : {});
    const entry = { at: now(), failed: false, result };
    entries.set(url.host, entry);
    result.catch(() => {
      entry.failed = true;
      entry.at = now();
    });
    return result;
  };
  return {
    get(target: string | URL): Promise<ThumbprintResult> {
      const entry = entries.get(new URL(target).host);
      if (entry && now() - entry.at < (entry.failed ? failureTtlMs : ttlMs)) return entry.result;
      return refresh(target);
    },
    refresh,
  };
}
