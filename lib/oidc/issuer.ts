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
  /** Why AWS would refuse the issuer, in a vendor's words (the operator fixes it). */
  warnings: string[];
  /** The same, with the configuration to change, for the operator area only. */
  operatorHints: string[];
}

let described: IssuerInfo | undefined;

/** The configured issuer, described once per value: every request's access-log line asks for its path. */
export function getIssuer(): IssuerInfo {
  const issuerUrl = getEnv().OIDC_ISSUER_URL;
  if (described?.url !== issuerUrl) described = describeIssuer(issuerUrl);
  return described;
}

export function describeIssuer(issuerUrl: string): IssuerInfo {
  const url = new URL(issuerUrl);
  const pathname = url.pathname.replace(/\/+$/, "");
  return {
    url: issuerUrl,
    discoveryUrl: `${issuerUrl}/.well-known/openid-configuration`,
    jwksUri: `${issuerUrl}/jwks`,
    pathname,
    warnings: issuerWarnings(url).map((warning) => warning.fact),
    operatorHints: issuerWarnings(url).map((warning) => `${warning.fact} ${warning.operatorFix}`),
  };
}

/** Why AWS would refuse this issuer: the fact (for vendors) and what the operator changes. */
export function issuerWarnings(url: URL): { fact: string; operatorFix: string }[] {
  const warnings: { fact: string; operatorFix: string }[] = [];
  if (url.protocol !== "https:") {
    warnings.push({
      fact: `The issuer ${url.origin} uses ${url.protocol}//: AWS IAM only accepts https:// OpenID Connect providers.`,
      operatorFix: "Set APP_URL or OIDC_ISSUER_URL to the portal's public https:// address.",
    });
  }
  if (url.port) {
    warnings.push({ fact: `The issuer has a port (${url.port}): AWS IAM only accepts issuers on the default https port 443.`, operatorFix: "Serve the issuer on port 443 (OIDC_ISSUER_URL without a port)." });
  }
  if (isPrivateHost(url.hostname)) {
    warnings.push({
      fact: `The issuer's host ${url.hostname} is not reachable from the internet, so AWS cannot fetch the discovery document and keys.`,
      operatorFix: "Publish the portal (or at least /oidc/) on a public host name and set OIDC_ISSUER_URL to it.",
    });
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
