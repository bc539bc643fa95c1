import "server-only";
// A team's webhook endpoints: created, changed, rotated and removed by admins
// and members (audit-logged), read by everyone in the team. The signing
// secret is returned once, at creation or rotation, and stored encrypted.
import net from "node:net";
import { randomBytes } from "node:crypto";
import { recordAuditEvent, type AuditActor } from "@/lib/audit/service";
import { getDataSecretBox } from "@/lib/crypto/data-secret-box";
import { prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { NOT_FOUND, UserFacingError } from "@/lib/http/result";
import { recordNotificationEvent } from "@/lib/notifications/outbox";
import { WEBHOOK_SECRET_PREFIX, type TWebhookEndpointInput } from "@/lib/notifications/webhook-schema";
import { isPublicAddress } from "@/lib/proxy/upstream-http";

/** Deliveries and their attempts are kept this long. */
export const DELIVERY_RETENTION_MS = 30 * 24 * 3_600_000;

const ENDPOINT_FIELDS = { id: true, url: true, description: true, eventTypes: true, enabled: true, disabledReason: true, failingSince: true, previousSecretExpiresAt: true, createdAt: true, updatedAt: true } as const;

export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
  /** Why the portal disabled it, when it did. */
  disabledReason: string | null;
  failingSince: Date | null;
  /** Until when the previous secret also signs (a rotation's overlap), if it still does. */
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

function toView(row: WebhookEndpointView, now = new Date()): WebhookEndpointView {
  return { ...row, previousSecretExpiresAt: row.previousSecretExpiresAt && row.previousSecretExpiresAt > now ? row.previousSecretExpiresAt : null };
}

/** Origins where an endpoint may be http:// or a private address (WEBHOOK_ALLOWED_ORIGINS: local mode, tests). */
export function webhookTrustedOrigins(): ReadonlySet<string> {
  return new Set(
    (getEnv().WEBHOOK_ALLOWED_ORIGINS ?? "")
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean)
      .map((origin) => new URL(origin).origin),
  );
}

/** The outbound rules, as a message for the URL field; the address a name resolves to is checked again at connect time. */
export function webhookUrlProblem(value: string): string | null {
  const url = new URL(value);
  if (webhookTrustedOrigins().has(url.origin)) return null;
  if (url.protocol !== "https:") return "URL must start with https://: events are signed, but their content is only private over TLS.";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost") || (net.isIP(host) && !isPublicAddress(host))) return "URL must be on a public address: the portal does not send webhooks into its own network.";
  return null;
}

function checkUrl(value: string): void {
  const problem = webhookUrlProblem(value);
  if (problem) throw new UserFacingError("invalid_input", "Some fields need attention.", { url: problem });
}

