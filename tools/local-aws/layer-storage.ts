// Layer storage, as ECR's S3: blob downloads by signed, expiring URL that
// need no other authentication and refuse a second mechanism (an
// Authorization header) exactly as S3 does.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { ServerResponse } from "node:http";
import { blobSize, blobStream } from "./blob-data";
import { send } from "./http-response";
import type { ServerContext } from "./server-context";
import { headerValue, type ReceivedRequest } from "./sigv4";
import { repositoryKey, type Repository } from "./state";

const LAYER_URL_LIFETIME_SECONDS = 3600;

/** A signed, expiring URL for a blob on this server's layer storage. */
export function layerDownloadUrl(context: ServerContext, repository: Repository, digest: string, clientHost: string | undefined): string {
  const path = layerPath(repository, digest);
  const date = new Date(context.now()).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const expires = String(LAYER_URL_LIFETIME_SECONDS);
  const query = new URLSearchParams({ "X-Amz-Algorithm": "AWS4-HMAC-SHA256", "X-Amz-Date": date, "X-Amz-Expires": expires });
  query.set("X-Amz-Signature", layerSignature(context, path, date, expires));
  return `${context.layerStorageUrl(clientHost)}${path}?${query}`;
}

function layerPath(repository: Repository, digest: string): string {
  return `/_layers/${repository.accountId}/${repository.region}/${encodeURIComponent(repository.name)}/${digest}`;
}

function layerSignature(context: ServerContext, path: string, date: string, expires: string): string {
  return createHmac("sha256", context.layerUrlSecret).update(`${path}\n${date}\n${expires}`).digest("hex");
}

export function handleLayerDownload(context: ServerContext, request: ReceivedRequest, response: ServerResponse): void {
  const fail = (status: number, code: string, message: string) =>
    send(response, status, { "Content-Type": "application/xml" }, `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
  if (headerValue(request.headers, "authorization")) {
    return fail(400, "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified");
  }
  const match = /^\/_layers\/(\d{12})\/([^/]+)\/([^/]+)\/(sha256:[0-9a-f]{64})$/.exec(request.rawPath);
  const date = request.query.get("X-Amz-Date") ?? "";
  const expires = request.query.get("X-Amz-Expires") ?? "";
  const signature = request.query.get("X-Amz-Signature") ?? "";
  const expected = layerSignature(context, request.rawPath, date, expires);
  if (!match || signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {
    return fail(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.");
  }
  const signedAt = Date.UTC(+date.slice(0, 4), +date.slice(4, 6) - 1, +date.slice(6, 8), +date.slice(9, 11), +date.slice(11, 13), +date.slice(13, 15));
  if (context.now() > signedAt + Number(expires) * 1000) return fail(403, "AccessDenied", "Request has expired");
  const repository = context.state.repositories[repositoryKey(match[1]!, match[2]!, decodeURIComponent(match[3]!))];
  const blob = repository?.blobs[match[4]!];
  if (!blob) return fail(404, "NoSuchKey", "The specified key does not exist.");
  const size = blobSize(blob);
  const etag = `"${match[4]!.slice(7, 39)}"`;
  const range = parseRange(headerValue(request.headers, "range"), size);
  if (range === "unsatisfiable") {
    response.writeHead(416, { "Content-Type": "application/xml", "Content-Range": `bytes */${size}` });
    return void response.end();
  }
  const [start, end] = range ?? [0, size - 1];
  response.writeHead(range ? 206 : 200, {
    "Content-Type": "application/octet-stream",
    "Content-Length": end - start + 1,
    "Accept-Ranges": "bytes",
    ETag: etag,
    ...(range ? { "Content-Range": `bytes ${start}-${end}/${size}` } : {}),
  });
  if (request.method === "HEAD" || size === 0) return void response.end();
  // Streamed with back-pressure: synthetic blobs may be larger than memory should hold.
  blobStream(blob, start, end).pipe(response);
}

/** One byte range (`bytes=a-b`, `bytes=a-`, `bytes=-n`) as S3 honours it; anything else is ignored. */
function parseRange(header: string | undefined, size: number): [number, number] | "unsatisfiable" | undefined {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    return suffix === 0 ? "unsatisfiable" : [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(match[1]);
  if (start >= size) return "unsatisfiable";
  return [start, match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1)];
}
