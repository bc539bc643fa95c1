import "server-only";
// A blob's bytes on their way to the client, hashed as they pass; with an
// expected digest the last chunk is held back (a reference, not a copy)
// until the digest matched, so a blob that does not match is never
// delivered whole: the connection is cut instead. Two ways, one rule:
// `relayPlainBody` for a body read into pooled buffers (plain-http-body.ts),
// each buffer given back once its writes to the client and to the cache
// completed; `DigestVerifier` in a `pipeline` for node:http's bodies (https).
// When the body's length is known (always for plain http, with a
// Content-Length for https), only the chunk that completes it waits: every
// other chunk is written as soon as it is hashed, so the client is not kept a
// chunk (up to 1 MiB) behind. Without a length, each chunk waits for the next
// one.
import { createHash, type Hash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { Transform, type TransformCallback } from "node:stream";
import type { BlobCacheFill } from "@/lib/proxy/blob-cache";
import { releaseBuffer } from "@/lib/proxy/buffer-pool";
import type { PlainHttpBody } from "@/lib/proxy/plain-http-body";

export class DigestMismatchError extends Error {
  constructor() {
    super("blob content does not match its digest");
    this.name = "DigestMismatchError";
  }
}

/**
 * `bytes` grows as bytes are passed on, and a mismatch sets `abortedStatus`
 * before the error is thrown (the access log reads both when the response
 * closes, which may fire before the caller's catch runs).
 */
export interface ByteCounter {
  bytes: number;
  abortedStatus?: number;
}

function startHash(expected: string | null): Hash | undefined {
  return expected ? createHash(expected.slice(0, expected.indexOf(":"))) : undefined;
}

function matches(hash: Hash, expected: string): boolean {
  return `${expected.slice(0, expected.indexOf(":"))}:${hash.digest("hex")}` === expected;
}

/**
 * Passes bytes through, counting them, and with an expected digest hashes
 * them too: the last chunk then waits for the verdict (`length`, when known,
 * tells which chunk is the last).
 */
export class DigestVerifier extends Transform {
  private readonly hash: Hash | undefined;
  private held: Buffer | undefined;
  private hashed = 0;

  constructor(
    private readonly expected: string | null,
    private readonly counter: ByteCounter = { bytes: 0 },
    private readonly length?: number,
  ) {
    // Larger buffers than the 16 KiB default: fewer, bigger writes on the hot path.
    super({ highWaterMark: 1024 * 1024 });
    this.hash = startHash(expected);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.hash) {
      this.counter.bytes += chunk.length;
      return callback(null, chunk);
    }
    this.hash.update(chunk);
    this.hashed += chunk.length;
    if (this.length !== undefined && this.hashed < this.length) {
      this.counter.bytes += chunk.length;
      return callback(null, chunk);
    }
    const previous = this.held;
    this.held = chunk;
    if (previous) this.counter.bytes += previous.length;
    callback(null, previous);
  }

  override _flush(callback: TransformCallback): void {
    if (!this.hash || !this.expected) return callback();
    if (!matches(this.hash, this.expected)) {
      this.counter.abortedStatus = 502;
      return callback(new DigestMismatchError());
    }
    if (this.held) this.counter.bytes += this.held.length;
    callback(null, this.held);
  }
}

function prematureClose(): Error {
  return Object.assign(new Error("the client went away"), { code: "ERR_STREAM_PREMATURE_CLOSE" });
}

/**
 * Writes a plain-http body to the response (and the cache fill), with
 * back-pressure from both: the upstream is paused while either has more
 * buffered than it wants. Resolves when the response finished; rejects (the
 * response not ended) on a mismatch, an upstream failure or a client gone.
 */
export function relayPlainBody(body: PlainHttpBody, response: ServerResponse, expected: string | null, counter: ByteCounter, fill: BlobCacheFill | null): Promise<void> {
  const hash = startHash(expected);
  return new Promise((resolve, reject) => {
    let settled = false;
    let held: { data: Buffer; buffer: Buffer } | null = null;
    let hashed = 0;
    let drainsAwaited = 0;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      response.off("close", onClose);
      if (error) {
        body.destroy();
        if (held) releaseBuffer(held.buffer);
        reject(error);
      } else resolve();
    };
    const onClose = () => {
      if (!response.writableFinished) settle(prematureClose());
    };
    response.on("close", onClose);
    const drained = () => {
      if (--drainsAwaited === 0 && !settled) body.resume();
    };
    /** Writes one chunk; false when the upstream must wait for a drain. */
    const send = (data: Buffer, buffer: Buffer): boolean => {
      let writers = fill ? 2 : 1;
      const written = (error?: Error | null) => {
        // A failed write may leave the buffer referenced: it is not reused.
        if (!error && --writers === 0) releaseBuffer(buffer);
      };
      counter.bytes += data.length;
      if (!response.write(data, written)) {
        drainsAwaited++;
        response.once("drain", drained);
      }
      if (fill && !fill.append(data, () => written())) {
        drainsAwaited++;
        fill.whenWritable(drained);
      }
      return drainsAwaited === 0;
    };
    body.read({
      chunk: (data, buffer) => {
        if (settled) {
          releaseBuffer(buffer);
          return false;
        }
        if (!hash) return send(data, buffer);
        hash.update(data);
        hashed += data.length;
        if (hashed < body.length) return send(data, buffer);
        // The last bytes: they wait for the verdict.
        held = { data, buffer };
        return true;
      },
      end: () => {
        if (settled) return;
        if (hash && expected && !matches(hash, expected)) {
          counter.abortedStatus = 502;
          return settle(new DigestMismatchError());
        }
        const last = held;
        held = null;
        if (last) send(last.data, last.buffer);
        response.once("finish", () => settle());
        response.end();
      },
      error: (error) => settle(error),
    });
  });
}
