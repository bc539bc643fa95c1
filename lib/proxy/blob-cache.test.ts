import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { BlobCacheFill, MIN_CACHED_BLOB_BYTES, openCachedBlob, resetBlobCache, type CacheKey } from "@/lib/proxy/blob-cache";
import { freeBufferCount } from "@/lib/proxy/buffer-pool";

let dir: string;

function useCache(maxMb: number): void {
  Object.assign(process.env, { PROXY_BLOB_CACHE_DIR: dir, PROXY_BLOB_CACHE_MAX_MB: String(maxMb) });
  resetEnvCache();
  resetBlobCache();
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "blob-cache-unit-"));
});

afterEach(() => {
  delete process.env.PROXY_BLOB_CACHE_DIR;
  delete process.env.PROXY_BLOB_CACHE_MAX_MB;
  resetEnvCache();
  resetBlobCache();
  fs.rmSync(dir, { recursive: true, force: true });
});

const sha256 = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

/** A blob kept as a verified pull would keep it: through a fill, then `keep()`. */
async function store(bytes: Buffer): Promise<CacheKey> {
  const key = { registryId: "registry-1", repository: "team/app", digest: sha256(bytes) };
  const fill = await BlobCacheFill.start(key, bytes.length);
  if (!fill) throw new Error("the cache refused the blob");
  await pipeline(Readable.from([bytes.subarray(0, 300_000), bytes.subarray(300_000)]), fill, new Writable({ write: (_chunk, _encoding, done) => done() }));
  await fill.keep();
  return key;
}

/** A client that reads slowly: each write completes on a later turn, as on a real socket. */
function slowClient(): Writable & { received: Buffer[] } {
  const received: Buffer[] = [];
  const sink = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _encoding, done) {
      // Copied: the server may reuse its buffer once the write has completed.
      received.push(Buffer.from(chunk));
      setImmediate(done);
    },
  });
  return Object.assign(sink, { received });
}

function cachedFileCount(): number {
  return fs.readdirSync(dir).flatMap((scope) => fs.readdirSync(path.join(dir, scope))).filter((name) => !name.endsWith(".tmp")).length;
}

describe("the blob cache's bound", () => {
  it("holds at most PROXY_BLOB_CACHE_MAX_MB, the least recently used blob out first", async () => {
    useCache(4);
    const blobs = Array.from({ length: 5 }, () => randomBytes(MIN_CACHED_BLOB_BYTES));
    const keys: CacheKey[] = [];
    for (const bytes of blobs.slice(0, 4)) keys.push(await store(bytes));
    // The first is used again: the second is now the least recently used.
    (await openCachedBlob(keys[0]!))!.close();
    keys.push(await store(blobs[4]!));
    expect(cachedFileCount()).toBe(4);
    expect(await openCachedBlob(keys[1]!)).toBeNull();
    for (const index of [0, 2, 3, 4]) {
      const hit = await openCachedBlob(keys[index]!);
      expect(hit?.size).toBe(MIN_CACHED_BLOB_BYTES);
      hit!.close();
    }
  });

  it("brings what a previous run left within a smaller bound at start-up", async () => {
    useCache(8);
    const keys: CacheKey[] = [];
    for (let index = 0; index < 6; index++) keys.push(await store(randomBytes(MIN_CACHED_BLOB_BYTES)));
    expect(cachedFileCount()).toBe(6);
    // Restarted with a smaller bound: the index is rebuilt from the directory and trimmed to it.
    useCache(4);
    await openCachedBlob(keys[0]!).then((hit) => hit?.close());
    expect(cachedFileCount()).toBe(4);
  });

  it("finishes a hit whose file is evicted while it is being sent", async () => {
    useCache(4);
    const key = await store(randomBytes(MIN_CACHED_BLOB_BYTES));
    const hit = (await openCachedBlob(key))!;
    for (let index = 0; index < 4; index++) await store(randomBytes(MIN_CACHED_BLOB_BYTES));
    expect(await openCachedBlob(key)).toBeNull();
    const client = slowClient();
    await hit.send(client, { bytes: 0 });
    expect(sha256(Buffer.concat(client.received))).toBe(key.digest);
  });
});

describe("a cache hit", () => {
  it("sends every byte and counts them", async () => {
    useCache(64);
    const bytes = randomBytes(3 * MIN_CACHED_BLOB_BYTES + 12_345);
    const key = await store(bytes);
    const client = slowClient();
    const counter = { bytes: 0 };
    await (await openCachedBlob(key))!.send(client, counter);
    expect(counter.bytes).toBe(bytes.length);
    expect(sha256(Buffer.concat(client.received))).toBe(key.digest);
  });

  it("reuses its buffers: the hundredth hit allocates none that the first did not", async () => {
    useCache(64);
    const key = await store(randomBytes(4 * MIN_CACHED_BLOB_BYTES));
    await (await openCachedBlob(key))!.send(slowClient(), { bytes: 0 });
    const pooled = freeBufferCount();
    expect(pooled).toBeGreaterThan(0);
    for (let hit = 0; hit < 100; hit++) {
      const client = slowClient();
      await (await openCachedBlob(key))!.send(client, { bytes: 0 });
      expect(sha256(Buffer.concat(client.received))).toBe(key.digest);
      expect(freeBufferCount()).toBe(pooled);
    }
  });

  it("stops at a client that went away, without taking back a buffer the socket may still hold", async () => {
    useCache(64);
    const key = await store(randomBytes(4 * MIN_CACHED_BLOB_BYTES));
    const gone = new Writable({ write: (_chunk, _encoding, done) => setImmediate(() => done(new Error("socket closed"))) });
    gone.on("error", () => undefined);
    await expect((await openCachedBlob(key))!.send(gone, { bytes: 0 })).rejects.toThrow();
  });
});
