// What a cloud does with an external OpenID Connect token before it looks at
// its own configuration: read the issuer from the token, fetch that issuer's
// discovery document and JWKS over HTTP (live, every time: the stand-ins
// never cache, so a rotated key is seen at once), and verify the RS256
// signature and the time claims. Shared by the keyless stand-ins (Azure's
// Entra ID, Quay's robot federation). Test support only.
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from "jose";

export type OidcVerification =
  | { ok: true; claims: JWTPayload & { iss: string; sub: string } }
  | { ok: false; reason: "malformed" | "issuer-unreachable" | "signature" | "expired" | "not-yet-valid"; detail: string };

/** The token's claims without verification (what a cloud reads to find the configuration to check against), or null. */
export function readUnverifiedClaims(token: string): (JWTPayload & { iss: string; sub: string }) | null {
  try {
    const header = decodeProtectedHeader(token);
    const claims = decodeJwt(token);
    if (typeof header.alg !== "string" || typeof claims.iss !== "string" || typeof claims.sub !== "string") return null;
    return claims as JWTPayload & { iss: string; sub: string };
  } catch {
    return null;
  }
}

export function audiencesOf(claims: JWTPayload): string[] {
  return typeof claims.aud === "string" ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
}

/**
 * Where the cloud's network sends a request for an origin: the identity by
 * default; a test maps the portal's issuer origin to a closed port to play a
 * portal the cloud cannot reach (a private network, a firewall) while the
 * portal itself keeps working.
 */
export type OriginResolver = (origin: string) => string;

/** Verifies the token against its issuer's live discovery document and JWKS. */
export async function verifyWithLiveIssuer(token: string, options: { timeoutMs?: number; clockToleranceSeconds?: number; resolve?: OriginResolver } = {}): Promise<OidcVerification> {
  const unverified = readUnverifiedClaims(token);
  if (!unverified) return { ok: false, reason: "malformed", detail: "not a JWT with iss and sub" };
  const issuer = unverified.iss;
  const signal = AbortSignal.timeout(options.timeoutMs ?? 5_000);
  let jwksUri: string;
  let jwks: unknown;
  try {
    const discovery = (await (await fetchOk(`${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`, signal, options.resolve)).json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (discovery.issuer !== issuer || typeof discovery.jwks_uri !== "string") return { ok: false, reason: "issuer-unreachable", detail: "the discovery document does not name this issuer or a jwks_uri" };
    jwksUri = discovery.jwks_uri;
    jwks = await (await fetchOk(jwksUri, signal, options.resolve)).json();
  } catch (error) {
    return { ok: false, reason: "issuer-unreachable", detail: error instanceof Error ? error.message : "fetch failed" };
  }
  try {
    const verified = await jwtVerify(token, createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]), { issuer, algorithms: ["RS256"], clockTolerance: options.clockToleranceSeconds ?? 0 });
    return { ok: true, claims: verified.payload as JWTPayload & { iss: string; sub: string } };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, reason: "expired", detail: error.message };
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === "nbf") return { ok: false, reason: "not-yet-valid", detail: error.message };
    if (error instanceof errors.JWTClaimValidationFailed || error instanceof errors.JWTInvalid || error instanceof errors.JWSInvalid) return { ok: false, reason: "malformed", detail: error.message };
    return { ok: false, reason: "signature", detail: error instanceof Error ? error.message : "signature not verified" };
  }
}

async function fetchOk(url: string, signal: AbortSignal, resolve: OriginResolver = (origin) => origin): Promise<Response> {
  const parsed = new URL(url);
  const response = await fetch(`${resolve(parsed.origin)}${parsed.pathname}${parsed.search}`, { signal, redirect: "error" });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response;
}
