import "server-only";
// The issuer's published documents and signing key, held in memory. Requests
// for the discovery document and JWKS never touch the database once warm: the
// snapshot is rebuilt at the next scheduled key change, and at most once a
// minute to notice another process's rotation.
import { createHash, type KeyObject } from "node:crypto";
import { getIssuer } from "@/lib/oidc/issuer";
import { keyState, nextChangeAt } from "@/lib/oidc/key-lifecycle";
import { getLifecyclePolicy, SIGNING_ALGORITHM } from "@/lib/oidc/lifecycle-policy";
import { listSigningKeys, loadSigningKey, maintainSigningKeys } from "@/lib/oidc/signing-keys";

const RECHECK_MS = 60_000;
const MAX_PUBLISHED_KEYS = 100;
const MAX_AGE_CAP_SECONDS = 3600;

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
  signing: { kid: string; privateKey: KeyObject } | null;
}

let snapshot: KeySnapshot | undefined;
let loading: Promise<KeySnapshot> | undefined;

export async function getKeySnapshot(now = Date.now()): Promise<KeySnapshot> {
  if (snapshot && now < snapshot.validUntil && now - snapshot.loadedAt < RECHECK_MS) return snapshot;
  loading ??= buildSnapshot(now).finally(() => {
    loading = undefined;
  });
  snapshot = await loading;
  return snapshot;
}

/** Forget the snapshot (after a rotation in this process, and in tests). */
export function invalidateKeySnapshot(): void {
  snapshot = undefined;
}

/** Seconds a cache may keep the documents: never past the next key change. */
export function maxAgeSeconds(current: KeySnapshot, now = Date.now()): number {
  return Math.max(0, Math.min(MAX_AGE_CAP_SECONDS, Math.floor((current.validUntil - now) / 1000)));
}

async function buildSnapshot(nowMs: number): Promise<KeySnapshot> {
  const now = new Date(nowMs);
  const policy = getLifecyclePolicy();
  await maintainSigningKeys(policy, now);
  const keys = await listSigningKeys();
  const published = keys
    .filter((key) => keyState(key, now) !== "removed")
    .sort((a, b) => b.signsFrom.getTime() - a.signsFrom.getTime())
    .slice(0, MAX_PUBLISHED_KEYS);
  const signing = await loadSigningKey(now);
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
    loadedAt: nowMs,
    validUntil: nextChangeAt(keys, now, policy).getTime(),
    discovery: document(discovery),
    jwks: document(jwks),
    signing: signing ? { kid: signing.kid, privateKey: signing.privateKey } : null,
  };
}

function document(value: unknown): PublishedDocument {
  const body = JSON.stringify(value);
  return { body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"` };
}
