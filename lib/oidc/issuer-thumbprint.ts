import "server-only";
// The thumbprint of the issuer's TLS certificate chain as AWS computes it,
// cached for an hour. The JWKS lives under the issuer, so one host serves
// both and one thumbprint covers them.
import { createThumbprintCache } from "@/lib/oidc/thumbprint";
import type { ThumbprintInfo } from "@/lib/oidc/provider-info";

const cache = createThumbprintCache({ ttlMs: 3_600_000 });

export async function issuerThumbprints(jwksUri: string, refresh: boolean): Promise<ThumbprintInfo> {
  const url = new URL(jwksUri);
  if (url.protocol !== "https:") {
    return { kind: "not-applicable", reason: "The issuer uses http://, so no TLS thumbprint applies; AWS IAM will not accept an http:// provider." };
  }
  try {
    const result = refresh ? await cache.refresh(url) : await cache.get(url);
    if (result.kind !== "computed") return { kind: "not-applicable", reason: result.reason };
    return { kind: "computed", value: result.thumbprint, host: `${result.host}:${result.port}`, computedAt: result.computedAt };
  } catch (error) {
    return {
      kind: "unavailable",
      reason: `Could not connect to ${url.host} to read its certificate chain (${error instanceof Error ? error.message : "unknown error"}). If the portal cannot reach its own public address, set OIDC_THUMBPRINT.`,
    };
  }
}
