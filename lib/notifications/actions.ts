"use server";
// Team → Webhooks and Notifications: admins and members manage endpoints,
// every member chooses their own email.
import { revalidatePath } from "next/cache";
import { actorOf, parseInput, requireActionSession } from "@/lib/auth/permissions";
import { runAction, type ActionResult } from "@/lib/http/result";
import { ZEmailPreferencesInput } from "@/lib/notifications/preferences-schema";
import { setEmailPreferences } from "@/lib/notifications/preferences";
import { createWebhookEndpoint, deleteWebhookEndpoint, resendDelivery, rotateWebhookSecret, sendTestEvent, updateWebhookEndpoint } from "@/lib/notifications/webhook-endpoints";
import { ZResendDeliveryInput, ZRotateSecretInput, ZUpdateWebhookEndpointInput, ZWebhookEndpointId, ZWebhookEndpointInput } from "@/lib/notifications/webhook-schema";

const MANAGE = "manage webhooks";

/** The secret is in this result once; it is stored encrypted and never shown again. */
export async function createWebhookEndpointAction(input: unknown): Promise<ActionResult<{ endpointId: string; secret: string }>> {
  return runAction("createWebhookEndpoint", async () => {
    const session = await requireActionSession("MEMBER", MANAGE);
    const { endpoint, secret } = await createWebhookEndpoint(session.team.id, actorOf(session), parseInput(ZWebhookEndpointInput, input));
    revalidatePath("/team/webhooks");
    return { endpointId: endpoint.id, secret };
  });
}

export async function updateWebhookEndpointAction(input: unknown): Promise<ActionResult<null>> {
  return runAction("updateWebhookEndpoint", async () => {
    const session = await requireActionSession("MEMBER", MANAGE);
    const { endpointId, ...rest } = parseInput(ZUpdateWebhookEndpointInput, input);
    await updateWebhookEndpoint(session.team.id, actorOf(session), endpointId, rest);
    revalidatePath(`/team/webhooks/${endpointId}`);
    return null;
  });
}

export async function deleteWebhookEndpointAction(input: unknown): Promise<ActionResult<null>> {
  return runAction("deleteWebhookEndpoint", async () => {
    const session = await requireActionSession("MEMBER", MANAGE);
    await deleteWebhookEndpoint(session.team.id, actorOf(session), parseInput(ZWebhookEndpointId, input).endpointId);
    revalidatePath("/team/webhooks");
    return null;
  });
}

export async function rotateWebhookSecretAction(input: unknown): Promise<ActionResult<{ secret: string; previousSecretExpiresAt: string | null }>> {
  return runAction("rotateWebhookSecret", async () => {
    const session = await requireActionSession("MEMBER", MANAGE);
    const { endpointId, overlapHours } = parseInput(ZRotateSecretInput, input);
    const { secret, previousSecretExpiresAt } = await rotateWebhookSecret(session.team.id, actorOf(session), endpointId, overlapHours);
    revalidatePath(`/team/webhooks/${endpointId}`);
    return { secret, previousSecretExpiresAt: previousSecretExpiresAt?.toISOString() ?? null };
  });
}

export async function sendTestEventAction(input: unknown): Promise<ActionResult<{ eventId: string }>> {
  return runAction("sendWebhookTestEvent", async () => {
    const session = await requireActionSession("MEMBER", MANAGE);
    const { endpointId } = parseInput(ZWebhookEndpointId, input);
    const result = await sendTestEvent(session.team.id, actorOf(session), endpointId);
    revalidatePath(`/team/webhooks/${endpointId}`);
    return result;
  });
}

export async function resendDeliveryAction(input: unknown): Promise<ActionResult<{ deliveryId: string }>> {
  return runAction("resendWebhookDelivery", async () => {
    const session = await requireActionSession("MEMBER", MANAGE);
    const { endpointId, deliveryId } = parseInput(ZResendDeliveryInput, input);
    const result = await resendDelivery(session.team.id, actorOf(session), endpointId, deliveryId);
    revalidatePath(`/team/webhooks/${endpointId}`);
    return result;
  });
}

export async function setEmailPreferencesAction(input: unknown): Promise<ActionResult<null>> {
  return runAction("setEmailPreferences", async () => {
    const session = await requireActionSession("VIEWER", "choose your email notifications");
    await setEmailPreferences(session.team.id, actorOf(session), parseInput(ZEmailPreferencesInput, input));
    revalidatePath("/team/notifications");
    return null;
  });
}
