import "server-only";
// The registry's recent answers to manifest requests, in this process's
// memory, so that a rollout (many clients pulling the same tag within
// seconds) costs one upstream round trip per PROXY_MANIFEST_FRESH_SECONDS
// instead of one per request. An answer is what the registry said for one
// (registry configuration, repository, reference, Accept): the digest, media
// type and length, and for GETs the verified body (content-addressed, kept in
// a small byte-bounded LRU). Requests that find no fresh answer while another
// request is already asking the registry for it wait for that one (single
// flight), so an expired answer under load costs one refresh, not one per
// waiting client. Authorization is never cached here: license, application
// and registry access are checked on every request before this is asked.
import type { CachedManifest } from "@/lib/proxy/manifest-cache";

export interface ManifestAnswer {
  digest: string;
  mediaType: string;
  length: number;
  /** When the registry gave this answer (ms since the epoch). */
  at: number;
}

export interface AnswerKey {
  registryId: string;
  /** The registry's configuration version (its updatedAt): an edit starts afresh. */
  version: string;
  repository: string;
  reference: string;
  accept: string;
}

const MAX_ANSWERS = 20_000;
const MAX_BODY_BYTES = 32 * 1024 * 1024;

const answers = new Map<string, ManifestAnswer>();
const inFlight = new Map<string, Promise<void>>();
const bodies = new Map<string, CachedManifest>();
let bodyBytes = 0;

function answerId(key: AnswerKey): string {
  return `${key.registryId}\n${key.version}\n${key.repository}\n${key.reference}\n${key.accept}`;
}

function bodyId(key: AnswerKey, digest: string): string {
  return `${key.registryId}\n${key.repository}\n${digest}`;
}

/** The registry's answer for this key if it is younger than windowSeconds. */
export function freshAnswer(key: AnswerKey, windowSeconds: number, now = Date.now()): ManifestAnswer | null {
  if (windowSeconds <= 0) return null;
  const answer = answers.get(answerId(key));
  if (!answer || now - answer.at >= windowSeconds * 1000 || now < answer.at) return null;
  return answer;
}

/** A manifest body this process verified and served, by digest, for the same registry and repository. */
export function knownBody(key: AnswerKey, answer: ManifestAnswer): CachedManifest | null {
  const id = bodyId(key, answer.digest);
  const body = bodies.get(id);
  if (!body || body.mediaType !== answer.mediaType || body.body.length !== answer.length) return null;
  // Most recently used last: the LRU drops from the front.
  bodies.delete(id);
  bodies.set(id, body);
  return body;
}

export function rememberAnswer(key: AnswerKey, answer: ManifestAnswer, body?: CachedManifest): void {
  const id = answerId(key);
  answers.delete(id);
  if (answers.size >= MAX_ANSWERS) answers.delete(answers.keys().next().value!);
  answers.set(id, answer);
  if (!body || body.body.length > MAX_BODY_BYTES / 16) return;
  const bid = bodyId(key, body.digest);
  const previous = bodies.get(bid);
  if (previous) {
    bodies.delete(bid);
    bodyBytes -= previous.body.length;
  }
  bodies.set(bid, body);
  bodyBytes += body.body.length;
  for (const [oldest, value] of bodies) {
    if (bodyBytes <= MAX_BODY_BYTES) break;
    bodies.delete(oldest);
    bodyBytes -= value.body.length;
  }
}

/**
 * Runs `ask` unless a request for the same key is already asking the
 * registry, in which case it waits for that one and resolves with false (the
 * caller then looks for the fresh answer it left, and asks itself if none).
 */
export async function askOnce(key: AnswerKey, ask: () => Promise<void>): Promise<boolean> {
  const id = answerId(key);
  const pending = inFlight.get(id);
  if (pending) {
    await pending.catch(() => undefined);
    return false;
  }
  const run = ask().finally(() => inFlight.delete(id));
  inFlight.set(id, run);
  await run;
  return true;
}

/** For tests: forget every answer and body. */
export function forgetFreshManifests(): void {
  answers.clear();
  bodies.clear();
  inFlight.clear();
  bodyBytes = 0;
}
