import "server-only";
// The customer's own session on /customer (the cookie's token; session.ts
// reads it for pages and actions): a signed cookie (HS256, key
// derived from NEXTAUTH_SECRET for this purpose only), HttpOnly, SameSite=Lax,
// Path=/customer, bound to the customer and its license. It is not a vendor
// session: vendor pages read next-auth's cookie (lib/auth/session.ts) and the
// REST API only bearer tokens, and the browser never sends this cookie
// outside /customer. Every request re-reads the customer: a regenerated or
// revoked license, or the vendor switching the page off, ends the session.
import { hkdfSync } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import { licenseState, type LicenseState } from "@/lib/customers/license";
import { prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";

export const CUSTOMER_SESSION_COOKIE = "portal-customer-session";
export const CUSTOMER_SESSION_PATH = "/customer";
const SESSION_SECONDS = 8 * 60 * 60;
const AUDIENCE = "customer-portal";

export interface CustomerPortalSession {
  customer: { id: string; teamId: string; applicationId: string; name: string; email: string | null; expiresAt: Date | null; state: LicenseState; licenseHash: string };
  application: { name: string; slug: string };
  vendor: { name: string };
}

let derived: { secret: string; key: Uint8Array } | undefined;

function sessionKey(): Uint8Array {
  const secret = getEnv().NEXTAUTH_SECRET;
  if (derived?.secret !== secret) derived = { secret, key: new Uint8Array(hkdfSync("sha256", secret, "registry-portal", "customer-portal-session-v1", 32)) };
  return derived.key;
}

export function customerCookieOptions() {
  return { httpOnly: true, sameSite: "lax", path: CUSTOMER_SESSION_PATH, secure: getEnv().APP_URL.startsWith("https://"), maxAge: SESSION_SECONDS } as const;
}

export async function signCustomerSession(customer: { id: string; teamId: string; licenseHash: string }): Promise<string> {
  return new SignJWT({ tid: customer.teamId, lh: customer.licenseHash.slice(0, 16) })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(getEnv().APP_URL)
    .setAudience(AUDIENCE)
    .setSubject(customer.id)
    .setIssuedAt()
    .setExpirationTime(`${SESSION_SECONDS}s`)
    .sign(sessionKey());
}

/** The customer behind a session cookie's value, or null (invalid, expired, license replaced or revoked, page switched off). */
export async function customerSessionFromToken(token: string | undefined): Promise<CustomerPortalSession | null> {
  if (!token) return null;
  let claims: { sub?: string; tid?: unknown; lh?: unknown };
  try {
    claims = (await jwtVerify(token, sessionKey(), { algorithms: ["HS256"], audience: AUDIENCE, issuer: getEnv().APP_URL })).payload;
  } catch {
    return null;
  }
  return loadCustomerSession(claims, { requirePage: true });
}

/**
 * The customer a verified token names, while its license is the one the token
 * was made for and is not revoked; with requirePage, only while the vendor
 * has the customer page switched on.
 */
export async function loadCustomerSession(claims: { sub?: string; tid?: unknown; lh?: unknown }, options: { requirePage: boolean }): Promise<CustomerPortalSession | null> {
  if (typeof claims.sub !== "string" || typeof claims.tid !== "string") return null;
  const row = await prisma.customer.findFirst({
    where: { id: claims.sub, teamId: claims.tid },
    select: { id: true, teamId: true, applicationId: true, name: true, email: true, expiresAt: true, revokedAt: true, licenseHash: true, application: { select: { name: true, slug: true, customerPageEnabled: true } }, team: { select: { name: true } } },
  });
  if (!row || row.licenseHash.slice(0, 16) !== claims.lh || row.revokedAt || (options.requirePage && !row.application.customerPageEnabled)) return null;
  const { application, team, revokedAt, ...customer } = row;
  return { customer: { ...customer, state: licenseState({ revokedAt, expiresAt: customer.expiresAt }) }, application: { name: application.name, slug: application.slug }, vendor: { name: team.name } };
}

