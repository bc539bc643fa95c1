// The portal's one issuer string: the `iss` claim, the discovery document's
// `issuer`, and what every page shows. AWS compares it byte for byte.
import { getEnv } from "@/lib/env";

// The audience AWS STS expects; defined once, with the policies that name it.
export { STS_AUDIENCE } from "@/lib/aws/trust-policy";
export const SUBJECT_TYPE = "team";

export interface IssuerInfo {
  url: string;
  discoveryUrl: string;
  jwksUri: string;
  /** Path of the issuer on this server ("" for an issuer at the root). */
  pathname: string;
  warnings: string[];
}

export function getIssuer(): IssuerInfo {
  return describeIssuer(getEnv().OIDC_ISSUER_URL);
}

export function describeIssuer(issuerUrl: string): IssuerInfo {
  const url = new URL(issuerUrl);
  const pathname = url.pathname.replace(/\/+$/, "");
  return {
    url: issuerUrl,
    discoveryUrl: `${issuerUrl}/.well-known/openid-configuration`,
    jwksUri: `${issuerUrl}/jwks`,
    pathname,
    warnings: issuerWarnings(url),
  };
}

/** Why AWS would refuse this issuer, in words a vendor's operator can act on. */
export function issuerWarnings(url: URL): string[] {
  const warnings: string[] = [];
  if (url.protocol !== "https:") {
    warnings.push(`The issuer ${url.origin} uses ${url.protocol}//: AWS IAM only accepts https:// OpenID Connect providers. Set APP_URL or OIDC_ISSUER_URL to the portal's public https:// address.`);
  }
  if (url.port) {
    warnings.push(`The issuer has a port (${url.port}): AWS IAM only accepts issuers on the default https port 443.`);
  }
  if (isPrivateHost(url.hostname)) {
    warnings.push(`The issuer's host ${url.hostname} is not reachable from the internet, so AWS cannot fetch the discovery document and keys.`);
  }
  return warnings;
}

export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".internal") || !host.includes(".") && !host.includes(":")) return true;
  const ipv4 = host.match(/^(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (ipv4) {
    const [a, b] = [Number(ipv4[1]), Number(ipv4[2])];
    return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (host.includes(":")) return host === "::1" || host === "::" || /^f[cd]/.test(host) || host.startsWith("fe80") || host.startsWith("::ffff:");
  return false;
}
