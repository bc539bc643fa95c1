import "server-only";
// GET and HEAD of manifests, by tag or by digest, with the client's Accept
// passed on. A manifest is read whole (they are small; bounded) so its
// digest is checked before a byte is sent: by digest it must match the
// reference, by tag the registry's Docker-Content-Digest. Served manifests
// are kept; when the registry is down, a manifest by digest is served from
// that store, and a tag's last known digest for PROXY_STALE_TAG_SECONDS with
// a Warning header. Within PROXY_MANIFEST_FRESH_SECONDS of the registry's last
// answer for the same request, that answer is served from memory
// (fresh-manifests.ts) without asking the registry again. A tag-restricted
// license is checked first (entitlement-checks.ts), and what a served
// manifest names is recorded as reached before it is sent.
import { createHash } from "node:crypto";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { getEnv } from "@/lib/env";
import type { PullRecord } from "@/lib/proxy/access-log";
import type { AuthorizedRepository } from "@/lib/proxy/auth";
import { assertManifestEntitled, type ManifestReach } from "@/lib/proxy/entitlement-checks";
import { DISTRIBUTION_HEADERS, ProxyError } from "@/lib/proxy/errors";
import { askOnce, freshAnswer, knownBody, rememberAnswer, type AnswerKey } from "@/lib/proxy/fresh-manifests";
import { cachedManifest, lastKnownTag, MAX_CACHED_MANIFEST_BYTES, rememberManifest, rememberTag, type CachedManifest } from "@/lib/proxy/manifest-cache";
import { ensureRegistrySafe } from "@/lib/proxy/role-safety";
import { callRegistry, upstreamFailure } from "@/lib/proxy/upstream";
import { readBody, UpstreamRefusedError } from "@/lib/proxy/upstream-http";
import { MANIFEST_MEDIA_TYPES } from "@/lib/registry-test/registry-http";

export const DIGEST_REFERENCE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const TAG_REFERENCE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

type Fetched = { manifest: CachedManifest } | { head: true; headers: Record<string, string> };

export async function serveManifest(target: AuthorizedRepository, reference: string, method: "GET" | "HEAD", requestHeaders: IncomingHttpHeaders, response: ServerResponse, record: PullRecord): Promise<void> {
  const byDigest = DIGEST_REFERENCE.test(reference);
  if (!byDigest && !TAG_REFERENCE.test(reference)) throw new ProxyError("MANIFEST_UNKNOWN", `"${reference}" is neither a tag nor a digest.`);
  if (byDigest) record.digest = reference;
  // A tag-restricted license: the tag must be allowed, a digest reached through an allowed tag.
  const reach = target.grant ? await assertManifestEntitled(target, reference, byDigest) : null;
  const key = { teamId: target.registry.teamId, registryId: target.registry.id, repository: target.upstreamRepository };
  const accept = requestHeaders.accept ?? MANIFEST_MEDIA_TYPES.join(", ");
  const window = getEnv().PROXY_MANIFEST_FRESH_SECONDS;
  const answerKey: AnswerKey = { registryId: target.registry.id, version: target.registry.updatedAt.toISOString(), repository: target.upstreamRepository, reference, accept };

  let fetched: Fetched | undefined;
  try {
    if (window > 0) {
      // A role or federation found unsafe since is refused at once, fresh answer or not (callRegistry checks it otherwise).
      await ensureRegistrySafe(target.registry, target.upstreamRepository);
      if (await serveFresh(answerKey, window, method, response, record, reach)) return;
      // One request asks the registry; the others asking the same meanwhile wait for its answer.
      const asked = await askOnce(answerKey, async () => {
        fetched = await fetchManifest(target, reference, byDigest, method, accept, record);
        rememberFetched(answerKey, fetched);
      });
      if (!asked && (await serveFresh(answerKey, window, method, response, record, reach))) return;
    }
    if (!fetched) {
      fetched = await fetchManifest(target, reference, byDigest, method, accept, record);
      if (window > 0) rememberFetched(answerKey, fetched);
    }
  } catch (error) {
    const fallback = await fallbackFor(error, key, reference, byDigest);
    if (!fallback) throw error;
    record.digest = fallback.manifest.digest;
    await reach?.(fallback.manifest.digest, fallback.manifest.body);
    return send(response, method, fallback.manifest, fallback.warning);
  }

  if ("head" in fetched) {
    record.digest = fetched.headers["Docker-Content-Digest"] ?? record.digest;
    if (record.digest) await reach?.(record.digest, null);
    response.writeHead(200, { ...DISTRIBUTION_HEADERS, ...fetched.headers });
    response.end();
    return;
  }
  const { manifest } = fetched;
  record.digest = manifest.digest;
  record.bytes = manifest.body.length;
  await reach?.(manifest.digest, manifest.body);
  rememberManifest(key, manifest);
  if (!byDigest) rememberTag(key, reference, manifest.digest);
  send(response, method, manifest);
}

