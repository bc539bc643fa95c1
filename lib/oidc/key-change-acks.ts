import "server-only";
// The rotating command's side of the announcement: count the portal
// processes listening on this database, then collect their
// acknowledgements of one change within a short wait.
import pg from "pg";
import { KEY_CHANGE_ACK_CHANNEL, KEY_LISTENER_APPLICATION_NAME, parseAck, type KeyChangeAck } from "@/lib/oidc/key-change-channel";

export interface AckCollector {
  /** Portal processes listening when the collector started. */
  listeners: number;
  /** Waits until every listener acknowledged `announcementId`, or `waitMs` passed. */
  collect(announcementId: string, waitMs: number): Promise<{ acks: (KeyChangeAck & { afterMs: number })[]; listeners: number }>;
  close(): Promise<void>;
}

export async function openAckCollector(databaseUrl: string): Promise<AckCollector> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: "portal-oidc-rotate", connectionTimeoutMillis: 5000 });
  await client.connect();
  const received: { ack: KeyChangeAck; at: number }[] = [];
  let wake: (() => void) | undefined;
  client.on("notification", (message) => {
    const ack = message.channel === KEY_CHANGE_ACK_CHANNEL ? parseAck(message.payload) : null;
    if (!ack) return;
    received.push({ ack, at: Date.now() });
    wake?.();
  });
  await client.query(`LISTEN ${KEY_CHANGE_ACK_CHANNEL}`);
  const countListeners = async () => {
    const { rows } = await client.query<{ count: string }>("SELECT count(*) AS count FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()", [KEY_LISTENER_APPLICATION_NAME]);
    return Number(rows[0]?.count ?? 0);
  };
  const listeners = await countListeners();

  return {
    listeners,
    async collect(announcementId, waitMs) {
      const started = Date.now();
      const deadline = started + waitMs;
      const matching = () => received.filter((entry) => entry.ack.id === announcementId);
      while (matching().length < listeners && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(100, deadline - Date.now()));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      // A process that started listening during the change is counted too.
      return { acks: matching().map((entry) => ({ ...entry.ack, afterMs: entry.at - started })), listeners: Math.max(listeners, await countListeners()) };
    },
    close: () => client.end().catch(() => {}),
  };
}
