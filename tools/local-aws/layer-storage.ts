// Layer storage, as ECR's S3: blob downloads by signed, expiring URL that
// need no other authentication and refuse a second mechanism (an
// Authorization header) exactly as S3 does.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { ServerResponse } from "node:http";
import { send } from "./http-response";
import type { ServerContext } from "./local-aws";
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
  const data = Buffer.from(blob.data, "base64");
  response.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": data.length, ETag: `"${match[4]!.slice(7, 39)}"` });
  response.end(request.method === "HEAD" ? undefined : data);
}
