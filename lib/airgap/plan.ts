import "server-only";
// An air-gap archive's plan: every entry, its bytes or the blob it streams,
// and so the archive's size, ETag and every byte offset, resolved from the
// manifests before the first byte is sent. Manifests are read through the
// proxy's own handler (license, entitlements, registry login, digest check,
// caches); configs and layers are streamed later the same way (stream.ts).
// The order is fixed: oci-layout, index.json, the blob directories, then each
// blob once, in the order the selection first names it.
import { createHash } from "node:crypto";
import { CapturedResponse } from "@/lib/airgap/captured-response";
import { platformName, type AirGapPlatform, type TAirGapSelection } from "@/lib/airgap/schema";
import { END_OF_ARCHIVE, paddingAfter, tarHeader } from "@/lib/airgap/tar";
import type { PullRecord } from "@/lib/proxy/access-log";
import { authorizeRepository, type AuthorizedRepository, type PullIdentity } from "@/lib/proxy/auth";
import { ProxyError } from "@/lib/proxy/errors";
import { serveManifest } from "@/lib/proxy/manifests";
import { MANIFEST_MEDIA_TYPES } from "@/lib/registry-test/registry-http";

const INDEX_TYPES = new Set(["application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json"]);
const PARALLEL_MANIFESTS = 16;

/** A blob names the image (tag, or digest) that first brought it into the archive, for the access log. */
export type Segment = { kind: "bytes"; data: Buffer } | { kind: "blob"; target: AuthorizedRepository; reference: string; digest: string; size: number };

export interface ArchivePlan {
  segments: Segment[];
  size: number;
  /** Hex SHA-256 of everything that decides the bytes: the key of the archive's stored digest. */
  planKey: string;
  etag: string;
  /** The images as index.json names them, for the page and the log. */
  refs: string[];
  /** Each image's digest in the archive, and the registry's index it was cut from when platforms were chosen. */
  images: { ref: string; digest: string; sourceIndex: string | null }[];
}

interface Manifest {
  digest: string;
  mediaType: string;
  body: Buffer;
}

interface Descriptor {
  mediaType?: string;
  digest?: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
}

/** A manifest through the proxy's manifest handler, as a pull would get it. */
export async function proxiedManifest(target: AuthorizedRepository, reference: string): Promise<Manifest> {
  const captured = new CapturedResponse();
  const record: PullRecord = { digest: null, upstreamStatus: null, bytes: 0 };
  const chunks: Buffer[] = [];
  captured.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => captured.once("end", resolve));
  await serveManifest(target, reference, "GET", { accept: MANIFEST_MEDIA_TYPES.join(", ") }, captured as never, record);
  await ended;
  const digest = String(captured.headers["Docker-Content-Digest"] ?? record.digest ?? "");
  return { digest, mediaType: String(captured.headers["Content-Type"] ?? ""), body: Buffer.concat(chunks) };
}

function parse(manifest: Manifest): { manifests?: Descriptor[]; config?: Descriptor; layers?: Descriptor[]; mediaType?: string } {
  try {
    return JSON.parse(manifest.body.toString("utf8")) as ReturnType<typeof parse>;
  } catch {
    throw new ProxyError("MANIFEST_INVALID", "The vendor's registry sent a manifest the portal cannot read, so it cannot be put in an archive.");
  }
}

function checkedDescriptor(descriptor: Descriptor | undefined): { digest: string; size: number; mediaType: string } {
  if (!descriptor || typeof descriptor.digest !== "string" || !/^sha256:[a-f0-9]{64}$/.test(descriptor.digest) || !Number.isSafeInteger(descriptor.size) || descriptor.size! < 0) {
    throw new ProxyError("MANIFEST_INVALID", "A manifest names a blob without a sha256 digest and size; such an image cannot be put in an archive.");
  }
  return { digest: descriptor.digest, size: descriptor.size!, mediaType: descriptor.mediaType ?? "" };
}

interface ResolvedImage {
  ref: string;
  /** The tag, or the digest, as the image is named in the archive. */
  reference: string;
  top: { mediaType: string; digest: string; size: number };
  /** The registry's index when the archive holds one platform's manifest or a new index of the chosen platforms instead. */
  sourceIndex: string | null;
  manifests: Manifest[];
  blobs: { digest: string; size: number }[];
  target: AuthorizedRepository;
}

function platformMatches(candidate: Descriptor["platform"], platform: AirGapPlatform): boolean {
  return candidate?.os === platform.os && candidate?.architecture === platform.architecture && (!platform.variant || candidate?.variant === platform.variant);
}

function describePlatforms(children: Descriptor[]): string {
  const names = children.map((child) => [child.platform?.os, child.platform?.architecture, child.platform?.variant].filter(Boolean).join("/")).filter(Boolean);
  return names.length > 0 ? names.join(", ") : "no platform named";
}

/**
 * The platforms of an index the selection keeps. Every platform: the
 * registry's own index. One: that platform's own manifest (its digest is the
 * registry's). Several but not all: a new index listing only them (the same
 * document less the other entries, so a new digest), because skopeo copy
 * --all and ctr import --all-platforms need every manifest an index names.
 */
