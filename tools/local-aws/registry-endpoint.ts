// ECR's registry endpoint (OCI distribution API). Clients log in with Basic
// `AWS:<password>` from GetAuthorizationToken; every request is authorized
// like the API, with the IAM action ECR uses for it (ecr:BatchGetImage for
// manifests, ecr:GetDownloadUrlForLayer for blobs, ecr:PutImage and the
// layer-upload actions for pushes). Blobs are answered with a redirect to
// layer storage, as ECR redirects to S3.
import type { ServerResponse } from "node:http";
import { accessDeniedMessage } from "./aws-error";
import { blobSize } from "./blob-data";
import { ecrDenialReason, repositoryArn } from "./ecr-authorization";
import { layerDownloadUrl } from "./layer-storage";
import type { ServerContext } from "./server-context";
import { principalOfAccessKey } from "./principals";
import { findImage, registryAnswer, registryError, type RegistryCall } from "./registry-protocol";
import { completeUpload, putManifest, startUpload, uploadPart } from "./registry-push";
import { headerValue, type ReceivedRequest } from "./sigv4";
import { repositoryKey, type RegistryAuthToken, type Repository } from "./state";

const ECR_HOSTNAME = /^(\d{12})\.dkr\.ecr\.([a-z]{2}(?:-gov)?-[a-z]+-\d{1,2})\.amazonaws\.com(?:\.cn)?$/;

export function registryHostname(accountId: string, region: string): string {
  return `${accountId}.dkr.ecr.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}`;
}

type Route = {
  method: string[];
  pattern: RegExp;
  action: string;
  handle: (call: RegistryCall, repository: Repository, name: string, reference: string) => void;
};

const ROUTES: Route[] = [
  { method: ["GET"], pattern: /^\/v2\/(.+)\/(tags)\/(list)$/, action: "ecr:ListImages", handle: listTags },
  { method: ["GET", "HEAD"], pattern: /^\/v2\/(.+)\/(manifests)\/([^/]+)$/, action: "ecr:BatchGetImage", handle: getManifest },
  { method: ["PUT"], pattern: /^\/v2\/(.+)\/(manifests)\/([^/]+)$/, action: "ecr:PutImage", handle: putManifest },
  { method: ["POST"], pattern: /^\/v2\/(.+)\/blobs\/(uploads)\/?()$/, action: "ecr:InitiateLayerUpload", handle: startUpload },
  { method: ["PATCH"], pattern: /^\/v2\/(.+)\/blobs\/(uploads)\/([^/]+)$/, action: "ecr:UploadLayerPart", handle: uploadPart },
  { method: ["PUT"], pattern: /^\/v2\/(.+)\/blobs\/(uploads)\/([^/]+)$/, action: "ecr:CompleteLayerUpload", handle: completeUpload },
  { method: ["HEAD"], pattern: /^\/v2\/(.+)\/(blobs)\/(sha256:[0-9a-f]{64})$/, action: "ecr:BatchCheckLayerAvailability", handle: headBlob },
  { method: ["GET"], pattern: /^\/v2\/(.+)\/(blobs)\/(sha256:[0-9a-f]{64})$/, action: "ecr:GetDownloadUrlForLayer", handle: redirectBlob },
];

