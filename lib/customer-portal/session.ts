import "server-only";
// The customer's session for pages and actions (the cookie, read with
// next/headers); the token itself is made and checked in session-token.ts,
// which the production server's air-gap handler uses without Next.js.
import { cookies } from "next/headers";
import { cache } from "react";
import { CUSTOMER_SESSION_COOKIE, customerSessionFromToken, type CustomerPortalSession } from "@/lib/customer-portal/session-token";
import { annotateRequestContext } from "@/lib/http/request-context";

export { CUSTOMER_SESSION_COOKIE, customerCookieOptions, signCustomerSession, type CustomerPortalSession } from "@/lib/customer-portal/session-token";

/** The only way customer pages and actions learn who is asking. Cached per request. */
export const getCustomerPortalSession = cache(async (): Promise<CustomerPortalSession | null> => {
  const session = await customerSessionFromToken((await cookies()).get(CUSTOMER_SESSION_COOKIE)?.value);
  if (session) annotateRequestContext({ teamId: session.customer.teamId });
  return session;
});
