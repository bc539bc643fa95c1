"use server";
import { headers } from "next/headers";
import { parseInput } from "@/lib/auth/permissions";
import { ZSignUpInput } from "@/lib/auth/schema";
import { signUp } from "@/lib/auth/service";
import { SIGN_UP_ADDRESS_LIMIT, throttleByAddress } from "@/lib/auth/throttles";
import { clientAddressFromHeaders } from "@/lib/http/client-address";
import { runAction, type ActionResult } from "@/lib/http/result";

/** Creates the account; the form then signs in through next-auth with the same credentials. */
export async function signUpAction(input: unknown): Promise<ActionResult<null>> {
  return runAction("signUp", async () => {
    const parsed = parseInput(ZSignUpInput, input);
    await throttleByAddress(SIGN_UP_ADDRESS_LIMIT, clientAddressFromHeaders(await headers()), "Too many accounts were created from your network.");
    await signUp(parsed);
    return null;
  });
}
