// A small but real container image built in code: a config and one or two
// gzip-compressed tar layers, under a Docker v2 schema 2 or OCI manifest,
// stored in a repository as if it had been pushed.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { repositoryArn } from "./ecr-authorization";
import { registryHostname } from "./registry-endpoint";
import { repositoryKey, type LocalAwsState } from "./state";

export interface FixtureImageInput {
  accountId: string;
  region: string;
  repository: string;
  tag: string;
  /** Manifest format (default docker). */
  format?: "docker" | "oci";
  /** One file per layer, path → content (default: two small layers naming the image). */
  layers?: Record<string, string>[];
}

export interface FixtureImage {
  digest: string;
  mediaType: string;
  manifest: string;
  configDigest: string;
  layerDigests: string[];
  hostname: string;
  /** `<hostname>/<repository>:<tag>`, as a client would name it against AWS. */
  reference: string;
}

const MEDIA_TYPES = {
  docker: {
    manifest: "application/vnd.docker.distribution.manifest.v2+json",
    config: "application/vnd.docker.container.image.v1+json",
    layer: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  },
  oci: {
    manifest: "application/vnd.oci.image.manifest.v1+json",
    config: "application/vnd.oci.image.config.v1+json",
    layer: "application/vnd.oci.image.layer.v1.tar+gzip",
  },
};

export function pushFixtureImage(state: LocalAwsState, input: FixtureImageInput, now: number): FixtureImage {
  const types = MEDIA_TYPES[input.format ?? "docker"];
  const key = repositoryKey(input.accountId, input.region, input.repository);
  const repository = (state.repositories[key] ??= {
    accountId: input.accountId,
    region: input.region,
    name: input.repository,
    arn: repositoryArn(input.accountId, input.region, input.repository),
    createdAt: now,
    images: [],
    blobs: {},
  });
  const layerFiles = input.layers ?? [{ "hello.txt": `hello from ${input.repository}:${input.tag}\n` }, { "etc/fixture-image": `${input.repository}\n${input.tag}\n` }];
  const layers = layerFiles.map((files) => {
    const tar = tarArchive(files);
    const gzipped = gzipSync(tar);
    return { tar, gzipped, digest: sha256(gzipped) };
  });
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      created: "2026-01-01T00:00:00Z",
      config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["/hello.txt"], Labels: { "org.opencontainers.image.title": input.repository } },
      rootfs: { type: "layers", diff_ids: layers.map((layer) => sha256(layer.tar)) },
      history: layers.map(() => ({ created: "2026-01-01T00:00:00Z", created_by: "local AWS fixture image" })),
    }),
  );
  const configDigest = sha256(config);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: types.manifest,
    config: { mediaType: types.config, size: config.length, digest: configDigest },
    layers: layers.map((layer) => ({ mediaType: types.layer, size: layer.gzipped.length, digest: layer.digest })),
  });
  const digest = sha256(Buffer.from(manifest));
  repository.blobs[configDigest] = { mediaType: types.config, data: config.toString("base64") };
  for (const layer of layers) repository.blobs[layer.digest] = { mediaType: types.layer, data: layer.gzipped.toString("base64") };
  for (const image of repository.images) image.tags = image.tags.filter((tag) => tag !== input.tag);
  const existing = repository.images.find((image) => image.digest === digest);
  if (existing) existing.tags.push(input.tag);
  else {
    const sizeInBytes = config.length + layers.reduce((total, layer) => total + layer.gzipped.length, 0);
    repository.images.push({ digest, mediaType: types.manifest, manifest, tags: [input.tag], pushedAt: now, sizeInBytes });
  }
  const hostname = registryHostname(input.accountId, input.region);
  return { digest, mediaType: types.manifest, manifest, configDigest, layerDigests: layers.map((layer) => layer.digest), hostname, reference: `${hostname}/${input.repository}:${input.tag}` };
}

function sha256(data: Buffer): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** A minimal ustar archive of regular files. */
export function tarArchive(files: Record<string, string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const header = Buffer.alloc(512);
    header.write(name, 0, 100, "utf8");
    header.write("0000644\0", 100);
    header.write("0000000\0", 108);
    header.write("0000000\0", 116);
    header.write(`${data.length.toString(8).padStart(11, "0")}\0`, 124);
    header.write(`${(1767225600).toString(8).padStart(11, "0")}\0`, 136);
    header.write("        ", 148);
    header.write("0", 156);
    header.write("ustar\0", 257);
    header.write("00", 263);
    let checksum = 0;
    for (const byte of header) checksum += byte;
    header.write(`${checksum.toString(8).padStart(6, "0")}\0 `, 148);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
