import { NextResponse, type NextRequest } from "next/server";
import { getIssuer } from "@/lib/oidc/issuer";

// The issuer's documents live under app/oidc/. When OIDC_ISSUER_URL has
// another path, serve them at <issuer>/.well-known/openid-configuration and
// <issuer>/jwks as AWS expects, whatever that path is.
export function proxy(request: NextRequest) {
  const issuerPath = getIssuer().pathname;
  if (issuerPath === "/oidc") return NextResponse.next();
  const path = request.nextUrl.pathname;
  if (path === `${issuerPath}/.well-known/openid-configuration`) {
    return NextResponse.rewrite(new URL("/oidc/.well-known/openid-configuration", request.url));
  }
  if (path === `${issuerPath}/jwks`) return NextResponse.rewrite(new URL("/oidc/jwks", request.url));
  return NextResponse.next();
}

export const config = { matcher: ["/((?!_next/|favicon.ico).*)"] };
