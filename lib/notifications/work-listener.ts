import "server-only";
// The notification worker's wake-up call: one connection per process that
// LISTENs on the channel the database's triggers notify when notification
// work is written (a NotificationEvent, a WebhookDelivery or an EmailMessage
// inserted: migration 20261207060000_notification_wakeups). PostgreSQL sends
// the notification when the writing transaction commits, to every listening
// process, so an event is fanned out at once by whichever worker claims it
// instead of at the next poll. Lost connections are opened again with
// back-off; until then the worker polls as before (worker.ts).
import pg from "pg";
import { log } from "@/lib/log";

/** The channel of migration 20261207060000_notification_wakeups's triggers. */
export const NOTIFICATION_WORK_CHANNEL = "portal_notification_work";
const RECONNECT_MIN_MS = 1_000;
const RECONNECT_MAX_MS = 30_000;

export interface WorkListenerEvents {
  /** Work was written (or the connection was opened again and some may have been missed). */
  onWork(): void;
  /** Whether notifications arrive now. */
  onListening(listening: boolean): void;
}

export interface WorkListener {
  stop(): Promise<void>;
}

export function listenForNotificationWork(databaseUrl: string, events: WorkListenerEvents): WorkListener {
  let client: pg.Client | null = null;
  let stopped = false;
  let retryMs = RECONNECT_MIN_MS;
  let retryTimer: NodeJS.Timeout | undefined;

  const lost = (current: pg.Client, error?: Error) => {
    if (client !== current) return;
    client = null;
    events.onListening(false);
    void current.end().catch(() => {});
    if (stopped) return;
    log.warn({ err: error, retryInMs: retryMs }, "notification wake-ups lost; polling until the connection is back");
    retryTimer = setTimeout(() => void connect(), retryMs);
    retryTimer.unref();
    retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
  };

  const connect = async () => {
    const current = new pg.Client({ connectionString: databaseUrl, application_name: "portal notification wake-ups" });
    client = current;
    current.on("error", (error) => lost(current, error));
    current.on("end", () => lost(current));
    current.on("notification", (message) => {
      if (message.channel === NOTIFICATION_WORK_CHANNEL) events.onWork();
    });
    try {
      await current.connect();
      await current.query(`LISTEN ${NOTIFICATION_WORK_CHANNEL}`);
    } catch (error) {
      lost(current, error as Error);
      return;
    }
    if (client !== current || stopped) return;
    retryMs = RECONNECT_MIN_MS;
    events.onListening(true);
    // Work written while nobody listened gets no notification of its own.
    events.onWork();
  };

  void connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      const current = client;
      client = null;
      await current?.end().catch(() => {});
    },
  };
}
