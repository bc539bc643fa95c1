// The Postgres channels on which portal processes hear about signing-key
// changes (LISTEN/NOTIFY). A change is announced inside the transaction that
// makes it, so a process never hears of a change that did not commit; each
// process answers on the acknowledgement channel once it serves the new set.
export const KEY_CHANGE_CHANNEL = "portal_oidc_keys";
export const KEY_CHANGE_ACK_CHANNEL = "portal_oidc_keys_ack";
/** application_name of each process's listening connection: how `oidc:rotate` counts running processes. */
export const KEY_LISTENER_APPLICATION_NAME = "portal-oidc-key-listener";

export interface KeyChangeAnnouncement {
  /** Identifies one change, so acknowledgements can be matched to it. */
  id: string;
  mode: string;
}

export interface KeyChangeAck {
  id: string;
  /** host:pid of the answering process. */
  process: string;
  signingKid: string | null;
  publishedKids: string[];
}

export function parseAnnouncement(payload: string | undefined): KeyChangeAnnouncement | null {
  try {
    const value = JSON.parse(payload ?? "") as Partial<KeyChangeAnnouncement>;
    return typeof value.id === "string" && typeof value.mode === "string" ? { id: value.id, mode: value.mode } : null;
  } catch {
    return null;
  }
}

export function parseAck(payload: string | undefined): KeyChangeAck | null {
  try {
    const value = JSON.parse(payload ?? "") as Partial<KeyChangeAck>;
    if (typeof value.id !== "string" || typeof value.process !== "string" || !Array.isArray(value.publishedKids)) return null;
    return { id: value.id, process: value.process, signingKid: typeof value.signingKid === "string" ? value.signingKid : null, publishedKids: value.publishedKids.filter((kid): kid is string => typeof kid === "string") };
  } catch {
    return null;
  }
}