export function newWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString("base64")}`;
}

const secretAad = (teamId: string, endpointId: string) => [teamId, endpointId, "webhook-secret"];

export async function listWebhookEndpoints(teamId: string): Promise<WebhookEndpointView[]> {
  const rows = await prisma.webhookEndpoint.findMany({ where: { teamId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: ENDPOINT_FIELDS });
  return rows.map((row) => toView(row));
}

export async function getWebhookEndpoint(teamId: string, endpointId: string): Promise<WebhookEndpointView | null> {
  const row = await prisma.webhookEndpoint.findFirst({ where: { id: endpointId, teamId }, select: ENDPOINT_FIELDS });
  return row ? toView(row) : null;
}

/** Creates an endpoint; the returned `secret` is shown once. */
export async function createWebhookEndpoint(teamId: string, actor: AuditActor, input: TWebhookEndpointInput): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
  checkUrl(input.url);
  const secret = newWebhookSecret();
  const row = await prisma.$transaction(async (tx) => {
    const { id } = await tx.webhookEndpoint.create({ data: { teamId, url: input.url, description: input.description, eventTypes: input.eventTypes, enabled: input.enabled, encryptedSecret: "pending" }, select: { id: true } });
    // The row's ID is part of the ciphertext's associated data, so it is encrypted once the ID exists.
    const created = await tx.webhookEndpoint.update({ where: { id }, data: { encryptedSecret: getDataSecretBox().encrypt(secret, secretAad(teamId, id)) }, select: ENDPOINT_FIELDS });
    await recordAuditEvent(teamId, actor, "webhook.created", { type: "webhook", id }, { url: input.url, eventTypes: input.eventTypes, enabled: input.enabled }, tx);
    return created;
  });
  return { endpoint: toView(row), secret };
}

export async function updateWebhookEndpoint(teamId: string, actor: AuditActor, endpointId: string, input: TWebhookEndpointInput): Promise<WebhookEndpointView> {
  checkUrl(input.url);
  return prisma.$transaction(async (tx) => {
    const before = await tx.webhookEndpoint.findFirst({ where: { id: endpointId, teamId }, select: ENDPOINT_FIELDS });
    if (!before) throw NOT_FOUND();
    // Enabling again starts a new failure window.
    const reenabled = input.enabled && !before.enabled;
    const row = await tx.webhookEndpoint.update({
      where: { id: endpointId },
      data: { url: input.url, description: input.description, eventTypes: input.eventTypes, enabled: input.enabled, ...(reenabled ? { failingSince: null, disabledReason: null } : {}) },
      select: ENDPOINT_FIELDS,
    });
    const changes = Object.fromEntries(
      (["url", "description", "eventTypes", "enabled"] as const).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(row[key])).map((key) => [key, { from: before[key], to: row[key] }]),
    );
    await recordAuditEvent(teamId, actor, "webhook.updated", { type: "webhook", id: endpointId }, { url: row.url, changes }, tx);
    return toView(row);
  });
}

export async function deleteWebhookEndpoint(teamId: string, actor: AuditActor, endpointId: string): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const row = await tx.webhookEndpoint.findFirst({ where: { id: endpointId, teamId }, select: { url: true } });
    if (!row) throw NOT_FOUND();
    await tx.webhookEndpoint.deleteMany({ where: { id: endpointId, teamId } });
    await recordAuditEvent(teamId, actor, "webhook.deleted", { type: "webhook", id: endpointId }, { url: row.url }, tx);
  });
}

/**
 * A new secret, returned once. The old one keeps signing beside it for
 * `overlapHours`, so receivers can switch without missing an event.
 */
export async function rotateWebhookSecret(teamId: string, actor: AuditActor, endpointId: string, overlapHours: number, now = new Date()): Promise<{ secret: string; previousSecretExpiresAt: Date | null }> {
  const secret = newWebhookSecret();
  const previousSecretExpiresAt = overlapHours > 0 ? new Date(now.getTime() + overlapHours * 3_600_000) : null;
  await prisma.$transaction(async (tx) => {
    const row = await tx.webhookEndpoint.findFirst({ where: { id: endpointId, teamId }, select: { url: true, encryptedSecret: true } });
    if (!row) throw NOT_FOUND();
    await tx.webhookEndpoint.update({
      where: { id: endpointId },
      data: { encryptedSecret: getDataSecretBox().encrypt(secret, secretAad(teamId, endpointId)), encryptedPreviousSecret: previousSecretExpiresAt ? row.encryptedSecret : null, previousSecretExpiresAt },
    });
    await recordAuditEvent(teamId, actor, "webhook.secret_rotated", { type: "webhook", id: endpointId }, { url: row.url, overlapHours }, tx);
  });
  return { secret, previousSecretExpiresAt };
}

/** The secrets that sign a delivery now: the current one, and the previous one during a rotation's overlap. */
export async function loadSigningSecrets(teamId: string, endpointId: string, now: Date): Promise<string[]> {
  const row = await prisma.webhookEndpoint.findFirst({
    where: { id: endpointId, teamId },
    select: { encryptedSecret: true, encryptedPreviousSecret: true, previousSecretExpiresAt: true },
  });
  if (!row) return [];
  const box = getDataSecretBox();
  const secrets = [box.decrypt(row.encryptedSecret, secretAad(teamId, endpointId))];
  if (row.encryptedPreviousSecret && row.previousSecretExpiresAt && row.previousSecretExpiresAt > now) secrets.push(box.decrypt(row.encryptedPreviousSecret, secretAad(teamId, endpointId)));
  return secrets;
}

/** Queues a webhook.test event for this endpoint only; it arrives like any event, signed and retried. */
export async function sendTestEvent(teamId: string, actor: AuditActor, endpointId: string): Promise<{ eventId: string }> {
  return prisma.$transaction(async (tx) => {
    const endpoint = await tx.webhookEndpoint.findFirst({ where: { id: endpointId, teamId }, select: { id: true, url: true, description: true, enabled: true } });
    if (!endpoint) throw NOT_FOUND();
    if (!endpoint.enabled) throw new UserFacingError("webhook_disabled", "This endpoint is disabled. Enable it, then send a test event.");
    const eventId = await recordNotificationEvent(tx, teamId, "webhook.test", { endpoint: { id: endpoint.id, url: endpoint.url, description: endpoint.description }, message: "A test event from the registry portal. Your endpoint verified its signature if you are reading this in your logs." }, { endpointId });
    await recordAuditEvent(teamId, actor, "webhook.test_sent", { type: "webhook", id: endpointId }, { url: endpoint.url, eventId }, tx);
    return { eventId };
  });
}

/** Sends an event again to the endpoint as a new delivery, with the same webhook-id (receivers deduplicate on it). */
export async function resendDelivery(teamId: string, actor: AuditActor, endpointId: string, deliveryId: string, now = new Date()): Promise<{ deliveryId: string }> {
  return prisma.$transaction(async (tx) => {
    const delivery = await tx.webhookDelivery.findFirst({ where: { id: deliveryId, endpointId, teamId }, select: { eventId: true, endpoint: { select: { url: true, enabled: true } } } });
    if (!delivery) throw NOT_FOUND();
    if (!delivery.endpoint.enabled) throw new UserFacingError("webhook_disabled", "This endpoint is disabled. Enable it, then resend.");
    const created = await tx.webhookDelivery.create({ data: { teamId, endpointId, eventId: delivery.eventId, nextAttemptAt: now, createdAt: now }, select: { id: true } });
    await recordAuditEvent(teamId, actor, "webhook.delivery_resent", { type: "webhook", id: endpointId }, { url: delivery.endpoint.url, eventId: delivery.eventId }, tx);
    return { deliveryId: created.id };
  });
}

export interface WebhookAttemptView {
  id: string;
  startedAt: Date;
  durationMs: number;
  responseStatus: number | null;
  error: string | null;
  requestHeaders: Record<string, string>;
  requestBody: string;
  responseBody: string;
}

export interface WebhookDeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: "pending" | "succeeded" | "failed";
  attemptCount: number;
  nextAttemptAt: Date | null;
  createdAt: Date;
  attempts: WebhookAttemptView[];
}

/** The endpoint's deliveries of the last 30 days, newest first, each with its attempts. */
export async function listWebhookDeliveries(teamId: string, endpointId: string, options: { take?: number; now?: Date } = {}): Promise<WebhookDeliveryView[]> {
  const since = new Date((options.now ?? new Date()).getTime() - DELIVERY_RETENTION_MS);
  const rows = await prisma.webhookDelivery.findMany({
    where: { teamId, endpointId, createdAt: { gte: since } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.take ?? 50,
    select: { id: true, eventId: true, status: true, attemptCount: true, nextAttemptAt: true, createdAt: true, attempts: { orderBy: { startedAt: "desc" } } },
  });
  const events = await prisma.notificationEvent.findMany({ where: { teamId, id: { in: [...new Set(rows.map((row) => row.eventId))] } }, select: { id: true, type: true } });
  const typeOf = new Map(events.map((event) => [event.id, event.type]));
  return rows.map((row) => ({
    ...row,
    status: row.status as WebhookDeliveryView["status"],
    eventType: typeOf.get(row.eventId) ?? "unknown",
    attempts: row.attempts.map((attempt) => ({
      id: attempt.id,
      startedAt: attempt.startedAt,
      durationMs: attempt.durationMs,
      responseStatus: attempt.responseStatus,
      error: attempt.error,
      requestHeaders: attempt.requestHeaders as Record<string, string>,
      requestBody: attempt.requestBody,
      responseBody: attempt.responseBody,
    })),
  }));
}
