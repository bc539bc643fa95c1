import "server-only";
// Idempotency-Key for the REST API's POST and DELETE operations, with
// Stripe's semantics: the first request with a key runs and its answer
// (status, body, ETag) is kept for 24 hours per token and key; a retry with
// the same key and the same request (method, path, body) gets that answer
// again, marked Idempotent-Replayed: true; the same key with another request
// is refused (422 idempotency_key_reused); a retry while the first is still
// running is refused (409 idempotency_key_in_progress, Retry-After 1).
//
// A key is claimed with one INSERT … ON CONFLICT DO NOTHING on the unique
// (tokenId, key): of several requests at once, in any process, exactly one
// inserts the row and runs. Answers are encrypted at rest: a created
// customer's license ID or a new API token is in them.
import { createHash, randomUUID } from "node:crypto";
import { getDataSecretBox } from "@/lib/crypto/data-secret-box";
import { prisma } from "@/lib/db";
import { UserFacingError } from "@/lib/http/result";

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
export const IDEMPOTENT_REPLAYED_HEADER = "Idempotent-Replayed";
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A claim still running after this long belongs to a process that died: the next retry runs the request again. */
export const ABANDONED_CLAIM_MS = 10 * 60 * 1000;
/** The answer headers a replay repeats. */
export const REPLAYED_HEADERS = ["content-type", "etag"] as const;

const SWEEP_PROBABILITY = 0.02;

export interface StoredAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export type IdempotencyClaim = { kind: "run"; id: string } | { kind: "replay"; answer: StoredAnswer };

/**
 * The Idempotency-Key header's value, null when it was not sent. Printable
 * ASCII (a UUID is the usual choice), at most 255 characters.
 */
export function parseIdempotencyKey(value: string | null): string | null {
  if (value === null) return null;
  const problem =
    value.length === 0
      ? "is empty"
      : value.length > IDEMPOTENCY_KEY_MAX_LENGTH
        ? `is ${value.length} characters long`
        : /[^\x20-\x7e]/.test(value)
          ? "holds a character that is not printable ASCII"
          : null;
  if (!problem) return value;
  throw new UserFacingError(
    "invalid_input",
    `The ${IDEMPOTENCY_KEY_HEADER} header ${problem}. Send a new random value for each distinct request, e.g. a UUID: printable ASCII, 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters.`,
    { [IDEMPOTENCY_KEY_HEADER]: `Printable ASCII, 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters, e.g. a UUID.` },
  );
}

/** JSON with object keys sorted, so that a retry's body matches whatever order its keys were written in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** What a retry must repeat: the method, the path and the body (undefined: none). */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash("sha256")
    .update(`${method.toUpperCase()} ${path}\n${body === undefined ? "" : canonicalJson(body)}`)
    .digest("base64url");
}

const IN_PROGRESS = () =>
  Object.assign(
    new UserFacingError("idempotency_key_in_progress", `A request with this ${IDEMPOTENCY_KEY_HEADER} is still running. Retry in a moment with the same key to get its answer.`),
    { retryAfterSeconds: 1 },
  );

/** Claims the key for this request, or says what to answer instead (a replay, or an error). */
export async function claimIdempotencyKey(tokenId: string, key: string, fingerprint: string, now = new Date()): Promise<IdempotencyClaim> {
  if (Math.random() < SWEEP_PROBABILITY) void sweepExpiredIdempotencyKeys().catch(() => {});
  // Three rounds: a row that expires or is released between the INSERT and the SELECT is retried.
  for (let round = 0; round < 3; round++) {
    const id = randomUUID();
    const inserted = await prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO "ApiIdempotencyKey" (id, "tokenId", key, fingerprint, "createdAt", "expiresAt")
      VALUES (${id}, ${tokenId}, ${key}, ${fingerprint}, ${now}, ${new Date(now.getTime() + IDEMPOTENCY_TTL_MS)})
      ON CONFLICT ("tokenId", key) DO NOTHING
      RETURNING id`;
    if (inserted.length === 1) return { kind: "run", id };

    const existing = await prisma.apiIdempotencyKey.findUnique({ where: { tokenId_key: { tokenId, key } } });
    if (!existing) continue;
    const abandoned = existing.status === null && existing.createdAt.getTime() < now.getTime() - ABANDONED_CLAIM_MS;
    if (existing.expiresAt <= now || abandoned) {
      // Only that very row: another request may have replaced it meanwhile.
      await prisma.apiIdempotencyKey.deleteMany({ where: { id: existing.id, status: existing.status } });
      continue;
    }
    if (existing.fingerprint !== fingerprint) {
      throw new UserFacingError(
        "idempotency_key_reused",
        `This ${IDEMPOTENCY_KEY_HEADER} was already used for a different request (another method, path or body) in the last 24 hours. Send a new key for a new request; a retry must repeat the first request exactly.`,
      );
    }
    if (existing.status === null || existing.encryptedResponse === null) throw IN_PROGRESS();
    const answer = JSON.parse(getDataSecretBox().decrypt(existing.encryptedResponse, [existing.tokenId, existing.id])) as Omit<StoredAnswer, "status">;
    return { kind: "replay", answer: { status: existing.status, body: answer.body, headers: answer.headers } };
  }
  throw IN_PROGRESS();
}

/** Keeps the answer of a claimed request for its retries. */
export async function storeIdempotentAnswer(claimId: string, tokenId: string, answer: StoredAnswer): Promise<void> {
  const encryptedResponse = getDataSecretBox().encrypt(JSON.stringify({ body: answer.body, headers: answer.headers }), [tokenId, claimId]);
  await prisma.apiIdempotencyKey.updateMany({ where: { id: claimId, tokenId }, data: { status: answer.status, encryptedResponse } });
}

/** Gives the key back: the request ended without an answer worth repeating (refused before it ran, or failed on our side). */
export async function releaseIdempotencyKey(claimId: string): Promise<void> {
  await prisma.apiIdempotencyKey.deleteMany({ where: { id: claimId, status: null } });
}

/**
 * Which answers are kept for retries. Not: a refusal of the request as it
 * stands (400 input to fix, 409 conflict with the object's state, 412 stale
 * If-Match), which changed nothing and may succeed once fixed, and failures
 * on our side (5xx), so that a retry runs again. (401, 403, 413, 415 and 429
 * are answered before a key is claimed.)
 */
export function isAnswerKept(status: number): boolean {
  return status < 500 && status !== 400 && status !== 409 && status !== 412;
}

export async function sweepExpiredIdempotencyKeys(now = new Date()): Promise<number> {
  const { count } = await prisma.apiIdempotencyKey.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}
