import "server-only";
// The issuer's published documents and signing key, held in memory: ONE
// snapshot per process, kept on globalThis because the production server's
// fast path and Next.js's compiled code load separate copies of this module,
// and a process must never sign with a key it does not publish. Requests for
// the discovery document and JWKS never touch the database once warm. The
// snapshot is rebuilt when a key change is announced (LISTEN/NOTIFY, see
// key-change-listener.ts), at the next scheduled key change, and at least
// once a minute as a fallback. While the database is unreachable the last
// snapshot keeps being served: the documents change only with a rotation,
// which needs the database.
import { createHash, type KeyObject } from "node:crypto";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { getIssuer } from "@/lib/oidc/issuer";
import { listenForKeyChanges, type KeyChangeListener } from "@/lib/oidc/key-change-listener";
import { currentKey, keyState, nextChangeAt } from "@/lib/oidc/key-lifecycle";
import { getLifecyclePolicy, JWKS_MAX_AGE_SECONDS, SIGNING_ALGORITHM } from "@/lib/oidc/lifecycle-policy";
import { listSigningKeys, loadPrivateKey, maintainSigningKeys, type PublishedKey } from "@/lib/oidc/signing-keys";

const RECHECK_MS = 60_000;
const MAX_PUBLISHED_KEYS = 100;
/** A re-read that must happen before serving waits this long for the database, then the last snapshot is served. */
const RELOAD_WAIT_MS = 2_000;
/** After a failed re-read, the last snapshot is served this long before trying again. */
const RETRY_AFTER_FAILURE_MS = 5_000;

export interface PublishedDocument {
  body: string;
  etag: string;
}

export interface KeySnapshot {
  loadedAt: number;
  /** When the published set or signing key next changes. */
  validUntil: number;
  discovery: PublishedDocument;
  jwks: PublishedDocument;
  publishedKids: string[];
  signing: { kid: string; privateKey: KeyObject } | null;
  /** The key rows and decrypted private keys it was composed from. */
  source: { keys: PublishedKey[]; privateKeys: Map<string, KeyObject> };
}

interface KeyCacheState {
  snapshot: KeySnapshot | undefined;
  loading: Promise<KeySnapshot> | undefined;
  loadingGeneration: number;
  /** Bumped by every announced (or possibly missed) change; a snapshot built before the bump is stale. */
  generation: number;
  loadedGeneration: number;
  retryAt: number;
  listener: KeyChangeListener | undefined;
}

const globalForKeys = globalThis as unknown as { portalOidcKeyCache?: KeyCacheState };
const state: KeyCacheState = (globalForKeys.portalOidcKeyCache ??= { snapshot: undefined, loading: undefined, loadingGeneration: -1, generation: 0, loadedGeneration: -1, retryAt: 0, listener: undefined });

export async function getKeySnapshot(now = Date.now()): Promise<KeySnapshot> {
  startListening();
  const current = state.snapshot;
  if (!current) return reload(now);
  const announced = state.loadedGeneration !== state.generation;
  if (!announced && now < current.validUntil) {
    // The periodic re-read only looks for changes no one announced: never wait for it.
    if (now - current.loadedAt >= RECHECK_MS && now >= state.retryAt) void reload(now).catch((error: unknown) => keepServing(now, current, error));
    return current;
  }
  if (!announced) {
    // A scheduled change (the next key starts signing, a retired key is unpublished) needs no database:
    // switch from memory now, then re-read in the background to record it and run maintenance.
    const switched = composeSnapshot(current.source, now, current.loadedAt);
    if (switched.signing || !switched.source.keys.some((key) => keyState(key, new Date(now)) === "current")) {
      state.snapshot = switched;
      if (now >= state.retryAt) void reload(now).catch((error: unknown) => keepServing(now, switched, error));
      return switched;
    }
  }
  if (now < state.retryAt) return current;
  return reloadOrKeep(now, current);
}

/** At server start: listen for key changes and load the keys before the first request (a failure is retried on demand). */
export function warmKeySnapshot(): void {
  startKeyChangeListener();
  getKeySnapshot().catch((error: unknown) => log.warn({ err: error instanceof Error ? error.message : String(error) }, "oidc keys could not be loaded at start-up; retrying on the first request"));
}

/** Forget the snapshot (in tests that move the clock or the issuer). */
export function invalidateKeySnapshot(): void {
  state.snapshot = undefined;
  state.generation++;
}

/** Seconds a cache may keep the documents: at most JWKS_MAX_AGE_SECONDS, never past the next key change. */
export function maxAgeSeconds(current: KeySnapshot, now = Date.now()): number {
  return Math.max(0, Math.min(JWKS_MAX_AGE_SECONDS, Math.floor((current.validUntil - now) / 1000)));
}

/** Stops listening for key changes (tests; a process that is shutting down). */
export async function stopKeyChangeListener(): Promise<void> {
  const listener = state.listener;
  state.listener = undefined;
  await listener?.stop();
}

