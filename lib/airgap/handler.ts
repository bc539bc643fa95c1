import "server-only";
// GET and HEAD /customer/airgap.tar?image=…: a customer's air-gap archive (an
// OCI image layout as a tar), answered by the production server before
// Next.js like the proxy, for the customer signed in to its page (the
// customer session cookie) or holding a signed download link (links.ts). The archive is planned from the manifests first
// (plan.ts), so Content-Length, a strong ETag and Range requests (one range;
// If-Range honoured) work and an interrupted download resumes. The first
// complete full download stores the archive's sha256 (archive-digest.ts),
// announced from then on in Repr-Digest. One access-log event per download,
// with action "airgap", and one per blob it carried ("airgap_blob").
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ArchiveHasher, findArchiveDigest, reprDigest } from "@/lib/airgap/archive-digest";
import { customerFromAirGapLink } from "@/lib/airgap/links";
import { AIRGAP_PATH } from "@/lib/airgap/paths";
import { planArchive } from "@/lib/airgap/plan";
import { selectionFromQuery } from "@/lib/airgap/schema";
import { archiveChunks, type ServedBlob } from "@/lib/airgap/stream";
import { CUSTOMER_SESSION_COOKIE, customerSessionFromToken } from "@/lib/customer-portal/session-token";
import { getEnv } from "@/lib/env";
import { resolveClientAddress } from "@/lib/http/client-address";
import { log } from "@/lib/log";
import { recordPullEvent } from "@/lib/proxy/access-log";
import { assertLicenseActive, pullCustomer } from "@/lib/proxy/auth";
import { ProxyError } from "@/lib/proxy/errors";
import { proxyHost } from "@/lib/proxy/proxy-reference";

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

/** bytes=a-b, bytes=a- or bytes=-n of a size; null for none or several ranges (the whole archive is sent); "invalid" when unsatisfiable. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | "invalid" {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return null;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0) return "invalid";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return "invalid";
  return { start, end };
}

function sendError(response: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  response.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(body), "Cache-Control": "no-store" });
  response.end(body);
}

/** Answers the air-gap download path; false for any other path. */
export function handleAirGapRequest(request: IncomingMessage, response: ServerResponse): boolean {
  if ((request.url ?? "/").split("?", 1)[0] !== AIRGAP_PATH) return false;
  void serveAirGap(request, response);
  return true;
}

