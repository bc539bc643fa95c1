// The write side of the registry endpoint, so that `skopeo copy` or `docker
// push` can put images into the emulator: chunked or monolithic blob uploads
// checked against their digest, and manifests whose blobs must all be there.
import { createHash, randomUUID } from "node:crypto";
import { findImage, registryAnswer, registryError, type RegistryCall } from "./registry-protocol";
import type { Repository } from "./state";

export interface BlobUpload {
  repositoryArn: string;
  chunks: Buffer[];
  size: number;
}

const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

interface Descriptor {
  mediaType?: string;
  digest?: string;
  size?: number;
}

export function startUpload(call: RegistryCall, repository: Repository, name: string): void {
  const digest = call.request.query.get("digest");
  if (digest) return storeBlob(call, repository, name, digest, call.request.body);
  // A cross-repository mount request (?mount=…&from=…) falls back to a plain upload, as the spec allows.
  const id = randomUUID();
  call.context.uploads.set(id, { repositoryArn: repository.arn, chunks: [], size: 0 });
  answerUploadProgress(call, name, id, 0);
}

export function uploadPart(call: RegistryCall, repository: Repository, name: string, id: string): void {
  const upload = uploadOf(call, repository, id);
  if (!upload) return;
  upload.chunks.push(call.request.body);
  upload.size += call.request.body.length;
  answerUploadProgress(call, name, id, upload.size);
}

export function completeUpload(call: RegistryCall, repository: Repository, name: string, id: string): void {
  const upload = uploadOf(call, repository, id);
  if (!upload) return;
  const digest = call.request.query.get("digest");
  if (!digest) return registryError(call.response, 400, "DIGEST_INVALID", "provided digest did not match uploaded content");
  call.context.uploads.delete(id);
  storeBlob(call, repository, name, digest, Buffer.concat([...upload.chunks, call.request.body]));
}

export function putManifest(call: RegistryCall, repository: Repository, name: string, reference: string): void {
  const body = call.request.body;
  let manifest: { mediaType?: string; config?: Descriptor; layers?: Descriptor[]; manifests?: Descriptor[] };
  try {
    manifest = JSON.parse(body.toString("utf8")) as typeof manifest;
  } catch {
    return registryError(call.response, 400, "MANIFEST_INVALID", "manifest invalid");
  }
  const mediaType = manifest.mediaType ?? String(call.request.headers["content-type"] ?? "").split(";")[0]!.trim();
  if (!mediaType) return registryError(call.response, 400, "MANIFEST_INVALID", "manifest invalid: no media type");
  const digest = sha256(body);
  if (reference.startsWith("sha256:") && reference !== digest) return registryError(call.response, 400, "DIGEST_INVALID", "provided digest did not match uploaded content");
  if (!reference.startsWith("sha256:") && !TAG.test(reference)) return registryError(call.response, 400, "TAG_INVALID", "manifest tag did not match URI");

  const blobs = [...(manifest.config ? [manifest.config] : []), ...(manifest.layers ?? [])];
  const missingBlob = blobs.find((descriptor) => !descriptor.digest || !repository.blobs[descriptor.digest]);
  if (missingBlob) return registryError(call.response, 400, "MANIFEST_BLOB_UNKNOWN", `blob unknown to registry: ${missingBlob.digest ?? "(no digest)"}`);
  const missingManifest = (manifest.manifests ?? []).find((descriptor) => !descriptor.digest || !findImage(repository, descriptor.digest));
  if (missingManifest) return registryError(call.response, 400, "MANIFEST_UNKNOWN", `manifest unknown: ${missingManifest.digest ?? "(no digest)"}`);
  for (const descriptor of blobs) if (descriptor.mediaType) repository.blobs[descriptor.digest!]!.mediaType = descriptor.mediaType;

  const tag = reference.startsWith("sha256:") ? undefined : reference;
  if (tag) for (const image of repository.images) image.tags = image.tags.filter((existing) => existing !== tag);
  const existing = repository.images.find((image) => image.digest === digest);
  if (existing) {
    if (tag) existing.tags.push(tag);
  } else {
    const sizeInBytes = blobs.reduce((total, descriptor) => total + (descriptor.size ?? 0), 0);
    repository.images.push({ digest, mediaType, manifest: body.toString("utf8"), tags: tag ? [tag] : [], pushedAt: call.context.now(), sizeInBytes });
  }
  registryAnswer(call.response, 201, { Location: `${call.prefix}/v2/${name}/manifests/${digest}`, "Docker-Content-Digest": digest });
}

function uploadOf(call: RegistryCall, repository: Repository, id: string): BlobUpload | undefined {
  const upload = call.context.uploads.get(id);
  if (upload && upload.repositoryArn === repository.arn) return upload;
  registryError(call.response, 404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry");
  return undefined;
}

function answerUploadProgress(call: RegistryCall, name: string, id: string, size: number): void {
  registryAnswer(call.response, 202, {
    Location: `${call.prefix}/v2/${name}/blobs/uploads/${id}`,
    "Docker-Upload-UUID": id,
    Range: `0-${Math.max(0, size - 1)}`,
  });
}

function storeBlob(call: RegistryCall, repository: Repository, name: string, digest: string, data: Buffer): void {
  if (digest !== sha256(data)) return registryError(call.response, 400, "DIGEST_INVALID", "provided digest did not match uploaded content");
  repository.blobs[digest] ??= { mediaType: "application/octet-stream", data: data.toString("base64") };
  registryAnswer(call.response, 201, { Location: `${call.prefix}/v2/${name}/blobs/${digest}`, "Docker-Content-Digest": digest });
}

function sha256(data: Buffer): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}