async function choosePlatforms(target: AuthorizedRepository, image: TAirGapSelection["images"][number], top: Manifest, platforms: AirGapPlatform[]) {
  const index = parse(top) as Record<string, unknown> & { manifests?: Descriptor[] };
  const all = index.manifests ?? [];
  const chosen = platforms.length === 0 ? all : all.filter((child) => platforms.some((platform) => platformMatches(child.platform, platform)));
  if (platforms.length > 0 && chosen.length === 0) {
    throw new ProxyError("MANIFEST_UNKNOWN", `${image.name}${image.tag ? `:${image.tag}` : ""} has no image for ${platforms.map(platformName).join(", ")}; it has ${describePlatforms(all)}. Choose one of those platforms, or none for all of them.`);
  }
  const images = await Promise.all(chosen.map((child) => proxiedManifest(target, checkedDescriptor(child).digest)));
  if (chosen.length === all.length) return { top, images, index: top, sourceIndex: null };
  if (chosen.length === 1) return { top: images[0]!, images, index: null, sourceIndex: top.digest };
  const body = Buffer.from(JSON.stringify({ ...index, manifests: chosen }));
  const filtered: Manifest = { digest: `sha256:${createHash("sha256").update(body).digest("hex")}`, mediaType: top.mediaType, body };
  return { top: filtered, images, index: filtered, sourceIndex: top.digest };
}

async function resolveImage(identity: PullIdentity, host: string, image: TAirGapSelection["images"][number], platforms: AirGapPlatform[]): Promise<ResolvedImage> {
  const target = await authorizeRepository(identity, image.name);
  // A tag-restricted license reaches digests through its tags, as a pull does; otherwise the pinned digest is read directly.
  const byTag = image.tag !== null && (image.digest === null || Boolean(target.grant));
  let top = await proxiedManifest(target, byTag ? image.tag! : image.digest!);
  if (image.digest && top.digest !== image.digest) {
    throw new ProxyError("MANIFEST_UNKNOWN", `${image.name}:${image.tag} no longer points to ${image.digest}: the vendor published a new image. Reload the page for the current archive.`);
  }
  const manifests: Manifest[] = [];
  let images: Manifest[];
  let sourceIndex: string | null = null;
  if (INDEX_TYPES.has(top.mediaType)) {
    const chosen = await choosePlatforms(target, image, top, platforms);
    ({ top, images, sourceIndex } = chosen);
    if (chosen.index) manifests.push(chosen.index);
  } else images = [top];
  manifests.push(...images);
  const blobs = images.flatMap((manifest) => {
    const parsed = parse(manifest);
    return [checkedDescriptor(parsed.config), ...(parsed.layers ?? []).map(checkedDescriptor)].map(({ digest, size }) => ({ digest, size }));
  });
  const reference = image.tag ?? top.digest;
  return { ref: `${host}/${image.name}${image.tag ? `:${image.tag}` : `@${top.digest}`}`, reference, top: { mediaType: top.mediaType, digest: top.digest, size: top.body.length }, sourceIndex, manifests, blobs, target };
}

async function inBatches<T, R>(items: T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await run(items[index]!);
      }
    }),
  );
  return results;
}

export async function planArchive(identity: PullIdentity, host: string, selection: TAirGapSelection): Promise<ArchivePlan> {
  const resolved = await inBatches(selection.images, PARALLEL_MANIFESTS, (image) => resolveImage(identity, host, image, selection.platforms));
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: resolved.map((image) => ({ ...image.top, annotations: { "io.containerd.image.name": image.ref, "org.opencontainers.image.ref.name": image.ref } })),
    }),
  );
  const segments: Segment[] = [];
  const file = (name: string, data: Buffer) => segments.push({ kind: "bytes", data: Buffer.concat([tarHeader(name, data.length, "file"), data, Buffer.alloc(paddingAfter(data.length))]) });
  file("oci-layout", Buffer.from(JSON.stringify({ imageLayoutVersion: "1.0.0" })));
  file("index.json", index);
  segments.push({ kind: "bytes", data: Buffer.concat([tarHeader("blobs/", 0, "directory"), tarHeader("blobs/sha256/", 0, "directory")]) });
  const seen = new Set<string>();
  for (const image of resolved) {
    for (const manifest of image.manifests) {
      if (seen.has(manifest.digest)) continue;
      seen.add(manifest.digest);
      file(`blobs/sha256/${manifest.digest.slice(7)}`, manifest.body);
    }
    for (const blob of image.blobs) {
      if (seen.has(blob.digest)) continue;
      seen.add(blob.digest);
      segments.push({ kind: "bytes", data: tarHeader(`blobs/sha256/${blob.digest.slice(7)}`, blob.size, "file") });
      segments.push({ kind: "blob", target: image.target, reference: image.reference, digest: blob.digest, size: blob.size });
      if (paddingAfter(blob.size) > 0) segments.push({ kind: "bytes", data: Buffer.alloc(paddingAfter(blob.size)) });
    }
  }
  segments.push({ kind: "bytes", data: END_OF_ARCHIVE });
  const size = segments.reduce((total, segment) => total + (segment.kind === "bytes" ? segment.data.length : segment.size), 0);
  // Everything that decides the bytes: the index (which pins every manifest) and each entry's size.
  const hash = createHash("sha256").update(index);
  for (const segment of segments) hash.update(segment.kind === "bytes" ? segment.data : `${segment.digest}:${segment.size}`);
  const planKey = hash.digest("hex");
  return { segments, size, planKey, etag: `"${planKey.slice(0, 40)}"`, refs: resolved.map((image) => image.ref), images: resolved.map((image) => ({ ref: image.ref, digest: image.top.digest, sourceIndex: image.sourceIndex })) };
}
