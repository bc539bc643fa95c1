"use server";
import { revalidatePath } from "next/cache";
import { actorOf, parseInput, requireActionSession } from "@/lib/auth/permissions";
import { ZCreateCustomerInput, ZCustomerIdInput, ZUpdateCustomerInput } from "@/lib/customers/schema";
import { createCustomer, regenerateLicense, restoreCustomer, revokeCustomer, updateCustomer } from "@/lib/customers/service";
import { runAction, type ActionResult } from "@/lib/http/result";

// Results carry IDs and names only: the license is shown by the customer
// page, which decrypts it for roles allowed to see it.

export async function createCustomerAction(input: unknown): Promise<ActionResult<{ customerId: string }>> {
  return runAction("createCustomer", async () => {
    const session = await requireActionSession("MEMBER", "add customers");
    const { customer } = await createCustomer(session.team.id, actorOf(session), parseInput(ZCreateCustomerInput, input));
    revalidatePath("/apps", "layout");
    return { customerId: customer.id };
  });
}

export async function updateCustomerAction(input: unknown): Promise<ActionResult<{ name: string }>> {
  return runAction("updateCustomer", async () => {
    const session = await requireActionSession("MEMBER", "edit customers");
    const customer = await updateCustomer(session.team.id, actorOf(session), parseInput(ZUpdateCustomerInput, input));
    revalidatePath("/apps", "layout");
    return { name: customer.name };
  });
}

export async function revokeCustomerAction(input: unknown): Promise<ActionResult<null>> {
  return runAction("revokeCustomer", async () => {
    const session = await requireActionSession("MEMBER", "revoke licenses");
    await revokeCustomer(session.team.id, actorOf(session), parseInput(ZCustomerIdInput, input).customerId);
    revalidatePath("/apps", "layout");
    return null;
  });
}

export async function restoreCustomerAction(input: unknown): Promise<ActionResult<null>> {
  return runAction("restoreCustomer", async () => {
    const session = await requireActionSession("MEMBER", "restore licenses");
    await restoreCustomer(session.team.id, actorOf(session), parseInput(ZCustomerIdInput, input).customerId);
    revalidatePath("/apps", "layout");
    return null;
  });
}

export async function regenerateLicenseAction(input: unknown): Promise<ActionResult<null>> {
  return runAction("regenerateLicense", async () => {
    const session = await requireActionSession("MEMBER", "regenerate licenses");
    await regenerateLicense(session.team.id, actorOf(session), parseInput(ZCustomerIdInput, input).customerId);
    revalidatePath("/apps", "layout");
    return null;
  });
}