async function serveAirGap(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const started = performance.now();
  const method = request.method ?? "GET";
  if (method !== "GET" && method !== "HEAD") return sendError(response, 405, "method_not_allowed", "Download the archive with GET.");
  const query = new URL(request.url ?? "/", "http://portal").searchParams;
  // A signed download link, or the customer's own page session.
  const session = await (query.has("link") ? customerFromAirGapLink(query) : customerSessionFromToken(cookieValue(request.headers.cookie, CUSTOMER_SESSION_COOKIE))).catch(() => null);
  if (!session) return sendError(response, 401, "unauthorized", "This download link is invalid or has expired, or you are not signed in: open your page (/customer), sign in with your license and prepare the download again.");
  const selection = selectionFromQuery(query);
  if (!selection.success) return sendError(response, 400, "invalid_input", selection.error.issues[0]?.message ?? "Choose the images to download.");
  const { customer } = session;
  const who = {
    teamId: customer.teamId,
    applicationId: customer.applicationId,
    customerId: customer.id,
    method,
    clientAddress: resolveClientAddress(request.socket.remoteAddress, request.headers["x-forwarded-for"], getEnv().TRUST_PROXY).slice(0, 64),
    userAgent: request.headers["user-agent"] ?? null,
  };
  // Each blob the archive carried, logged as the proxy logs a blob pull, marked as part of an air-gap download.
  const logBlob = ({ segment, status, bytes, upstreamStatus, durationMs }: ServedBlob) =>
    recordPullEvent({ ...who, registryId: segment.target.registry.id, action: "airgap_blob", repository: segment.target.name, reference: segment.reference, digest: segment.digest, status, bytes, durationMs, upstreamStatus, createdAt: new Date() });
  const sent = { bytes: 0, status: 0 };
  try {
    const pulling = await pullCustomer(customer.teamId, customer.id);
    if (!pulling) {
      sent.status = 401;
      return sendError(response, 401, "unauthorized", "Sign in to your page again.");
    }
    assertLicenseActive(pulling, "DENIED");
    const plan = await planArchive({ customer: pulling, grantedNames: null }, proxyHost(), selection.data);
    const ifRange = request.headers["if-range"];
    const range = ifRange === undefined || ifRange === plan.etag ? parseRange(request.headers.range, plan.size) : null;
    const headers: Record<string, string | number> = {
      "Content-Type": "application/x-tar",
      "Content-Disposition": `attachment; filename="${session.application.slug}-images.tar"`,
      "Accept-Ranges": "bytes",
      ETag: plan.etag,
      "Cache-Control": "private, no-transform",
    };
    if (range === "invalid") {
      response.writeHead(416, { ...headers, "Content-Range": `bytes */${plan.size}`, "Content-Length": 0 });
      response.end();
      return;
    }
    const { start, end } = range ?? { start: 0, end: plan.size - 1 };
    const known = await findArchiveDigest(customer.teamId, plan.planKey);
    if (known) headers["Repr-Digest"] = reprDigest(known.sha256);
    sent.status = range ? 206 : 200;
    response.writeHead(sent.status, { ...headers, "Content-Length": end - start + 1, ...(range ? { "Content-Range": `bytes ${start}-${end}/${plan.size}` } : {}) });
    if (method === "HEAD" || plan.size === 0) return void response.end();
    // Only a full download can give the archive's digest; once stored it is not computed again.
    const hasher = !known && start === 0 && end === plan.size - 1 ? new ArchiveHasher(customer.teamId, plan.planKey, plan.size) : null;
    const delivered = await sendArchive(response, archiveChunks(plan, start, end, logBlob), (chunk) => {
      sent.bytes += chunk.length;
      hasher?.update(chunk);
    });
    if (delivered === "failed") sent.status = 502;
    else if (delivered === "gone") sent.status = 499;
    // Stored off the request's path (it logs its own failure), so the download's log event is not held up.
    if (delivered === "sent" && hasher) void hasher.complete();
  } catch (error) {
    if (error instanceof ProxyError) {
      sent.status = error.status;
      return sendError(response, error.status, error.code === "DENIED" ? "forbidden" : error.code === "MANIFEST_UNKNOWN" || error.code === "NAME_UNKNOWN" ? "not_found" : "upstream", error.message);
    }
    const requestId = randomUUID();
    sent.status = 500;
    log.error({ requestId, err: error instanceof Error ? `${error.name}: ${error.message}` : "unknown error" }, "air-gap archive failed");
    if (!response.headersSent) sendError(response, 500, "internal", `Something went wrong on our side. Try again; if it keeps happening, tell your vendor request ID ${requestId}.`);
    else response.destroy();
  } finally {
    recordPullEvent({
      ...who,
      registryId: null,
      action: "airgap",
      repository: selection.data.images[0]?.name ?? null,
      reference: `${selection.data.images.length} image${selection.data.images.length === 1 ? "" : "s"}`,
      digest: null,
      status: sent.status,
      bytes: sent.bytes,
      durationMs: Math.round(performance.now() - started),
      upstreamStatus: null,
      createdAt: new Date(),
    });
  }
}

/**
 * Writes the archive's chunks out one at a time, each written to the socket
 * before the next is asked for (a blob's chunks are lent by the proxy's relay
 * and reused once the next is asked for). "gone" when the client left, "failed"
 * when the archive could not be produced (the connection is cut, so the
 * client sees a short download, never a wrong one).
 */
async function sendArchive(response: ServerResponse, chunks: AsyncGenerator<Buffer>, onChunk: (chunk: Buffer) => void): Promise<"sent" | "gone" | "failed"> {
  const closed = new Promise<false>((resolve) => response.once("close", () => resolve(false)));
  const written = (chunk: Buffer) => Promise.race([new Promise<boolean>((resolve) => response.write(chunk, (error) => resolve(!error))), closed]);
  try {
    for await (const chunk of chunks) {
      onChunk(chunk);
      if (!(await written(chunk))) return "gone";
    }
  } catch (error) {
    log.warn({ err: error instanceof Error ? error.message : String(error) }, "air-gap archive stream failed");
    response.destroy();
    return "failed";
  }
  await Promise.race([new Promise<void>((resolve) => response.end(resolve)), closed]);
  return response.writableFinished ? "sent" : "gone";
}
