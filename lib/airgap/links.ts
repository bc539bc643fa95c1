import "server-only";
// Download links of air-gap archives, for clients without the customer's
// browser session (curl -C -, a download manager, a machine at the edge of
// the air gap): the archive's URL with a signed `link` parameter (HS256, key
// derived from NEXTAUTH_SECRET for this purpose only) bound to the customer,
// its current license and exactly this selection, valid for 24 hours.
// Regenerating or revoking the license ends every link.
import { createHash, hkdfSync } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import { AIRGAP_LINK_PARAM, AIRGAP_PATH } from "@/lib/airgap/paths";
import { loadCustomerSession, type CustomerPortalSession } from "@/lib/customer-portal/session-token";
import { getEnv } from "@/lib/env";

export const AIRGAP_LINK_SECONDS = 24 * 60 * 60;
const AUDIENCE = "airgap-download";

let derived: { secret: string; key: Uint8Array } | undefined;
function linkKey(): Uint8Array {
  const secret = getEnv().NEXTAUTH_SECRET;
  if (derived?.secret !== secret) derived = { secret, key: new Uint8Array(hkdfSync("sha256", secret, "registry-portal", "airgap-download-link-v1", 32)) };
  return derived.key;
}

/** The selection's query without the link itself, in the order sent: what the link is bound to. */
function selectionHash(query: URLSearchParams): string {
  const bound = new URLSearchParams([...query].filter(([key]) => key !== AIRGAP_LINK_PARAM));
  return createHash("sha256").update(bound.toString()).digest("base64url");
}

export async function airGapLink(customer: { id: string; teamId: string; licenseHash: string }, query: string, now = new Date()): Promise<{ url: string; expiresAt: Date }> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const token = await new SignJWT({ tid: customer.teamId, lh: customer.licenseHash.slice(0, 16), sel: selectionHash(new URLSearchParams(query)) })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(getEnv().APP_URL)
    .setAudience(AUDIENCE)
    .setSubject(customer.id)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + AIRGAP_LINK_SECONDS)
    .sign(linkKey());
  return { url: `${getEnv().APP_URL.replace(/\/$/, "")}${AIRGAP_PATH}?${query}&${AIRGAP_LINK_PARAM}=${token}`, expiresAt: new Date((issuedAt + AIRGAP_LINK_SECONDS) * 1000) };
}

/** The customer a download link was made for, if it is valid for this very selection. */
export async function customerFromAirGapLink(query: URLSearchParams): Promise<CustomerPortalSession | null> {
  const token = query.get(AIRGAP_LINK_PARAM);
  if (!token) return null;
  try {
    const { payload } = await jwtVerify(token, linkKey(), { algorithms: ["HS256"], audience: AUDIENCE, issuer: getEnv().APP_URL });
    if (payload.sel !== selectionHash(query)) return null;
    return await loadCustomerSession(payload, { requirePage: false });
  } catch {
    return null;
  }
}
