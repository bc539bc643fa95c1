// An OCI image whose layers are synthetic blobs (blob-data.ts) of chosen
// sizes, for benchmarks and streaming tests: a 1 GiB layer costs a size and a
// seed in the state, not 1 GiB of memory.
import { createHash, randomUUID } from "node:crypto";
import { createSyntheticBlob } from "./blob-data";
import { repositoryArn } from "./ecr-authorization";
import { registryHostname } from "./registry-endpoint";
import { repositoryKey, type LocalAwsState } from "./state";

export interface SyntheticImageInput {
  accountId: string;
  region: string;
  repository: string;
  tag: string;
  layerSizes: number[];
}

export interface SyntheticImage {
  digest: string;
  manifest: string;
  layerDigests: string[];
  hostname: string;
}

export function pushSyntheticImage(state: LocalAwsState, input: SyntheticImageInput, now: number): SyntheticImage {
  const repository = (state.repositories[repositoryKey(input.accountId, input.region, input.repository)] ??= {
    accountId: input.accountId,
    region: input.region,
    name: input.repository,
    arn: repositoryArn(input.accountId, input.region, input.repository),
    createdAt: now,
    images: [],
    blobs: {},
  });
  const layers = input.layerSizes.map((size) => {
    const { digest, blob } = createSyntheticBlob(size, randomUUID());
    repository.blobs[digest] = blob;
    return { digest, size, mediaType: blob.mediaType };
  });
  const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: layers.map((layer) => layer.digest) } }));
  const configDigest = `sha256:${createHash("sha256").update(config).digest("hex")}`;
  repository.blobs[configDigest] = { mediaType: "application/vnd.oci.image.config.v1+json", data: config.toString("base64") };
  const mediaType = "application/vnd.oci.image.manifest.v1+json";
  const manifest = JSON.stringify({ schemaVersion: 2, mediaType, config: { mediaType: "application/vnd.oci.image.config.v1+json", size: config.length, digest: configDigest }, layers });
  const digest = `sha256:${createHash("sha256").update(manifest).digest("hex")}`;
  for (const image of repository.images) image.tags = image.tags.filter((tag) => tag !== input.tag);
  repository.images.push({ digest, mediaType, manifest, tags: [input.tag], pushedAt: now, sizeInBytes: layers.reduce((total, layer) => total + layer.size, config.length) });
  return { digest, manifest, layerDigests: layers.map((layer) => layer.digest), hostname: registryHostname(input.accountId, input.region) };
}
