import "server-only";
// Digests a tag-restricted license reached through a manifest its
// entitlements allow: the manifest, an index's platform manifests, the
// config and the layers. A client pulls a tag and then asks for those by
// digest; they are allowed for the token's life (PROXY_TOKEN_SECONDS). Kept
// in Postgres so every proxy process agrees, with this process's positive
// answers remembered until they expire. Only restricted licenses write here:
// "all images" and every-tag rules never touch it.
import { prisma } from "@/lib/db";

export interface ReachKey {
  customerId: string;
  registryId: string;
  repository: string;
}

const known = new Map<string, number>();
const MAX_KNOWN = 50_000;
let lastSweep = 0;

function idOf(key: ReachKey, digest: string): string {
  return `${key.customerId}\n${key.registryId}\n${key.repository}\n${digest}`;
}

/** The digests a manifest body names (platform manifests, config, layers), without reading anything else. */
export function digestsNamedBy(body: Buffer): string[] {
  try {
    const manifest = JSON.parse(body.toString("utf8")) as { manifests?: { digest?: unknown }[]; config?: { digest?: unknown }; layers?: { digest?: unknown }[]; blobs?: { digest?: unknown }[] };
    const entries = [...(manifest.manifests ?? []), ...(manifest.config ? [manifest.config] : []), ...(manifest.layers ?? []), ...(manifest.blobs ?? [])];
    return entries.map((entry) => entry.digest).filter((digest): digest is string => typeof digest === "string" && /^sha(256|512):[a-f0-9]+$/.test(digest));
  } catch {
    return [];
  }
}

/** Records that the license reached these digests, until `ttlMs` from now. Waits for the write: the client's next request may go to another process. */
export async function recordReach(key: ReachKey, digests: string[], ttlMs: number, now = Date.now()): Promise<void> {
  const unique = [...new Set(digests)];
  if (unique.length === 0) return;
  const until = now + ttlMs;
  await prisma.$executeRaw`
    INSERT INTO "EntitlementReach" ("customerId", "registryId", "repository", "digest", "expiresAt")
    SELECT ${key.customerId}, ${key.registryId}, ${key.repository}, d, ${new Date(until)} FROM unnest(${unique}::text[]) AS d
    ON CONFLICT ("customerId", "registryId", "repository", "digest") DO UPDATE SET "expiresAt" = EXCLUDED."expiresAt"`;
  if (known.size + unique.length > MAX_KNOWN) known.clear();
  for (const digest of unique) known.set(idOf(key, digest), until);
  if (now - lastSweep > 60_000) {
    lastSweep = now;
    void prisma.entitlementReach.deleteMany({ where: { expiresAt: { lt: new Date(now) } } }).catch(() => undefined);
  }
}

export async function wasReached(key: ReachKey, digest: string, now = Date.now()): Promise<boolean> {
  const id = idOf(key, digest);
  const until = known.get(id);
  if (until !== undefined && until > now) return true;
  const row = await prisma.entitlementReach.findFirst({ where: { ...key, digest, expiresAt: { gt: new Date(now) } }, select: { expiresAt: true } });
  if (!row) return false;
  known.set(id, row.expiresAt.getTime());
  return true;
}

/** For tests: forget this process's answers. */
export function forgetReach(): void {
  known.clear();
}
