import "server-only";
// GET and HEAD of blobs. ECR answers a blob with a redirect to a pre-signed
// storage URL; the proxy follows it itself (without the registry's
// Authorization, only to allowed destinations; see upstream-http.ts) and
// streams the body to the client with back-pressure, hashing as it goes
// (blob-stream.ts; from plain http:// storage read into pooled buffers,
// plain-http-body.ts). The last chunk is held back until the digest is
// confirmed, so a blob that does not match is never delivered whole: the
// connection is cut instead.
// Range requests are passed on (a partial body cannot be verified).
// The storage location a redirect led to is reused for the next pulls of the
// same blob while it is valid (blob-locations.ts), saving a registry round trip.
// With PROXY_BLOB_CACHE_DIR, verified blobs are kept on disk and later pulls
// read them there once the registry confirms the blob (blob-cache.ts).
// PROXY_BLOB_MODE=redirect hands the pre-signed URL to the client instead.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { getEnv } from "@/lib/env";
import type { PullRecord } from "@/lib/proxy/access-log";
import type { AuthorizedRepository } from "@/lib/proxy/auth";
import { DISTRIBUTION_HEADERS, ProxyError } from "@/lib/proxy/errors";
import { BlobCacheFill, blobCacheEnabled, openCachedBlob, type CachedBlob } from "@/lib/proxy/blob-cache";
import { forgetBlobLocation, knownBlobLocation, rememberBlobLocation, type BlobKey } from "@/lib/proxy/blob-locations";
import { DigestMismatchError, DigestVerifier, relayPlainBody } from "@/lib/proxy/blob-stream";
import { assertBlobEntitled } from "@/lib/proxy/entitlement-checks";
import { ensureRegistrySafe } from "@/lib/proxy/role-safety";
import { callRegistry, trustedOrigins, unreachable, upstreamFailure } from "@/lib/proxy/upstream";
import { checkUpstreamUrl, discard, isPlainHttpBody, requestBlobBody, type BlobBody } from "@/lib/proxy/upstream-http";

export const BLOB_DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const MAX_REDIRECTS = 3;

export async function serveBlob(target: AuthorizedRepository, digest: string, method: "GET" | "HEAD", requestHeaders: IncomingHttpHeaders, response: ServerResponse, record: PullRecord): Promise<void> {
  if (!BLOB_DIGEST.test(digest)) throw new ProxyError("BLOB_UNKNOWN", `"${digest}" is not a sha256 or sha512 digest.`);
  record.digest = digest;
  await assertBlobEntitled(target, digest);
  const range = typeof requestHeaders.range === "string" ? requestHeaders.range : undefined;
  const forwarded: Record<string, string> = range && method === "GET" ? { range } : {};
  const redirectMode = getEnv().PROXY_BLOB_MODE === "redirect" && method === "GET";

  if (method === "GET" && !range && !redirectMode && blobCacheEnabled()) {
    const cached = await openCachedBlob({ registryId: target.registry.id, repository: target.upstreamRepository, digest });
    if (cached) {
      let confirmed = false;
      try {
        confirmed = await registryStillServes(target, digest, cached.size, record);
      } finally {
        if (!confirmed) cached.close();
      }
      if (confirmed) return serveCachedBlob(cached, digest, response, record);
    }
  }

  const origins = trustedOrigins();
  const blobKey: BlobKey = { registryId: target.registry.id, version: target.registry.updatedAt.toISOString(), repository: target.upstreamRepository, digest };
  const known = method === "GET" && !redirectMode ? knownBlobLocation(blobKey) : null;
  // A role or federation found unsafe since is refused at once, known location or not.
  if (known) await ensureRegistrySafe(target.registry, target.upstreamRepository);
  let upstream = known ? await fromKnownLocation(known, blobKey, forwarded, origins) : null;
  let location = known;
  if (upstream) record.upstreamStatus = upstream.statusCode ?? null;
  else {
    location = null;
    const { response: first, url } = await callRegistry(target, `blobs/${digest}`, method, forwarded);
    record.upstreamStatus = first.statusCode ?? null;
    upstream = first;
    let current = url;
    for (let hops = 0; isRedirect(upstream.statusCode); hops++) {
      const next = upstream.headers.location;
      discard(upstream);
      if (!next || hops >= MAX_REDIRECTS) throw new ProxyError("UNKNOWN", "The vendor's registry redirected the blob too often.", {}, upstream.statusCode);
      current = new URL(next, current);
      if (redirectMode) {
        try {
          checkUpstreamUrl(current, origins);
        } catch (error) {
          throw unreachable(error, target.registry.id);
        }
        response.writeHead(307, { ...DISTRIBUTION_HEADERS, Location: current.toString(), "Docker-Content-Digest": digest, "Content-Length": 0 });
        response.end();
        return;
      }
      try {
        // Another origin gets no Authorization: the pre-signed URL is its own credential.
        upstream = await requestBlobBody(current, { method, headers: forwarded, timeoutMs: getEnv().PROXY_UPSTREAM_TIMEOUT_MS, trustedOrigins: origins });
      } catch (error) {
        throw unreachable(error, target.registry.id);
      }
      record.upstreamStatus = upstream.statusCode ?? null;
      location = current;
    }
  }

  const status = upstream.statusCode ?? 0;
  if (status !== 200 && status !== 206) {
    // A plain-http body is always a 200 or 206: this is node:http's answer.
    throw await upstreamFailure(upstream as IncomingMessage, { code: "BLOB_UNKNOWN", message: `The layer ${digest} was not found in the vendor's registry.` });
  }
  const headers: Record<string, string> = {
    ...DISTRIBUTION_HEADERS,
    "Content-Type": "application/octet-stream",
    "Docker-Content-Digest": digest,
    "Accept-Ranges": "bytes",
    ...(upstream.headers["content-length"] ? { "Content-Length": String(upstream.headers["content-length"]) } : {}),
    ...(status === 206 && upstream.headers["content-range"] ? { "Content-Range": String(upstream.headers["content-range"]) } : {}),
    "Cache-Control": "private, max-age=31536000, immutable",
  };
  response.writeHead(status, headers);
  if (method === "HEAD") {
    discard(upstream);
    response.end();
    return;
  }
  const declared = Number(upstream.headers["content-length"]);
  const length = Number.isSafeInteger(declared) ? declared : undefined;
  const fill = status === 200 && !range && length !== undefined ? await BlobCacheFill.start({ registryId: target.registry.id, repository: target.upstreamRepository, digest }, length) : null;
  await streamBody(upstream, response, status === 200 ? digest : null, record, fill, length);
  await fill?.keep();
  if (location && method === "GET" && !redirectMode) rememberBlobLocation(blobKey, location);
}

