import "server-only";
// An optional pull-through blob cache on local disk (PROXY_BLOB_CACHE_DIR):
// a blob streamed from the vendor's storage is written to a private file as
// it passes, and kept only if its digest matched and every byte arrived
// (written under a temporary name, renamed at the end). Later pulls of that
// blob in the same registry and repository read the file instead of
// streaming and hashing it again, after the registry has confirmed, with a
// HEAD, that the repository still holds the blob and still lets the portal
// read it; so license, access, deletion and role safety all count as before.
// Only blobs of 1 MiB and more (smaller ones cost about as much to confirm
// as to fetch). Bounded by PROXY_BLOB_CACHE_MAX_MB, least recently used first out; one
// directory per process (its index is in this process's memory).
// A hit is read into a few pooled buffers (buffer-pool.ts) and written from them, so it
// allocates nothing per megabyte: its cost does not depend on how long the
// process has run or how large its heap has grown (docs/proxy.md).
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Transform, type TransformCallback, type Writable } from "node:stream";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { POOL_BUFFER_BYTES, releaseBuffer, takeBuffer } from "@/lib/proxy/buffer-pool";

export interface CacheKey {
  registryId: string;
  repository: string;
  digest: string;
}

interface Cache {
  dir: string;
  maxBytes: number;
  /** Relative path → size, least recently used first. */
  index: Map<string, number>;
  total: number;
  ready: Promise<void>;
}

/**
 * Smaller blobs are not kept: confirming one with the registry costs about
 * as much as fetching it from a known storage location (blob-locations.ts).
 */
export const MIN_CACHED_BLOB_BYTES = 1024 * 1024;

let cache: { dir: string; maxMb: number; value: Cache } | undefined;

/** The cache for the current configuration, or null when PROXY_BLOB_CACHE_DIR is not set. */
function current(): Cache | null {
  const { PROXY_BLOB_CACHE_DIR: dir, PROXY_BLOB_CACHE_MAX_MB: maxMb } = getEnv();
  if (!dir) return null;
  if (cache?.dir !== dir || cache.maxMb !== maxMb) {
    const value: Cache = { dir, maxBytes: maxMb * 1024 * 1024, index: new Map(), total: 0, ready: Promise.resolve() };
    // A directory that cannot be read leaves the cache empty; it never fails a pull.
    value.ready = loadIndex(value).catch((error: unknown) => log.warn({ err: error instanceof Error ? error.message : "unknown" }, "proxy blob cache directory unreadable"));
    cache = { dir, maxMb, value };
  }
  return cache.value;
}

export function blobCacheEnabled(): boolean {
  return current() !== null;
}

function relativePath(key: CacheKey): string {
  const scope = createHash("sha256").update(`${key.registryId}\n${key.repository}`).digest("hex").slice(0, 32);
  return path.join(scope, key.digest.replace(":", "-"));
}

/** Scans what a previous run left: complete files count, temporary ones are removed. */
async function loadIndex(value: Cache): Promise<void> {
  await fs.promises.mkdir(value.dir, { recursive: true, mode: 0o700 });
  const found: { file: string; size: number; used: number }[] = [];
  for (const scope of await fs.promises.readdir(value.dir).catch(() => [] as string[])) {
    const scopeDir = path.join(value.dir, scope);
    for (const name of await fs.promises.readdir(scopeDir).catch(() => [] as string[])) {
      const file = path.join(scope, name);
      if (name.endsWith(".tmp")) {
        await fs.promises.rm(path.join(value.dir, file), { force: true });
        continue;
      }
      const stat = await fs.promises.stat(path.join(value.dir, file)).catch(() => null);
      if (stat?.isFile()) found.push({ file, size: stat.size, used: stat.atimeMs });
    }
  }
  for (const entry of found.sort((a, b) => a.used - b.used)) {
    value.index.set(entry.file, entry.size);
    value.total += entry.size;
  }
  await evict(value);
}

async function evict(value: Cache): Promise<void> {
  for (const [file, size] of value.index) {
    if (value.total <= value.maxBytes) break;
    value.index.delete(file);
    value.total -= size;
    await fs.promises.rm(path.join(value.dir, file), { force: true });
  }
}

export interface CachedBlob {
  size: number;
  /** Writes the whole file to the response (not ended), counting bytes as they go out; closes the file. */
  send(response: Writable, counter: { bytes: number }): Promise<void>;
  close(): void;
}

/** Buffers in flight per hit: one being read while the other is written. */
const SEND_BUFFERS_PER_HIT = 2;

/**
 * Reads the file into reused buffers and writes them out. A buffer goes back
 * to the pool only when its write has completed (the socket no longer holds
 * it); a write that never completes (the client went away) keeps its buffer
 * out of the pool for good.
 */
