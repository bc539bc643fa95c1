import "server-only";
// The thumbprint of the issuer's TLS certificate chain as AWS computes it,
// cached for an hour. The JWKS lives under the issuer, so one host serves
// both and one thumbprint covers them.
import { createThumbprintCache } from "@/lib/oidc/thumbprint";
import type { ThumbprintInfo } from "@/lib/oidc/provider-info";
import { log } from "@/lib/log";

const cache = createThumbprintCache({ ttlMs: 3_600_000 });
const lastSeen = new Map<string, string>();

// A changed thumbprint means the issuer's certificate chain changed: AWS may
// need the new one in the IAM identity provider. Operators see it in the log.
function noteThumbprint(host: string, thumbprint: string): void {
  const previous = lastSeen.get(host);
  if (previous === thumbprint) return;
  lastSeen.set(host, thumbprint);
  if (previous) log.warn({ host, previous, thumbprint }, "issuer TLS thumbprint changed");
  else log.info({ host, thumbprint }, "issuer TLS thumbprint computed");
}

export async function issuerThumbprints(jwksUri: string, refresh: boolean): Promise<ThumbprintInfo> {
  const url = new URL(jwksUri);
  if (url.protocol !== "https:") {
    return { kind: "not-applicable", reason: "The issuer uses http://, so no TLS thumbprint applies; AWS IAM will not accept an http:// provider." };
  }
  try {
    const result = refresh ? await cache.refresh(url) : await cache.get(url);
    if (result.kind !== "computed") return { kind: "not-applicable", reason: result.reason };
    noteThumbprint(`${result.host}:${result.port}`, result.thumbprint);
    return { kind: "computed", value: result.thumbprint, host: `${result.host}:${result.port}`, computedAt: result.computedAt };
  } catch (error) {
    return {
      kind: "unavailable",
      reason: `Could not connect to ${url.host} to read its certificate chain (${error instanceof Error ? error.message : "unknown error"}). If the portal cannot reach its own public address, set OIDC_THUMBPRINT.`,
    };
  }
}
