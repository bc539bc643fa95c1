import "server-only";
// The outbox: an event is one row written with the same transaction client
// as the change that caused it, so it exists exactly when the change does and
// the request never waits for a delivery. The worker (worker.ts) fans it out.
import { randomBytes } from "node:crypto";
import { prisma } from "@/lib/db";
import type { NotificationEventType } from "@/lib/notifications/event-types";
import type { EventData } from "@/lib/notifications/payloads";

type OutboxClient = Pick<typeof prisma, "$executeRaw">;

/** msg_ and 22 base64url characters: the Standard Webhooks message ID. */
export function newEventId(): string {
  return `msg_${randomBytes(16).toString("base64url")}`;
}

export interface RecordEventOptions {
  /** Deliver to this endpoint only, and send no email (webhook.test). */
  endpointId?: string;
  now?: Date;
}

export async function recordNotificationEvent<T extends NotificationEventType>(client: OutboxClient, teamId: string, type: T, data: EventData<T>, options: RecordEventOptions = {}): Promise<string> {
  const id = newEventId();
  // One plain INSERT: the cheapest statement the causing transaction can carry (no RETURNING, no model mapping).
  await client.$executeRaw`INSERT INTO "NotificationEvent" (id, "teamId", type, payload, "endpointId", "createdAt") VALUES (${id}, ${teamId}, ${type}, ${JSON.stringify(data)}::jsonb, ${options.endpointId ?? null}, ${options.now ?? new Date()})`;
  return id;
}