/** The blob from storage at a location the registry gave before; null (and forgotten) when storage no longer serves it there. */
async function fromKnownLocation(location: URL, key: BlobKey, headers: Record<string, string>, origins: ReadonlySet<string>): Promise<BlobBody | null> {
  try {
    const answer = await requestBlobBody(location, { method: "GET", headers, timeoutMs: getEnv().PROXY_UPSTREAM_TIMEOUT_MS, trustedOrigins: origins });
    if (answer.statusCode === 200 || answer.statusCode === 206) return answer;
    discard(answer);
  } catch {
    // Expired, moved or unreachable: the registry is asked as usual.
  }
  forgetBlobLocation(key);
  return null;
}

/** Whether the registry still has the blob in this repository for the portal (a HEAD: 200 of the same length, or a redirect to storage). */
async function registryStillServes(target: AuthorizedRepository, digest: string, size: number, record: PullRecord): Promise<boolean> {
  const { response: check } = await callRegistry(target, `blobs/${digest}`, "HEAD", {});
  discard(check);
  const status = check.statusCode ?? 0;
  record.upstreamStatus = status;
  if (isRedirect(status)) return true;
  const length = check.headers["content-length"];
  return status === 200 && (length === undefined || Number(length) === size);
}

async function serveCachedBlob(cached: CachedBlob, digest: string, response: ServerResponse, record: PullRecord): Promise<void> {
  response.writeHead(200, {
    ...DISTRIBUTION_HEADERS,
    "Content-Type": "application/octet-stream",
    "Docker-Content-Digest": digest,
    "Accept-Ranges": "bytes",
    "Content-Length": String(cached.size),
    "Cache-Control": "private, max-age=31536000, immutable",
  });
  // Verified when it was stored; counted, not hashed again.
  try {
    await cached.send(response, record);
    response.end();
  } catch (error) {
    record.abortedStatus = response.destroyed ? 499 : 502;
    response.destroy();
    throw new BlobStreamAborted((error as { code?: string }).code ?? "cache read error");
  }
}

/** `length`: the body's Content-Length, when it has one (the verifier then holds back only the last chunk). */
async function streamBody(upstream: BlobBody, response: ServerResponse, expected: string | null, record: PullRecord, fill: BlobCacheFill | null, length: number | undefined): Promise<void> {
  try {
    if (isPlainHttpBody(upstream)) await relayPlainBody(upstream, response, expected, record, fill);
    else {
      const verifier = new DigestVerifier(expected, record, length);
      await (fill ? pipeline(upstream, verifier, fill, response) : pipeline(upstream, verifier, response));
    }
  } catch (error) {
    fill?.discard();
    const mismatch = error instanceof DigestMismatchError;
    // 499: the client went away (nginx's convention); 502: the upstream failed or lied.
    record.abortedStatus = mismatch ? 502 : (error as { code?: string }).code === "ERR_STREAM_PREMATURE_CLOSE" && response.destroyed ? 499 : 502;
    response.destroy();
    throw new BlobStreamAborted(mismatch ? "digest mismatch" : ((error as { code?: string }).code ?? "stream error"));
  }
}

/** The response was already started; nothing can be sent but a cut connection. */
export class BlobStreamAborted extends Error {
  constructor(readonly reason: string) {
    super(`blob stream aborted: ${reason}`);
    this.name = "BlobStreamAborted";
  }
}

function isRedirect(status: number | undefined): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}
