import "server-only";
// Who gets which email: a member's own choice per event type, or the default
// for their role (event-types.ts) when they made none.
import { recordAuditEvent, type UserActor } from "@/lib/audit/service";
import { prisma } from "@/lib/db";
import { EVENT_TYPE_INFO, NOTIFICATION_EVENT_TYPES, type NotificationEventType } from "@/lib/notifications/event-types";
import type { TeamRole } from "@/lib/teams/roles";

export function emailByDefault(type: NotificationEventType, role: TeamRole): boolean {
  return EVENT_TYPE_INFO[type].emailByDefault.includes(role);
}

export interface EmailPreferenceView {
  eventType: NotificationEventType;
  email: boolean;
  isDefault: boolean;
}

export async function getEmailPreferences(teamId: string, userId: string, role: TeamRole): Promise<EmailPreferenceView[]> {
  const rows = await prisma.notificationPreference.findMany({ where: { teamId, userId }, select: { eventType: true, email: true } });
  const chosen = new Map(rows.map((row) => [row.eventType, row.email]));
  return NOTIFICATION_EVENT_TYPES.filter((type) => EVENT_TYPE_INFO[type].emailable).map((eventType) => {
    const own = chosen.get(eventType);
    return { eventType, email: own ?? emailByDefault(eventType, role), isDefault: own === undefined };
  });
}

/** Stores the member's choices (all emailable types at once, as the form sends them). */
export async function setEmailPreferences(teamId: string, actor: UserActor, choices: Partial<Record<NotificationEventType, boolean>>): Promise<void> {
  await prisma.$transaction(async (tx) => {
    for (const [eventType, email] of Object.entries(choices)) {
      if (!EVENT_TYPE_INFO[eventType as NotificationEventType]?.emailable || typeof email !== "boolean") continue;
      await tx.notificationPreference.upsert({ where: { userId_teamId_eventType: { userId: actor.userId, teamId, eventType } }, create: { userId: actor.userId, teamId, eventType, email }, update: { email } });
    }
    await recordAuditEvent(teamId, actor, "notifications.preferences_changed", { type: "user", id: actor.userId }, { email: Object.entries(choices).filter(([, on]) => on).map(([type]) => type).join(", ") || "none" }, tx);
  });
}
