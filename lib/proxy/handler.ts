import "server-only";
// The pull side of the OCI distribution API at /v2/, as a plain Node request
// handler that the production server calls before Next.js routing. Routes,
// in order: the ping, the token endpoint, refusals (push, delete, catalog),
// then manifests, blobs and tag lists of a proxied name after the license
// check and the per-license rate limit. Every token, manifest and blob
// request of a known customer goes to the access log once the response ends.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { getEnv } from "@/lib/env";
import { resolveClientAddress } from "@/lib/http/client-address";
import { log } from "@/lib/log";
import { recordPullEvent, type PullEventInput, type PullRecord } from "@/lib/proxy/access-log";
import { authenticatePull, authorizeRepository, FAILED_LOGINS_PER_MINUTE, serveTokenRequest, type PullIdentity } from "@/lib/proxy/auth";
import { BlobStreamAborted, serveBlob } from "@/lib/proxy/blobs";
import { DISTRIBUTION_HEADERS, ProxyError, sendProxyError } from "@/lib/proxy/errors";
import { serveManifest } from "@/lib/proxy/manifests";
import { SlidingWindowLimiter } from "@/lib/proxy/rate-limit";
import { serveTags } from "@/lib/proxy/tags";

const perLicense = new SlidingWindowLimiter(() => getEnv().PROXY_RATE_LIMIT_PER_MINUTE);
const failedLogins = new SlidingWindowLimiter(() => FAILED_LOGINS_PER_MINUTE);

/** For tests: start every limit afresh. */
export function resetProxyLimits(): void {
  perLicense.reset();
  failedLogins.reset();
}

const RESOURCE_PATH = /^\/v2\/(.+)\/(manifests|blobs|tags)\/(.+)$/;

interface RequestLog extends PullRecord {
  action: PullEventInput["action"] | null;
  repository: string | null;
  reference: string | null;
  teamId: string | null;
  applicationId: string | null;
  customerId: string | null;
  registryId: string | null;
}

/** The client's address, resolved as everywhere else in the portal (TRUST_PROXY). */
function clientAddressOf(request: IncomingMessage): string {
  return resolveClientAddress(request.socket.remoteAddress, request.headers["x-forwarded-for"], getEnv().TRUST_PROXY).slice(0, 64);
}

/** Answers /v2 and everything under it; returns false for any other path. */
export function handleProxyRequest(request: IncomingMessage, response: ServerResponse): boolean {
  const path = (request.url ?? "/").split("?", 1)[0]!;
  if (path !== "/v2" && !path.startsWith("/v2/")) return false;
  void serve(request, response);
  return true;
}

