import "server-only";
// Last-good manifests in Postgres: every manifest the proxy served, by digest
// (content-addressed, so never stale), and each tag's last known digest.
// Writes are off the request path and skipped when this process already
// wrote the same thing recently; the table is bounded per team.
import { prisma } from "@/lib/db";
import { log } from "@/lib/log";

export const MAX_CACHED_MANIFEST_BYTES = 4 * 1024 * 1024;
export const MAX_CACHED_MANIFESTS_PER_TEAM = 5_000;
const TAG_WRITE_INTERVAL_MS = 60_000;

const stored = new Set<string>();
const tagsSeen = new Map<string, { digest: string; at: number }>();

export interface CachedManifest {
  digest: string;
  mediaType: string;
  body: Buffer;
}

interface Key {
  teamId: string;
  registryId: string;
  repository: string;
}

export function rememberManifest(key: Key, manifest: CachedManifest): void {
  if (manifest.body.length > MAX_CACHED_MANIFEST_BYTES) return;
  const id = `${key.registryId}|${key.repository}|${manifest.digest}`;
  if (stored.has(id)) return;
  stored.add(id);
  if (stored.size > 100_000) stored.clear();
  prisma.proxyManifest
    .upsert({
      where: { registryId_repository_digest: { registryId: key.registryId, repository: key.repository, digest: manifest.digest } },
      create: { ...key, digest: manifest.digest, mediaType: manifest.mediaType, body: new Uint8Array(manifest.body) },
      update: { lastServedAt: new Date() },
      select: { digest: true },
    })
    .then(() => pruneOccasionally(key.teamId))
    .catch((error: unknown) => {
      stored.delete(id);
      log.warn({ registryId: key.registryId, err: error instanceof Error ? error.message : "unknown" }, "proxy manifest cache write failed");
    });
}

export function rememberTag(key: Key, tag: string, digest: string, now = Date.now()): void {
  const id = `${key.registryId}|${key.repository}|${tag}`;
  const seen = tagsSeen.get(id);
  if (seen && seen.digest === digest && now - seen.at < TAG_WRITE_INTERVAL_MS) return;
  tagsSeen.set(id, { digest, at: now });
  if (tagsSeen.size > 100_000) tagsSeen.clear();
  prisma.proxyTagDigest
    .upsert({
      where: { registryId_repository_tag: { registryId: key.registryId, repository: key.repository, tag } },
      create: { ...key, tag, digest, seenAt: new Date(now) },
      update: { digest, seenAt: new Date(now) },
      select: { tag: true },
    })
    .catch((error: unknown) => {
      tagsSeen.delete(id);
      log.warn({ registryId: key.registryId, err: error instanceof Error ? error.message : "unknown" }, "proxy tag digest write failed");
    });
}

export async function cachedManifest(key: Key, digest: string): Promise<CachedManifest | null> {
  const row = await prisma.proxyManifest.findFirst({
    where: { registryId: key.registryId, teamId: key.teamId, repository: key.repository, digest },
    select: { digest: true, mediaType: true, body: true },
  });
  return row ? { digest: row.digest, mediaType: row.mediaType, body: Buffer.from(row.body) } : null;
}

/** The tag's last known digest, if seen within maxAgeSeconds. */
export async function lastKnownTag(key: Key, tag: string, maxAgeSeconds: number, now = Date.now()): Promise<{ digest: string; seenAt: Date } | null> {
  if (maxAgeSeconds <= 0) return null;
  const row = await prisma.proxyTagDigest.findFirst({
    where: { registryId: key.registryId, teamId: key.teamId, repository: key.repository, tag, seenAt: { gte: new Date(now - maxAgeSeconds * 1000) } },
    select: { digest: true, seenAt: true },
  });
  return row;
}

let writesSincePrune = 0;

async function pruneOccasionally(teamId: string): Promise<void> {
  if (++writesSincePrune < 100) return;
  writesSincePrune = 0;
  const overflow = await prisma.proxyManifest.findMany({
    where: { teamId },
    orderBy: { lastServedAt: "desc" },
    skip: MAX_CACHED_MANIFESTS_PER_TEAM,
    take: 1_000,
    select: { registryId: true, repository: true, digest: true },
  });
  for (const row of overflow) {
    await prisma.proxyManifest.deleteMany({ where: { teamId, registryId: row.registryId, repository: row.repository, digest: row.digest } });
  }
}

/** For tests. */
export function forgetManifestWrites(): void {
  stored.clear();
  tagsSeen.clear();
}
