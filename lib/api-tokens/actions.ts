"use server";
import { revalidatePath } from "next/cache";
import { actorOf, parseInput, requireActionSession } from "@/lib/auth/permissions";
import { runAction, type ActionResult } from "@/lib/http/result";
import { ZCreateApiTokenInput, ZRevokeApiTokenInput } from "@/lib/api-tokens/schema";
import { createApiToken, revokeApiToken } from "@/lib/api-tokens/service";

/** The token is in this result once; it is never stored or shown again. */
export async function createApiTokenAction(input: unknown): Promise<ActionResult<{ token: string; name: string }>> {
  return runAction("createApiToken", async () => {
    const session = await requireActionSession("ADMIN", "create API tokens");
    const { token, apiToken } = await createApiToken(session.team.id, { userId: session.user.id, role: session.role }, actorOf(session), parseInput(ZCreateApiTokenInput, input));
    revalidatePath("/team/api-tokens");
    return { token, name: apiToken.name };
  });
}

export async function revokeApiTokenAction(input: unknown): Promise<ActionResult<null>> {
  return runAction("revokeApiToken", async () => {
    const session = await requireActionSession("ADMIN", "revoke API tokens");
    await revokeApiToken(session.team.id, actorOf(session), parseInput(ZRevokeApiTokenInput, input).tokenId);
    revalidatePath("/team/api-tokens");
    return null;
  });
}
