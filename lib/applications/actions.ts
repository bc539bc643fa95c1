"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actorOf, parseInput, requireActionSession } from "@/lib/auth/permissions";
import { ZCreateApplicationInput, ZRenameApplicationInput } from "@/lib/applications/schema";
import { createApplication, deleteApplication, renameApplication } from "@/lib/applications/service";
import { runAction, type ActionResult } from "@/lib/http/result";

export async function createApplicationAction(input: unknown): Promise<ActionResult<{ slug: string }>> {
  return runAction("createApplication", async () => {
    const session = await requireActionSession("MEMBER", "create applications");
    const application = await createApplication(session.team.id, actorOf(session), parseInput(ZCreateApplicationInput, input));
    revalidatePath("/apps");
    return { slug: application.slug };
  });
}

export async function renameApplicationAction(input: unknown): Promise<ActionResult<{ name: string }>> {
  return runAction("renameApplication", async () => {
    const session = await requireActionSession("MEMBER", "rename applications");
    const application = await renameApplication(session.team.id, actorOf(session), parseInput(ZRenameApplicationInput, input));
    revalidatePath("/apps", "layout");
    return { name: application.name };
  });
}

export async function deleteApplicationAction(input: unknown): Promise<ActionResult<null>> {
  return runAction("deleteApplication", async () => {
    const session = await requireActionSession("MEMBER", "delete applications");
    const { applicationId } = parseInput(z.object({ applicationId: z.string().min(1).max(64) }), input);
    await deleteApplication(session.team.id, actorOf(session), applicationId);
    revalidatePath("/apps");
    return null;
  });
}
