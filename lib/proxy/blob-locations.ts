import "server-only";
// Where the registry last sent the proxy for a blob: ECR answers every blob
// GET with a redirect to a pre-signed storage URL, which is itself the
// credential for that blob until it expires. Reusing it for the next pulls of
// the same blob (per registry configuration and repository) saves one
// registry round trip per blob, and one GetDownloadUrlForLayer call against
// ECR's rate limits. A location is kept only after it served the blob, for at
// most BLOB_LOCATION_REUSE_MS and never past its own expiry (less a minute);
// it is checked against the redirect rules again on every use and dropped as
// soon as storage refuses it (the caller then asks the registry as usual).
// The license and the registry's access are checked before this is asked.

/** The longest a location is reused, whatever its own expiry. */
export const BLOB_LOCATION_REUSE_MS = 5 * 60_000;
const EXPIRY_MARGIN_MS = 60_000;
const MAX_LOCATIONS = 10_000;

export interface BlobKey {
  registryId: string;
  /** The registry's configuration version (its updatedAt): an edit starts afresh. */
  version: string;
  repository: string;
  digest: string;
}

const locations = new Map<string, { url: URL; until: number }>();

function idOf(key: BlobKey): string {
  return `${key.registryId}\n${key.version}\n${key.repository}\n${key.digest}`;
}

export function knownBlobLocation(key: BlobKey, now = Date.now()): URL | null {
  const id = idOf(key);
  const known = locations.get(id);
  if (!known) return null;
  if (now >= known.until) {
    locations.delete(id);
    return null;
  }
  return known.url;
}

/** Keeps a location that just served the blob, if it says when it expires. */
export function rememberBlobLocation(key: BlobKey, url: URL, now = Date.now()): void {
  const expiresAt = signedUrlExpiry(url);
  if (expiresAt === null) return;
  const until = Math.min(now + BLOB_LOCATION_REUSE_MS, expiresAt - EXPIRY_MARGIN_MS);
  if (until <= now) return;
  const id = idOf(key);
  locations.delete(id);
  if (locations.size >= MAX_LOCATIONS) locations.delete(locations.keys().next().value!);
  locations.set(id, { url, until });
}

export function forgetBlobLocation(key: BlobKey): void {
  locations.delete(idOf(key));
}

/** For tests. */
export function forgetBlobLocations(): void {
  locations.clear();
}

/**
 * When a pre-signed URL stops working: SigV4 query signing (X-Amz-Date plus
 * X-Amz-Expires, as S3 and the local AWS sign) or CloudFront's Expires
 * (epoch seconds); null when the URL says neither.
 */
export function signedUrlExpiry(url: URL): number | null {
  const date = url.searchParams.get("X-Amz-Date");
  const expires = url.searchParams.get("X-Amz-Expires");
  if (date && expires) {
    const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
    if (!match || !/^\d{1,7}$/.test(expires)) return null;
    const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
    const signedAt = Date.UTC(y, mo - 1, d, h, mi, s);
    return Number.isFinite(signedAt) ? signedAt + Number(expires) * 1000 : null;
  }
  const cloudFront = url.searchParams.get("Expires");
  if (cloudFront && /^\d{9,11}$/.test(cloudFront)) return Number(cloudFront) * 1000;
  return null;
}
