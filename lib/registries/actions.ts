"use server";
import { revalidatePath } from "next/cache";
import { actorOf, parseInput, requireActionSession } from "@/lib/auth/permissions";
import { runAction, type ActionResult } from "@/lib/http/result";
import { ZCreateRegistryInput, ZDeleteRegistryInput, ZUpdateRegistryInput } from "@/lib/registries/schema";
import { createRegistry, deleteRegistry, updateRegistry } from "@/lib/registries/service";

// Results carry the registry's ID only: never a credential, not even masked.

export async function createRegistryAction(input: unknown): Promise<ActionResult<{ registryId: string }>> {
  return runAction("createRegistry", async () => {
    const session = await requireActionSession("MEMBER", "add registries");
    const registry = await createRegistry(session.team.id, actorOf(session), parseInput(ZCreateRegistryInput, input));
    revalidatePath("/apps", "layout");
    return { registryId: registry.id };
  });
}

export async function updateRegistryAction(input: unknown): Promise<ActionResult<{ registryId: string }>> {
  return runAction("updateRegistry", async () => {
    const session = await requireActionSession("MEMBER", "edit registries");
    const registry = await updateRegistry(session.team.id, actorOf(session), parseInput(ZUpdateRegistryInput, input));
    revalidatePath("/apps", "layout");
    return { registryId: registry.id };
  });
}

export async function deleteRegistryAction(input: unknown): Promise<ActionResult<null>> {
  return runAction("deleteRegistry", async () => {
    const session = await requireActionSession("MEMBER", "delete registries");
    const { registryId } = parseInput(ZDeleteRegistryInput, input);
    await deleteRegistry(session.team.id, actorOf(session), registryId);
    revalidatePath("/apps", "layout");
    return null;
  });
}