export function handleRegistry(context: ServerContext, request: ReceivedRequest, response: ServerResponse, path: string, hostname: string | undefined): void {
  const host = hostname ?? headerValue(request.headers, "host") ?? "localhost";
  const challenge = { "WWW-Authenticate": `Basic realm="https://${host}/",service="ecr.amazonaws.com"` };
  const parsedHost = hostname === undefined ? undefined : ECR_HOSTNAME.exec(hostname);
  if (hostname !== undefined && !parsedHost) return registryError(response, 404, "NAME_UNKNOWN", `${hostname} is not an ECR registry hostname`);

  const token = authorizationToken(context, request);
  if (token === "missing") return registryError(response, 401, "DENIED", "Not Authorized", challenge);
  if (token === "invalid") return registryError(response, 401, "DENIED", "Your authorization token is invalid.", challenge);
  if (token.expiresAt <= context.now()) return registryError(response, 403, "DENIED", "Your authorization token has expired. Reauthenticate and try again.");
  const accountId = parsedHost ? parsedHost[1]! : token.accountId;
  const region = parsedHost ? parsedHost[2]! : token.region;
  // Tokens are regional; another account's registry is a matter of policies.
  if (region !== token.region) return registryError(response, 401, "DENIED", "Your authorization token is invalid.", challenge);
  const principal = principalOfAccessKey(context.state, token.accessKeyId);
  if (!principal) return registryError(response, 403, "DENIED", "Your authorization token is invalid.");

  if (path === "/v2" || path === "/v2/") {
    if (request.method !== "GET" && request.method !== "HEAD") return registryError(response, 405, "UNSUPPORTED", "The operation is unsupported.");
    return registryAnswer(response, 200, { "Content-Type": "application/json; charset=utf-8" }, "{}");
  }
  const matching = ROUTES.filter((candidate) => candidate.pattern.test(path));
  if (matching.length === 0) return registryError(response, 404, "NOT_FOUND", "Not found");
  const route = matching.find((candidate) => candidate.method.includes(request.method));
  if (!route) return registryError(response, 405, "UNSUPPORTED", "The operation is unsupported.");
  const [, name, , reference] = route.pattern.exec(path) as unknown as [string, string, string, string];

  const repository = context.state.repositories[repositoryKey(accountId, region, name)];
  const resource = repositoryArn(accountId, region, name);
  const reason = ecrDenialReason(context.state, principal, route.action, resource, repository);
  if (reason) return registryError(response, 403, "DENIED", accessDeniedMessage({ principalArn: principal.arn, action: route.action, resource, reason }));
  if (!repository) return registryError(response, 404, "NAME_UNKNOWN", `The repository with name '${name}' does not exist in the registry with id '${accountId}'`);
  const prefix = hostname === undefined ? "" : `/_registry/${hostname}`;
  route.handle({ context, request, response, principal, accountId, region, prefix }, repository, name, decodeURIComponent(reference));
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

function listTags(call: RegistryCall, repository: Repository, name: string): void {
  const tags = repository.images.flatMap((image) => image.tags).sort();
  registryAnswer(call.response, 200, { "Content-Type": "application/json; charset=utf-8" }, JSON.stringify({ name, tags }));
}

function getManifest(call: RegistryCall, repository: Repository, _name: string, reference: string): void {
  const image = findImage(repository, reference);
  if (!image) return registryError(call.response, 404, "MANIFEST_UNKNOWN", "Requested image not found");
  registryAnswer(call.response, 200, { "Content-Type": image.mediaType, "Docker-Content-Digest": image.digest }, image.manifest);
}

function headBlob(call: RegistryCall, repository: Repository, _name: string, digest: string): void {
  const blob = repository.blobs[digest];
  if (!blob) return registryError(call.response, 404, "BLOB_UNKNOWN", `The specified blob does not exist: ${digest}`);
  // A HEAD answer carries the blob's length and no body.
  call.response.writeHead(200, { "Docker-Distribution-Api-Version": "registry/2.0", "Content-Type": "application/octet-stream", "Docker-Content-Digest": digest, "Content-Length": blobSize(blob) });
  call.response.end();
}

function redirectBlob(call: RegistryCall, repository: Repository, _name: string, digest: string): void {
  if (!repository.blobs[digest]) return registryError(call.response, 404, "BLOB_UNKNOWN", `The specified blob does not exist: ${digest}`);
  registryAnswer(call.response, 307, { Location: layerDownloadUrl(call.context, repository, digest, headerValue(call.request.headers, "host")), "Docker-Content-Digest": digest });
}
