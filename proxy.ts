import { NextResponse, type NextRequest } from "next/server";
import { getEnv } from "@/lib/env";
import { buildContentSecurityPolicy, buildSecurityHeaders, createNonce } from "@/lib/http/security-headers";
import { getIssuer } from "@/lib/oidc/issuer";

// Every response gets the security headers (lib/http/security-headers.ts)
// with a fresh script nonce; Next.js reads the policy from the request and
// puts the nonce on its scripts.
//
// The issuer's documents live under app/oidc/. When OIDC_ISSUER_URL has
// another path, serve them at <issuer>/.well-known/openid-configuration and
// <issuer>/jwks as AWS expects, whatever that path is.
export function proxy(request: NextRequest) {
  const nonce = createNonce();
  const options = { https: getEnv().APP_URL.startsWith("https://"), dev: process.env.NODE_ENV === "development" };
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", buildContentSecurityPolicy(nonce, options));
  const response = issuerRewrite(request, requestHeaders) ?? NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(buildSecurityHeaders(nonce, options))) response.headers.set(name, value);
  return response;
}

function issuerRewrite(request: NextRequest, headers: Headers): NextResponse | null {
  const issuerPath = getIssuer().pathname;
  if (issuerPath === "/oidc") return null;
  const path = request.nextUrl.pathname;
  if (path === `${issuerPath}/.well-known/openid-configuration`) {
    return NextResponse.rewrite(new URL("/oidc/.well-known/openid-configuration", request.url), { request: { headers } });
  }
  if (path === `${issuerPath}/jwks`) return NextResponse.rewrite(new URL("/oidc/jwks", request.url), { request: { headers } });
  return null;
}

export const config = { matcher: ["/((?!_next/|favicon.ico).*)"] };
