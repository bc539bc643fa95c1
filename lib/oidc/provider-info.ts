import "server-only";
// What a vendor copies into AWS when creating the OpenID Connect provider.
import { getEnv } from "@/lib/env";
import { getIssuer, STS_AUDIENCE, SUBJECT_TYPE } from "@/lib/oidc/issuer";
import { issuerThumbprints } from "@/lib/oidc/issuer-thumbprint";

export type ThumbprintInfo =
  | { kind: "computed"; value: string; host: string; computedAt: Date }
  | { kind: "configured"; value: string }
  | { kind: "not-applicable" | "unavailable"; reason: string };

/** The thumbprint to put on the AWS provider, or null when none applies or it could not be computed. */
export function thumbprintValue(thumbprint: ThumbprintInfo): string | null {
  return thumbprint.kind === "computed" || thumbprint.kind === "configured" ? thumbprint.value : null;
}

export interface OidcProviderInfo {
  issuerUrl: string;
  audience: typeof STS_AUDIENCE;
  subjectType: typeof SUBJECT_TYPE;
  thumbprint: ThumbprintInfo;
  warnings: string[];
  operatorHints: string[];
}

export async function getOidcProviderInfo(options: { refreshThumbprint?: boolean } = {}): Promise<OidcProviderInfo> {
  const issuer = getIssuer();
  return {
    issuerUrl: issuer.url,
    audience: STS_AUDIENCE,
    subjectType: SUBJECT_TYPE,
    thumbprint: await thumbprintInfo(issuer.jwksUri, options.refreshThumbprint ?? false),
    warnings: issuer.warnings,
    operatorHints: issuer.operatorHints,
  };
}

async function thumbprintInfo(jwksUri: string, refresh: boolean): Promise<ThumbprintInfo> {
  const configured = getEnv().OIDC_THUMBPRINT;
  if (configured) return { kind: "configured", value: configured };
  return issuerThumbprints(jwksUri, refresh);
}