/** The manifest as the registry answers it now, checked against its digest. */
async function fetchManifest(target: AuthorizedRepository, reference: string, byDigest: boolean, method: "GET" | "HEAD", accept: string, record: PullRecord): Promise<Fetched> {
  const { response: upstream } = await callRegistry(target, `manifests/${reference}`, method, { accept });
  record.upstreamStatus = upstream.statusCode ?? null;
  if (upstream.statusCode !== 200) throw await upstreamFailure(upstream, { code: "MANIFEST_UNKNOWN", message: `The image ${reference} was not found in the vendor's registry. Check the tag or digest.` });
  const contentType = String(upstream.headers["content-type"] ?? "application/octet-stream");
  const upstreamDigest = upstream.headers["docker-content-digest"] as string | undefined;
  if (method === "HEAD") {
    upstream.resume();
    if (byDigest && upstreamDigest && upstreamDigest !== reference) throw digestMismatch();
    const digest = byDigest ? reference : upstreamDigest;
    return { head: true, headers: { "Content-Type": contentType, ...(digest ? { "Docker-Content-Digest": digest } : {}), ...(upstream.headers["content-length"] ? { "Content-Length": String(upstream.headers["content-length"]) } : {}) } };
  }
  let body: Buffer;
  try {
    body = await readBody(upstream, MAX_CACHED_MANIFEST_BYTES);
  } catch (error) {
    if (error instanceof UpstreamRefusedError) throw new ProxyError("MANIFEST_INVALID", "The vendor's manifest is larger than the proxy serves (4 MiB).", {}, 200);
    throw error;
  }
  const digest = digestOf(body, byDigest ? reference.slice(0, reference.indexOf(":")) : "sha256");
  if ((byDigest && digest !== reference) || (!byDigest && upstreamDigest && upstreamDigest.startsWith("sha256:") && upstreamDigest !== digest)) throw digestMismatch();
  return { manifest: { digest, mediaType: contentType, body } };
}

/** Keeps what the registry just said, for PROXY_MANIFEST_FRESH_SECONDS (a HEAD only when it named the digest and length). */
function rememberFetched(key: AnswerKey, fetched: Fetched, at = Date.now()): void {
  if ("head" in fetched) {
    const digest = fetched.headers["Docker-Content-Digest"];
    const length = Number(fetched.headers["Content-Length"]);
    if (digest && DIGEST_REFERENCE.test(digest) && Number.isSafeInteger(length) && length >= 0) rememberAnswer(key, { digest, mediaType: fetched.headers["Content-Type"]!, length, at });
    return;
  }
  const { manifest } = fetched;
  rememberAnswer(key, { digest: manifest.digest, mediaType: manifest.mediaType, length: manifest.body.length, at }, manifest);
}

/** Answers from the registry's recent answer, without asking it again; false when there is none (or, for a GET, no body). */
async function serveFresh(key: AnswerKey, windowSeconds: number, method: "GET" | "HEAD", response: ServerResponse, record: PullRecord, reach: ManifestReach | null): Promise<boolean> {
  const answer = freshAnswer(key, windowSeconds);
  if (!answer) return false;
  if (method === "HEAD") {
    record.digest = answer.digest;
    await reach?.(answer.digest, null);
    response.writeHead(200, { ...DISTRIBUTION_HEADERS, "Content-Type": answer.mediaType, "Content-Length": answer.length, "Docker-Content-Digest": answer.digest });
    response.end();
    return true;
  }
  const manifest = knownBody(key, answer);
  if (!manifest) return false;
  record.digest = manifest.digest;
  record.bytes = manifest.body.length;
  await reach?.(manifest.digest, manifest.body);
  send(response, method, manifest);
  return true;
}

function send(response: ServerResponse, method: "GET" | "HEAD", manifest: CachedManifest, warning?: string): void {
  response.writeHead(200, {
    ...DISTRIBUTION_HEADERS,
    "Content-Type": manifest.mediaType,
    "Content-Length": manifest.body.length,
    "Docker-Content-Digest": manifest.digest,
    ...(warning ? { Warning: warning } : {}),
  });
  response.end(method === "HEAD" ? undefined : manifest.body);
}

/** When the registry cannot answer (not when it refuses): the stored manifest, if any. */
async function fallbackFor(error: unknown, key: { teamId: string; registryId: string; repository: string }, reference: string, byDigest: boolean): Promise<{ manifest: CachedManifest; warning?: string } | null> {
  if (!(error instanceof ProxyError) || error.code !== "UNAVAILABLE") return null;
  if (byDigest) {
    const manifest = await cachedManifest(key, reference);
    return manifest ? { manifest } : null;
  }
  const known = await lastKnownTag(key, reference, getEnv().PROXY_STALE_TAG_SECONDS);
  if (!known) return null;
  const manifest = await cachedManifest(key, known.digest);
  if (!manifest) return null;
  return { manifest, warning: `110 - "Response is stale: the vendor's registry is unavailable; this is the digest the tag had at ${known.seenAt.toISOString()}"` };
}

function digestMismatch(): ProxyError {
  return new ProxyError("UNKNOWN", "The vendor's registry sent a manifest that does not match its digest; the proxy did not serve it. Try again, or tell your vendor.");
}

function digestOf(body: Buffer, algorithm: string): string {
  return `${algorithm}:${createHash(algorithm).update(body).digest("hex")}`;
}
