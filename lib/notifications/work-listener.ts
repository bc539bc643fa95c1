import "server-only";
// The notification worker's wake-up call: one connection per process
// (lib/db/channel-listener.ts) that LISTENs on the channel the database's
// triggers notify when notification work is written (a NotificationEvent, a
// WebhookDelivery or an EmailMessage inserted: migration
// 20261207060000_notification_wakeups), so an event is fanned out at once by
// whichever worker claims it instead of at the next poll. Until the
// connection is back the worker polls as before (worker.ts).
import { listenOnChannel, type ChannelListener } from "@/lib/db/channel-listener";

/** The channel of migration 20261207060000_notification_wakeups's triggers. */
export const NOTIFICATION_WORK_CHANNEL = "portal_notification_work";
/** How the connection shows in pg_stat_activity. */
export const NOTIFICATION_LISTENER_APPLICATION_NAME = "portal-notification-listener";

export interface WorkListenerEvents {
  /** Work was written (or notifications may have been missed). */
  onWork(): void;
  /** Whether notifications arrive now. */
  onListening(listening: boolean): void;
}

export function listenForNotificationWork(databaseUrl: string, events: WorkListenerEvents): ChannelListener {
  return listenOnChannel(databaseUrl, {
    channel: NOTIFICATION_WORK_CHANNEL,
    applicationName: NOTIFICATION_LISTENER_APPLICATION_NAME,
    onNotification: events.onWork,
    onMissed: events.onWork,
    onListening: events.onListening,
  });
}