function startListening(): void {
  // Unit tests move the clock by hand; a change heard in the background would rebuild at the real time.
  if (state.listener || getEnv().NODE_ENV === "test") return;
  startKeyChangeListener();
}

/** Starts this process's listener for announced key changes (at most one per process). */
export function startKeyChangeListener(): void {
  const { DATABASE_URL } = getEnv();
  if (state.listener || !DATABASE_URL) return;
  state.listener = listenForKeyChanges(DATABASE_URL, {
    onMissedChanges: () => {
      state.generation++;
    },
    onChange: async () => {
      state.generation++;
      const snapshot = await reload(Date.now());
      return { signingKid: snapshot.signing?.kid ?? null, publishedKids: snapshot.publishedKids };
    },
  });
}

function reload(now: number): Promise<KeySnapshot> {
  if (state.loading && state.loadingGeneration === state.generation) return state.loading;
  // A build already running may have read the keys before the latest change committed: build again after it.
  if (state.loading) return state.loading.catch(() => undefined).then(() => reload(now));
  const generation = state.generation;
  state.loadingGeneration = generation;
  const previous = state.snapshot;
  state.loading = buildSnapshot(now)
    .then((snapshot) => {
      state.snapshot = snapshot;
      state.loadedGeneration = generation;
      state.retryAt = 0;
      if (previous && (previous.jwks.etag !== snapshot.jwks.etag || previous.signing?.kid !== snapshot.signing?.kid)) {
        log.info({ signingKid: snapshot.signing?.kid ?? null, publishedKids: snapshot.publishedKids }, "oidc key set reloaded");
      }
      return snapshot;
    })
    .finally(() => {
      state.loading = undefined;
    });
  return state.loading;
}

/** A re-read that should happen before serving, unless the database does not answer in time. */
async function reloadOrKeep(now: number, current: KeySnapshot): Promise<KeySnapshot> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), RELOAD_WAIT_MS);
  });
  try {
    const result = await Promise.race([reload(now), timeout]);
    if (result !== "timeout") return result;
    throw new Error(`no answer from the database within ${RELOAD_WAIT_MS} ms`);
  } catch (error) {
    return keepServing(now, current, error);
  } finally {
    clearTimeout(timer);
  }
}

function keepServing(now: number, current: KeySnapshot, error: unknown): KeySnapshot {
  state.retryAt = now + RETRY_AFTER_FAILURE_MS;
  log.warn({ err: error instanceof Error ? error.message : String(error), servingKid: current.signing?.kid ?? null }, "oidc keys could not be re-read; serving the last published set");
  return current;
}

async function buildSnapshot(nowMs: number): Promise<KeySnapshot> {
  const now = new Date(nowMs);
  const policy = getLifecyclePolicy();
  await maintainSigningKeys(policy, now);
  // One read gives both the published set and the signing key, so the key that signs is always one that is published.
  const keys = await listSigningKeys();
  // The current key and the next one to sign are decrypted, so that a scheduled switch happens on time from memory.
  const privateKeys = new Map<string, KeyObject>();
  const signing = currentKey(keys, now);
  const upcoming = keys.filter((key) => keyState(key, now) === "next").sort((a, b) => a.signsFrom.getTime() - b.signsFrom.getTime())[0];
  for (const key of [signing, upcoming]) if (key) privateKeys.set(key.kid, await loadPrivateKey(key.id));
  return composeSnapshot({ keys, privateKeys }, nowMs);
}

/** The documents and signing key at `nowMs` from key rows already read: no database access. */
function composeSnapshot(source: KeySnapshot["source"], nowMs: number, loadedAt = nowMs): KeySnapshot {
  const now = new Date(nowMs);
  const published = source.keys
    .filter((key) => keyState(key, now) !== "removed")
    .sort((a, b) => b.signsFrom.getTime() - a.signsFrom.getTime())
    .slice(0, MAX_PUBLISHED_KEYS);
  const signingKey = currentKey(published, now);
  const privateKey = signingKey && source.privateKeys.get(signingKey.kid);
  const issuer = getIssuer();
  const discovery = {
    issuer: issuer.url,
    jwks_uri: issuer.jwksUri,
    response_types_supported: ["id_token"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: [SIGNING_ALGORITHM],
    claims_supported: ["iss", "sub", "aud", "iat", "nbf", "exp", "jti", "purpose"],
    scopes_supported: ["openid"],
  };
  const jwks = { keys: published.map((key) => key.publicJwk) };
  return {
    loadedAt,
    validUntil: nextChangeAt(source.keys, now, getLifecyclePolicy()).getTime(),
    discovery: document(discovery),
    jwks: document(jwks),
    publishedKids: published.map((key) => key.kid),
    signing: signingKey && privateKey ? { kid: signingKey.kid, privateKey } : null,
    source,
  };
}

function document(value: unknown): PublishedDocument {
  const body = JSON.stringify(value);
  return { body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"` };
}
