import "server-only";
// One dedicated Postgres connection per process that LISTENs for signing-key
// changes, so every process serves a rotation within moments instead of at
// its next periodic re-read (which stays as the fallback). The connection is
// re-opened with back-off when it drops; while it is down, and right after it
// comes back, the process re-reads the keys because it may have missed a change.
import os from "node:os";
import pg from "pg";
import { log } from "@/lib/log";
import { KEY_CHANGE_ACK_CHANNEL, KEY_CHANGE_CHANNEL, KEY_LISTENER_APPLICATION_NAME, parseAnnouncement, type KeyChangeAck, type KeyChangeAnnouncement } from "@/lib/oidc/key-change-channel";

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

export interface KeyChangeHandlers {
  /** A change was announced: serve the new keys, then say what is served now (the acknowledgement). */
  onChange(announcement: KeyChangeAnnouncement): Promise<Omit<KeyChangeAck, "id" | "process">>;
  /** Notifications may have been missed (connection lost or re-opened): re-read before serving. */
  onMissedChanges(): void;
}

export interface KeyChangeListener {
  stop(): Promise<void>;
}

export const PROCESS_NAME = `${os.hostname()}:${process.pid}`;

export function listenForKeyChanges(databaseUrl: string, handlers: KeyChangeHandlers): KeyChangeListener {
  let client: pg.Client | null = null;
  let stopped = false;
  let backoffMs = MIN_BACKOFF_MS;
  let retry: NodeJS.Timeout | undefined;

  const connect = async () => {
    if (stopped) return;
    const candidate = new pg.Client({ connectionString: databaseUrl, application_name: KEY_LISTENER_APPLICATION_NAME, connectionTimeoutMillis: 5000, keepAlive: true });
    candidate.on("error", () => lost(candidate, "error"));
    candidate.on("end", () => lost(candidate, "end"));
    candidate.on("notification", (message) => {
      if (message.channel !== KEY_CHANGE_CHANNEL) return;
      const announcement = parseAnnouncement(message.payload);
      if (announcement) void answer(candidate, announcement);
    });
    try {
      await candidate.connect();
      await candidate.query(`LISTEN ${KEY_CHANGE_CHANNEL}`);
    } catch (error) {
      await candidate.end().catch(() => {});
      log.warn({ err: describe(error), retryInMs: backoffMs }, "oidc key listener cannot connect to the database");
      schedule();
      return;
    }
    if (stopped) return void candidate.end().catch(() => {});
    // The listener never keeps a process alive on its own (a command or a test worker that minted a token).
    (candidate as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
    const reconnected = backoffMs > MIN_BACKOFF_MS;
    client = candidate;
    backoffMs = MIN_BACKOFF_MS;
    if (reconnected) log.info("oidc key listener reconnected");
    // Changes made while no one was listening are picked up by a re-read.
    handlers.onMissedChanges();
  };

  const lost = (candidate: pg.Client, why: string) => {
    if (client !== candidate) return;
    client = null;
    if (stopped) return;
    log.warn({ why, retryInMs: backoffMs }, "oidc key listener lost its database connection");
    handlers.onMissedChanges();
    void candidate.end().catch(() => {});
    schedule();
  };

  const schedule = () => {
    if (stopped) return;
    retry = setTimeout(() => void connect(), backoffMs);
    retry.unref();
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
  };

  const answer = async (from: pg.Client, announcement: KeyChangeAnnouncement) => {
    try {
      const served = await handlers.onChange(announcement);
      const ack: KeyChangeAck = { id: announcement.id, process: PROCESS_NAME, ...served };
      await from.query("SELECT pg_notify($1, $2)", [KEY_CHANGE_ACK_CHANNEL, JSON.stringify(ack)]);
    } catch (error) {
      log.warn({ err: describe(error), announcement: announcement.id }, "oidc key change could not be applied yet; the next re-read will");
    }
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
