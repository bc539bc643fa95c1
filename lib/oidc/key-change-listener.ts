import "server-only";
// One dedicated Postgres connection per process that LISTENs for signing-key
// changes (lib/db/channel-listener.ts), so every process serves a rotation
// within moments instead of at its next periodic re-read (which stays as the
// fallback). While the connection is down, and right after it comes back, the
// process re-reads the keys because it may have missed a change.
import os from "node:os";
import type pg from "pg";
import { listenOnChannel, type ChannelListener } from "@/lib/db/channel-listener";
import { log } from "@/lib/log";
import { KEY_CHANGE_ACK_CHANNEL, KEY_CHANGE_CHANNEL, KEY_LISTENER_APPLICATION_NAME, parseAnnouncement, type KeyChangeAck, type KeyChangeAnnouncement } from "@/lib/oidc/key-change-channel";

export interface KeyChangeHandlers {
  /** A change was announced: serve the new keys, then say what is served now (the acknowledgement). */
  onChange(announcement: KeyChangeAnnouncement): Promise<Omit<KeyChangeAck, "id" | "process">>;
  /** Notifications may have been missed (connection lost or re-opened): re-read before serving. */
  onMissedChanges(): void;
}

export type KeyChangeListener = ChannelListener;

export const PROCESS_NAME = `${os.hostname()}:${process.pid}`;

export function listenForKeyChanges(databaseUrl: string, handlers: KeyChangeHandlers): KeyChangeListener {
  const answer = async (from: pg.Client, announcement: KeyChangeAnnouncement) => {
    try {
      const served = await handlers.onChange(announcement);
      const ack: KeyChangeAck = { id: announcement.id, process: PROCESS_NAME, ...served };
      await from.query("SELECT pg_notify($1, $2)", [KEY_CHANGE_ACK_CHANNEL, JSON.stringify(ack)]);
    } catch (error) {
      log.warn({ err: error instanceof Error ? error.message : String(error), announcement: announcement.id }, "oidc key change could not be applied yet; the next re-read will");
    }
  };
  return listenOnChannel(databaseUrl, {
    channel: KEY_CHANGE_CHANNEL,
    applicationName: KEY_LISTENER_APPLICATION_NAME,
    onNotification(payload, connection) {
      const announcement = parseAnnouncement(payload);
      if (announcement) void answer(connection, announcement);
    },
    onMissed: handlers.onMissedChanges,
  });
}
