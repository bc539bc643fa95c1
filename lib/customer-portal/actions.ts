"use server";
import { cookies, headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { ZAirGapSelection } from "@/lib/airgap/schema";
import { prepareAirGapDownload, prepareVendorAirGapDownload, type PreparedDownload } from "@/lib/airgap/service";
import { actorOf, requireActionSession } from "@/lib/auth/permissions";
import { ZCustomerPageSettingInput, ZCustomerSignInInput } from "@/lib/customer-portal/schema";
import { ZCustomerIdInput } from "@/lib/customers/schema";
import { signInCustomer } from "@/lib/customer-portal/service";
import { setCustomerPageEnabled } from "@/lib/customer-portal/settings";
import { CUSTOMER_SESSION_COOKIE, customerCookieOptions, getCustomerPortalSession, signCustomerSession } from "@/lib/customer-portal/session";
import { UserFacingError } from "@/lib/http/result";
import { clientAddressFromHeaders } from "@/lib/http/client-address";
import { parseInput, runAction, type ActionResult } from "@/lib/http/result";

export async function customerSignInAction(input: unknown): Promise<ActionResult<null>> {
  return runAction("customerSignIn", async () => {
    const { licenseId } = parseInput(ZCustomerSignInInput, input);
    const customer = await signInCustomer(licenseId, clientAddressFromHeaders(await headers()));
    (await cookies()).set(CUSTOMER_SESSION_COOKIE, await signCustomerSession(customer), customerCookieOptions());
    return null;
  });
}

export async function customerSignOutAction(): Promise<ActionResult<null>> {
  return runAction("customerSignOut", async () => {
    (await cookies()).set(CUSTOMER_SESSION_COOKIE, "", { ...customerCookieOptions(), maxAge: 0 });
    return null;
  });
}

export async function setCustomerPageEnabledAction(input: unknown): Promise<ActionResult<null>> {
  return runAction("setCustomerPageEnabled", async () => {
    const session = await requireActionSession("MEMBER", "switch the customer page");
    await setCustomerPageEnabled(session.team.id, actorOf(session), parseInput(ZCustomerPageSettingInput, input));
    revalidatePath("/apps", "layout");
    return null;
  });
}

/** Plans the chosen images' archive and hands back its signed download link. */
export async function prepareAirGapDownloadAction(input: unknown): Promise<ActionResult<PreparedDownload>> {
  return runAction("prepareAirGapDownload", async () => {
    const session = await getCustomerPortalSession();
    if (!session) throw new UserFacingError("session_expired", "Your session has ended. Sign in again with your license.");
    return prepareAirGapDownload(session.customer, parseInput(ZAirGapSelection, input));
  });
}

/** The vendor prepares an archive for one of its customers (member or admin; the customer's entitlements apply). */
export async function prepareVendorAirGapDownloadAction(input: unknown): Promise<ActionResult<PreparedDownload>> {
  return runAction("prepareVendorAirGapDownload", async () => {
    const session = await requireActionSession("MEMBER", "prepare air-gap downloads");
    const { customerId } = parseInput(ZCustomerIdInput, input);
    return prepareVendorAirGapDownload(session.team.id, actorOf(session), customerId, parseInput(ZAirGapSelection, input));
  });
}