async function sendFile(handle: fs.promises.FileHandle, size: number, response: Writable, counter: { bytes: number }): Promise<void> {
  const inFlight: Promise<void>[] = [];
  let position = 0;
  while (position < size) {
    if (inFlight.length >= SEND_BUFFERS_PER_HIT) await inFlight.shift();
    if (response.destroyed) throw Object.assign(new Error("the client went away"), { code: "ERR_STREAM_PREMATURE_CLOSE" });
    const buffer = takeBuffer();
    let read: number;
    try {
      ({ bytesRead: read } = await handle.read(buffer, 0, Math.min(POOL_BUFFER_BYTES, size - position), position));
    } catch (error) {
      releaseBuffer(buffer);
      throw error;
    }
    if (read === 0) {
      releaseBuffer(buffer);
      throw new Error("cached blob is shorter than its index entry");
    }
    position += read;
    counter.bytes += read;
    const written = new Promise<void>((resolve, reject) => {
      response.write(read === buffer.length ? buffer : buffer.subarray(0, read), (error) => {
        if (error) return reject(error);
        releaseBuffer(buffer);
        resolve();
      });
    });
    // Awaited below; a failure while an earlier write is awaited is not "unhandled".
    written.catch(() => undefined);
    inFlight.push(written);
  }
  await Promise.all(inFlight);
}

/** The cached blob, opened (so eviction cannot pull it away mid-read), or null. */
export async function openCachedBlob(key: CacheKey): Promise<CachedBlob | null> {
  const value = current();
  if (!value) return null;
  await value.ready;
  const file = relativePath(key);
  const size = value.index.get(file);
  if (size === undefined) return null;
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(path.join(value.dir, file), "r");
  } catch {
    value.index.delete(file);
    value.total -= size;
    return null;
  }
  // Most recently used last.
  value.index.delete(file);
  value.index.set(file, size);
  return {
    size,
    send: (response, counter) => sendFile(handle, size, response, counter).finally(() => handle.close().catch(() => undefined)),
    close: () => void handle.close().catch(() => undefined),
  };
}

/**
 * Passes a verified blob's bytes through to the client and into a temporary
 * file; `keep()` after the pipeline succeeded renames it into the cache,
 * `discard()` after a failure removes it. A failing disk never fails a pull:
 * the bytes keep flowing and the file is dropped.
 */
export class BlobCacheFill extends Transform {
  private file: fs.WriteStream | null;
  private written = 0;
  private failed = false;
  private waiting: (() => void) | null = null;
  private readonly temporary: string;
  private readonly final: string;

  private constructor(
    private readonly value: Cache,
    private readonly relative: string,
    private readonly expectedSize: number,
  ) {
    super({ highWaterMark: 1024 * 1024 });
    this.final = path.join(value.dir, relative);
    this.temporary = `${this.final}.${randomBytes(6).toString("hex")}.tmp`;
    fs.mkdirSync(path.dirname(this.final), { recursive: true, mode: 0o700 });
    this.file = fs.createWriteStream(this.temporary, { mode: 0o600, highWaterMark: 1024 * 1024 });
    this.file.on("error", (error) => {
      if (!this.failed) log.warn({ err: error.message }, "proxy blob cache write failed");
      this.failed = true;
      const resume = this.waiting;
      this.waiting = null;
      resume?.();
    });
  }

  /** A fill for this blob, or null when the cache is off, the blob too small or too large, or already cached. */
  static async start(key: CacheKey, size: number): Promise<BlobCacheFill | null> {
    const value = current();
    if (!value || !Number.isSafeInteger(size) || size < MIN_CACHED_BLOB_BYTES || size > Math.floor(value.maxBytes / 4)) return null;
    await value.ready;
    const relative = relativePath(key);
    if (value.index.has(relative)) return null;
    try {
      return new BlobCacheFill(value, relative, size);
    } catch (error) {
      log.warn({ err: error instanceof Error ? error.message : "unknown" }, "proxy blob cache unavailable");
      return null;
    }
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.append(chunk, () => undefined)) return callback(null, chunk);
    this.whenWritable(() => callback(null, chunk));
  }

  /** Writes a chunk to the file (`done` once the file no longer holds it); false when the file wants a drain first (whenWritable). */
  append(chunk: Buffer, done: () => void): boolean {
    if (this.failed || !this.file) {
      done();
      return true;
    }
    this.written += chunk.length;
    return this.file.write(chunk, () => done());
  }

  /** Calls `resume` once the file drained, or failed (a failing disk never holds up a pull). */
  whenWritable(resume: () => void): void {
    if (this.failed || !this.file) return resume();
    this.waiting = resume;
    this.file.once("drain", () => {
      const waiting = this.waiting;
      this.waiting = null;
      waiting?.();
    });
  }

  /** The whole blob passed, verified: into the cache. */
  async keep(): Promise<void> {
    const file = this.file;
    this.file = null;
    if (!file) return;
    await new Promise<void>((resolve) => {
      file.once("close", () => resolve());
      file.end();
    });
    if (this.failed || this.written !== this.expectedSize) return this.remove();
    try {
      await fs.promises.rename(this.temporary, this.final);
    } catch {
      return this.remove();
    }
    if (!this.value.index.has(this.relative)) {
      this.value.index.set(this.relative, this.expectedSize);
      this.value.total += this.expectedSize;
    }
    await evict(this.value);
  }

  /** The pull failed or was cut: nothing is kept. */
  discard(): void {
    const file = this.file;
    this.file = null;
    if (!file) return;
    file.once("close", () => void this.remove());
    file.destroy();
  }

  private async remove(): Promise<void> {
    await fs.promises.rm(this.temporary, { force: true }).catch(() => undefined);
  }
}

/** For tests: forget the index (the next use scans the directory again). */
export function resetBlobCache(): void {
  cache = undefined;
}
