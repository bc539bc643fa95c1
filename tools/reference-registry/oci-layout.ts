// Small but real images written as an OCI image layout directory (what
// `skopeo copy oci:<dir>:<ref> …` reads): a config and gzip-compressed tar
// layers under an OCI manifest, or an image index of several platforms.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { tarArchive } from "../local-aws/fixture-image";

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface LayoutImage {
  digest: string;
  mediaType: string;
  /** The manifest (or index) exactly as stored, so its sha256 is `digest`. */
  manifest: string;
  size: number;
  configDigest?: string;
  layerDigests: string[];
  /** The platform images of an index. */
  manifests?: (LayoutImage & { platform: Platform })[];
}

const MEDIA_TYPES = {
  manifest: "application/vnd.oci.image.manifest.v1+json",
  index: "application/vnd.oci.image.index.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layer: "application/vnd.oci.image.layer.v1.tar+gzip",
};

function sha256(data: Buffer | string): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

function writeBlob(dir: string, data: Buffer | string): { digest: string; size: number } {
  const buffer = typeof data === "string" ? Buffer.from(data) : data;
  const digest = sha256(buffer);
  const blobs = path.join(dir, "blobs", "sha256");
  fs.mkdirSync(blobs, { recursive: true });
  fs.writeFileSync(path.join(blobs, digest.slice("sha256:".length)), buffer);
  return { digest, size: buffer.length };
}

/** One platform's image; `label` goes into the files so that images of different names differ. */
function writeImage(dir: string, label: string, platform: Platform, layerCount: number): LayoutImage {
  const layers = Array.from({ length: layerCount }, (_, index) => {
    const tar = tarArchive({ [`layer-${index + 1}.txt`]: `${label} ${platform.os}/${platform.architecture} layer ${index + 1}\n` });
    const gzipped = gzipSync(tar);
    return { diffId: sha256(tar), ...writeBlob(dir, gzipped) };
  });
  const config = writeBlob(
    dir,
    JSON.stringify({
      ...platform,
      created: "2026-01-01T00:00:00Z",
      config: { Cmd: ["/layer-1.txt"], Labels: { "org.opencontainers.image.title": label } },
      rootfs: { type: "layers", diff_ids: layers.map((layer) => layer.diffId) },
      history: layers.map(() => ({ created: "2026-01-01T00:00:00Z", created_by: "reference registry test image" })),
    }),
  );
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config: { mediaType: MEDIA_TYPES.config, digest: config.digest, size: config.size },
    layers: layers.map((layer) => ({ mediaType: MEDIA_TYPES.layer, digest: layer.digest, size: layer.size })),
  });
  const stored = writeBlob(dir, manifest);
  return { digest: stored.digest, size: stored.size, mediaType: MEDIA_TYPES.manifest, manifest, configDigest: config.digest, layerDigests: layers.map((layer) => layer.digest) };
}

/**
 * Writes an OCI layout at `dir` holding one image under the ref name `ref`:
 * a single-platform image when one platform is given, else an image index.
 */
export function writeOciLayout(dir: string, input: { ref: string; label: string; platforms: Platform[]; layers?: number }): LayoutImage {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  const images = input.platforms.map((platform) => ({ ...writeImage(dir, input.label, platform, input.layers ?? 2), platform }));
  let top: LayoutImage;
  if (images.length === 1) top = images[0]!;
  else {
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.index,
      manifests: images.map((image) => ({ mediaType: image.mediaType, digest: image.digest, size: image.size, platform: image.platform })),
    });
    const stored = writeBlob(dir, manifest);
    top = { digest: stored.digest, size: stored.size, mediaType: MEDIA_TYPES.index, manifest, layerDigests: images.flatMap((image) => image.layerDigests), manifests: images };
  }
  fs.writeFileSync(
    path.join(dir, "index.json"),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: top.mediaType, digest: top.digest, size: top.size, annotations: { "org.opencontainers.image.ref.name": input.ref } }] }),
  );
  return top;
}
