// ECR's registry endpoint (OCI distribution API, read side). Clients log in
// with Basic `AWS:<password>` from GetAuthorizationToken; every manifest and
// blob request is authorized like the API (ecr:BatchGetImage,
// ecr:GetDownloadUrlForLayer). Blobs are answered with a redirect to a signed,
// expiring "layer storage" URL, as ECR redirects to S3, and that URL refuses
// a second authentication mechanism just as S3 does.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { ServerResponse } from "node:http";
import { ecrDenialReason, repositoryArn } from "./ecr-authorization";
import { accessDeniedMessage } from "./aws-error";
import { send } from "./http-response";
import type { ServerContext } from "./local-aws";
import { principalOfAccessKey } from "./principals";
import { headerValue, type ReceivedRequest } from "./sigv4";
import { repositoryKey, type Image, type RegistryAuthToken, type Repository } from "./state";

const ECR_HOSTNAME = /^(\d{12})\.dkr\.ecr\.([a-z]{2}(?:-gov)?-[a-z]+-\d{1,2})\.amazonaws\.com(?:\.cn)?$/;
const LAYER_URL_LIFETIME_SECONDS = 3600;

export function registryHostname(accountId: string, region: string): string {
  return `${accountId}.dkr.ecr.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}`;
}

/** An image by tag or by digest. */
export function findImage(repository: Repository, reference: string): Image | undefined {
  return reference.startsWith("sha256:") ? repository.images.find((image) => image.digest === reference) : repository.images.find((image) => image.tags.includes(reference));
}

export function handleRegistry(context: ServerContext, request: ReceivedRequest, response: ServerResponse, path: string, hostname: string | undefined): void {
  const base = { "Docker-Distribution-Api-Version": "registry/2.0" };
  const fail = (status: number, code: string, message: string, extra: Record<string, string> = {}) =>
    send(response, status, { ...base, ...extra, "Content-Type": "application/json; charset=utf-8" }, JSON.stringify({ errors: [{ code, message, detail: null }] }));

  const host = hostname ?? headerValue(request.headers, "host") ?? "localhost";
  const challenge = { "WWW-Authenticate": `Basic realm="https://${host}/",service="ecr.amazonaws.com"` };
  const parsedHost = hostname === undefined ? undefined : ECR_HOSTNAME.exec(hostname);
  if (hostname !== undefined && !parsedHost) return fail(404, "NAME_UNKNOWN", `${hostname} is not an ECR registry hostname`);

  const token = authorizationToken(context, request);
  if (token === "missing") return fail(401, "DENIED", "Not Authorized", challenge);
  if (token === "invalid") return fail(401, "DENIED", "Your authorization token is invalid.", challenge);
  if (token.expiresAt <= context.now()) return fail(403, "DENIED", "Your authorization token has expired. Reauthenticate and try again.");
  const accountId = parsedHost ? parsedHost[1]! : token.accountId;
  const region = parsedHost ? parsedHost[2]! : token.region;
  if (region !== token.region) return fail(401, "DENIED", "Your authorization token is invalid.", challenge);
  const principal = principalOfAccessKey(context.state, token.accessKeyId);
  if (!principal) return fail(403, "DENIED", "Your authorization token is invalid.");

  if (request.method !== "GET" && request.method !== "HEAD") return fail(405, "UNSUPPORTED", "The local AWS registry endpoint is read-only");
  if (path === "/v2" || path === "/v2/") return send(response, 200, { ...base, "Content-Type": "application/json; charset=utf-8" }, request.method === "HEAD" ? "" : "{}");

  const route = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(path) ?? /^\/v2\/(.+)\/(tags)\/(list)$/.exec(path);
  if (!route) return fail(404, "NOT_FOUND", "Not found");
  const [, name, kind, reference] = route as unknown as [string, string, "manifests" | "blobs" | "tags", string];
  const action = kind === "manifests" ? "ecr:BatchGetImage" : kind === "blobs" ? "ecr:GetDownloadUrlForLayer" : "ecr:ListImages";
  const repository = context.state.repositories[repositoryKey(accountId, region, name)];
  const resource = repositoryArn(accountId, region, name);
  const reason = ecrDenialReason(context.state, principal, action, resource, repository);
  if (reason) return fail(403, "DENIED", accessDeniedMessage({ principalArn: principal.arn, action, resource, reason }));
  if (!repository) return fail(404, "NAME_UNKNOWN", `The repository with name '${name}' does not exist in the registry with id '${accountId}'`);

  if (kind === "tags") {
    const tags = repository.images.flatMap((image) => image.tags).sort();
    return send(response, 200, { ...base, "Content-Type": "application/json; charset=utf-8" }, JSON.stringify({ name, tags }));
  }
  if (kind === "manifests") {
    const image = findImage(repository, decodeURIComponent(reference));
    if (!image) return fail(404, "MANIFEST_UNKNOWN", "Requested image not found");
    const body = Buffer.from(image.manifest);
    response.writeHead(200, { ...base, "Content-Type": image.mediaType, "Content-Length": body.length, "Docker-Content-Digest": image.digest });
    return void response.end(request.method === "HEAD" ? undefined : body);
  }
  const blob = repository.blobs[reference];
  if (!blob) return fail(404, "BLOB_UNKNOWN", `The specified blob does not exist: ${reference}`);
  if (request.method === "HEAD") {
    response.writeHead(200, { ...base, "Content-Type": "application/octet-stream", "Content-Length": Buffer.from(blob.data, "base64").length, "Docker-Content-Digest": reference });
    return void response.end();
  }
  send(response, 307, { ...base, Location: layerDownloadUrl(context, repository, reference, headerValue(request.headers, "host")), "Docker-Content-Digest": reference });
}

function authorizationToken(context: ServerContext, request: ReceivedRequest): RegistryAuthToken | "missing" | "invalid" {
  const header = headerValue(request.headers, "authorization");
  if (!header) return "missing";
  const match = /^Basic\s+(\S+)$/i.exec(header);
  if (!match) return "invalid";
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const separator = decoded.indexOf(":");
  if (separator < 0 || decoded.slice(0, separator) !== "AWS") return "invalid";
  return context.state.authTokens[decoded.slice(separator + 1)] ?? "invalid";
}

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
