"use server";
import { revalidatePath } from "next/cache";
import { actorOf, parseInput, requireActionSession } from "@/lib/auth/permissions";
import { ZChannelIdInput, ZCreateChannelInput, ZUpdateChannelInput, ZUpdateEntitlementsInput } from "@/lib/entitlements/schema";
import { createChannel, deleteChannel, updateChannel, updateCustomerEntitlements } from "@/lib/entitlements/service";
import { runAction, type ActionResult } from "@/lib/http/result";

export async function updateEntitlementsAction(input: unknown): Promise<ActionResult<null>> {
  return runAction("updateEntitlements", async () => {
    const session = await requireActionSession("MEMBER", "change which images customers may pull");
    await updateCustomerEntitlements(session.team.id, actorOf(session), parseInput(ZUpdateEntitlementsInput, input));
    revalidatePath("/apps", "layout");
    return null;
  });
}

export async function createChannelAction(input: unknown): Promise<ActionResult<{ channelId: string }>> {
  return runAction("createChannel", async () => {
    const session = await requireActionSession("MEMBER", "add channels");
    const channel = await createChannel(session.team.id, actorOf(session), parseInput(ZCreateChannelInput, input));
    revalidatePath("/apps", "layout");
    return { channelId: channel.id };
  });
}

export async function updateChannelAction(input: unknown): Promise<ActionResult<null>> {
  return runAction("updateChannel", async () => {
    const session = await requireActionSession("MEMBER", "edit channels");
    await updateChannel(session.team.id, actorOf(session), parseInput(ZUpdateChannelInput, input));
    revalidatePath("/apps", "layout");
    return null;
  });
}

export async function deleteChannelAction(input: unknown): Promise<ActionResult<null>> {
  return runAction("deleteChannel", async () => {
    const session = await requireActionSession("MEMBER", "delete channels");
    await deleteChannel(session.team.id, actorOf(session), parseInput(ZChannelIdInput, input).channelId);
    revalidatePath("/apps", "layout");
    return null;
  });
}
