"use server";
import { parseInput } from "@/lib/auth/permissions";
import { ZSignUpInput } from "@/lib/auth/schema";
import { signUp } from "@/lib/auth/service";
import { runAction, type ActionResult } from "@/lib/http/result";

/** Creates the account; the form then signs in through next-auth with the same credentials. */
export async function signUpAction(input: unknown): Promise<ActionResult<null>> {
  return runAction("signUp", async () => {
    await signUp(parseInput(ZSignUpInput, input));
    return null;
  });
}
