import "server-only";
// One dedicated PostgreSQL connection that LISTENs on a channel, for a
// process that must hear of a change at once (signing keys, notification
// work). PostgreSQL delivers a NOTIFY when the notifying transaction commits,
// to every listening connection. The connection is opened again with back-off
// (0.5 s, doubling to 30 s) when it drops; whoever listens is told when
// notifications may have been missed (lost, or just opened) so it can catch
// up. It never keeps a process alive on its own.
import pg from "pg";
import { log } from "@/lib/log";

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

export interface ChannelListenerOptions {
  channel: string;
  /** How the connection shows in pg_stat_activity. */
  applicationName: string;
  /** A notification's payload, and the connection it came on (to answer on). */
  onNotification(payload: string, connection: pg.Client): void;
  /** Notifications may have been missed: the connection was lost, or has just been opened. */
  onMissed(): void;
  /** Whether notifications arrive now (optional). */
  onListening?(listening: boolean): void;
}

export interface ChannelListener {
  stop(): Promise<void>;
}

export function listenOnChannel(databaseUrl: string, options: ChannelListenerOptions): ChannelListener {
  let client: pg.Client | null = null;
  let stopped = false;
  let backoffMs = MIN_BACKOFF_MS;
  let retry: NodeJS.Timeout | undefined;
  const what = `${options.applicationName} (LISTEN ${options.channel})`;

  const connect = async () => {
    if (stopped) return;
    const candidate = new pg.Client({ connectionString: databaseUrl, application_name: options.applicationName, connectionTimeoutMillis: 5000, keepAlive: true });
    candidate.on("error", () => lost(candidate, "error"));
    candidate.on("end", () => lost(candidate, "end"));
    candidate.on("notification", (message) => {
      if (message.channel === options.channel) options.onNotification(message.payload ?? "", candidate);
    });
    try {
      await candidate.connect();
      await candidate.query(`LISTEN ${options.channel}`);
    } catch (error) {
      await candidate.end().catch(() => {});
      log.warn({ err: describe(error), retryInMs: backoffMs }, `${what} cannot connect to the database`);
      schedule();
      return;
    }
    if (stopped) return void candidate.end().catch(() => {});
    (candidate as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
    const reconnected = backoffMs > MIN_BACKOFF_MS;
    client = candidate;
    backoffMs = MIN_BACKOFF_MS;
    if (reconnected) log.info(`${what} reconnected`);
    options.onListening?.(true);
    // Whatever was notified while no one listened is caught up on.
    options.onMissed();
  };

  const lost = (candidate: pg.Client, why: string) => {
    if (client !== candidate) return;
    client = null;
    if (stopped) return;
    log.warn({ why, retryInMs: backoffMs }, `${what} lost its database connection`);
    options.onListening?.(false);
    options.onMissed();
    void candidate.end().catch(() => {});
    schedule();
  };

  const schedule = () => {
    if (stopped) return;
    retry = setTimeout(() => void connect(), backoffMs);
    retry.unref();
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
  };

  void connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      const open = client;
      client = null;
      await open?.end().catch(() => {});
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
