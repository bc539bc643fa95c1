// Large buffers reused across blobs: the socket reads a blob's bytes into
// them (plain-http-body.ts) and cache hits read files into them
// (blob-cache.ts). A buffer comes back only once nothing holds it any more
// (its write to the client, and to the cache file, completed), so a blob's
// bytes cost no allocation per chunk and no garbage for the collector: the
// cost of a pull does not grow with how long the process has run. Reads of
// fewer bytes than a quarter of a buffer (a small blob, a large one's last
// bytes) get a buffer of their size instead, so a small pull holds no more
// memory than its blob.
// No "server-only" marker: the benchmark's bare pass-through imports the
// same transport (scripts/lib/passthrough-bench-server.ts).

/** 1 MiB: measured against 64 and 256 KiB, the fewest system calls and the least CPU per byte (docs/proxy.md). */
export const POOL_BUFFER_BYTES = 1024 * 1024;
/** Free buffers kept for the next reads (the rest are left to the garbage collector). */
const MAX_FREE_BUFFERS = 8;
const freeBuffers: Buffer[] = [];
let pooledAllocations = 0;

/**
 * Bytes wanted below this get a buffer of their own, of their size: a small
 * blob (a config, a small layer) held a whole pooled buffer while it was
 * sent, so many concurrent small pulls kept 1 MiB each.
 */
const OWN_BUFFER_BELOW = POOL_BUFFER_BYTES / 4;

/** A buffer for the next read: pooled, or for `wanted` bytes fewer than a quarter of one, a buffer of that size (garbage once sent). */
export function takeBuffer(wanted = POOL_BUFFER_BYTES): Buffer {
  if (wanted < OWN_BUFFER_BELOW) return Buffer.allocUnsafeSlow(Math.max(1, wanted));
  const free = freeBuffers.pop();
  if (free) return free;
  pooledAllocations++;
  return Buffer.allocUnsafeSlow(POOL_BUFFER_BYTES);
}

/** Gives a buffer back; only once no write or hash still uses it. */
export function releaseBuffer(buffer: Buffer): void {
  if (buffer.length === POOL_BUFFER_BYTES && freeBuffers.length < MAX_FREE_BUFFERS && !freeBuffers.includes(buffer)) freeBuffers.push(buffer);
}

/** For tests: pooled-size buffers allocated so far. */
export function pooledBufferAllocations(): number {
  return pooledAllocations;
}

/** For tests: buffers waiting for reuse. */
export function freeBufferCount(): number {
  return freeBuffers.length;
}