async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const started = performance.now();
  const url = new URL(request.url ?? "/", "http://proxy");
  const method = request.method ?? "GET";
  const clientAddress = clientAddressOf(request);
  const entry: RequestLog = { action: null, repository: null, reference: null, teamId: null, applicationId: null, customerId: null, registryId: null, digest: null, upstreamStatus: null, bytes: 0 };
  response.once("close", () => {
    if (!entry.action || !entry.teamId || !entry.applicationId) return;
    recordPullEvent({
      teamId: entry.teamId,
      applicationId: entry.applicationId,
      customerId: entry.customerId,
      registryId: entry.registryId,
      action: entry.action,
      method,
      repository: entry.repository,
      reference: entry.reference,
      digest: entry.digest,
      status: entry.abortedStatus ?? (response.writableFinished ? response.statusCode : 499),
      bytes: entry.bytes,
      durationMs: Math.round(performance.now() - started),
      upstreamStatus: entry.upstreamStatus,
      clientAddress,
      userAgent: request.headers["user-agent"] ?? null,
      createdAt: new Date(),
    });
  });
  const identify = (identity: PullIdentity) => {
    entry.teamId = identity.customer.teamId;
    entry.applicationId = identity.customer.applicationId;
    entry.customerId = identity.customer.id;
  };

  try {
    if (url.pathname === "/v2" || url.pathname === "/v2/") {
      if (method !== "GET" && method !== "HEAD") throw new ProxyError("UNSUPPORTED", "This registry only serves pulls.", { Allow: "GET, HEAD" });
      await authenticatePull(request, undefined, failedLogins, clientAddress);
      response.writeHead(200, { ...DISTRIBUTION_HEADERS, "Content-Type": "application/json; charset=utf-8", "Content-Length": 2 });
      response.end(method === "HEAD" ? undefined : "{}");
      return;
    }
    if (url.pathname === "/v2/token") {
      entry.action = "token";
      try {
        const { customer, body } = await serveTokenRequest(request, url, clientAddress, failedLogins);
        if (customer) identify({ customer, grantedNames: null });
        const json = JSON.stringify(body);
        response.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(json), "Cache-Control": "no-store" });
        response.end(json);
      } catch (error) {
        const customer = (error as { customer?: PullIdentity["customer"] }).customer;
        if (customer) identify({ customer, grantedNames: null });
        throw error;
      }
      return;
    }
    if (url.pathname === "/v2/_catalog") throw new ProxyError("DENIED", "Listing repositories is not offered. Use the image names your vendor gave you.");
    const match = RESOURCE_PATH.exec(url.pathname);
    if (!match) throw new ProxyError("NAME_UNKNOWN", "Not a registry API path. Use the image names your vendor gave you.");
    const [, name, kind, rest] = match as unknown as [string, string, "manifests" | "blobs" | "tags", string];
    if (kind === "blobs" && rest.startsWith("uploads")) throw new ProxyError("UNSUPPORTED", "This registry is read-only: pushing is not possible through the proxy.");
    if (method !== "GET" && method !== "HEAD") throw new ProxyError("UNSUPPORTED", "This registry is read-only: pushing and deleting are not possible through the proxy.", { Allow: "GET, HEAD" });
    if (kind === "tags" && rest !== "list") throw new ProxyError("NAME_UNKNOWN", "Not a registry API path.");

    entry.action = kind === "manifests" ? "manifest" : kind === "blobs" ? "blob" : "tags";
    entry.repository = name;
    entry.reference = kind === "tags" ? null : decodeURIComponent(rest);
    const identity = await authenticatePull(request, name, failedLogins, clientAddress);
    identify(identity);
    const retryAfter = perLicense.take(identity.customer.id);
    if (retryAfter !== null) {
      throw new ProxyError("TOOMANYREQUESTS", `This license made more than ${getEnv().PROXY_RATE_LIMIT_PER_MINUTE} requests in a minute. Try again in ${retryAfter} s.`, { "Retry-After": String(retryAfter) });
    }
    const target = await authorizeRepository(identity, name);
    entry.registryId = target.registry.id;
    const verb = method as "GET" | "HEAD";
    if (kind === "manifests") await serveManifest(target, entry.reference!, verb, request.headers, response, entry);
    else if (kind === "blobs") await serveBlob(target, entry.reference!, verb, request.headers, response, entry);
    else await serveTags(target, url.searchParams, response, entry);
  } catch (error) {
    if (error instanceof ProxyError) {
      if (error.upstreamStatus !== undefined) entry.upstreamStatus = error.upstreamStatus;
      return sendProxyError(response, error, method);
    }
    if (error instanceof BlobStreamAborted) {
      log.warn({ registryId: entry.registryId, digest: entry.digest, reason: error.reason }, "proxy blob stream aborted");
      return;
    }
    const requestId = randomUUID();
    log.error({ requestId, err: error instanceof Error ? `${error.name}: ${error.message}` : "unknown error" }, "proxy request failed");
    sendProxyError(response, new ProxyError("UNKNOWN", `Something went wrong in the portal. Try again; if it keeps happening, tell your vendor request ID ${requestId}.`), method);
  }
}
