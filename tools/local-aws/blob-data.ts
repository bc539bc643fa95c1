// A stored blob's bytes. Small blobs are kept as base64 in the state; large
// synthetic ones (benchmarks: up to several GiB) are only a size and a seed,
// their bytes an AES-CTR key stream generated while they are sent, so neither
// the state nor the emulator's memory grows with them.
import { createCipheriv, createHash } from "node:crypto";
import { Readable } from "node:stream";

export interface StoredBlob {
  mediaType: string;
  /** base64; empty for a synthetic blob. */
  data: string;
  synthetic?: { size: number; seed: string };
}

const CHUNK = 256 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

export function blobSize(blob: StoredBlob): number {
  return blob.synthetic ? blob.synthetic.size : Buffer.from(blob.data, "base64").length;
}

/** The blob's bytes as a stream (with back-pressure), optionally from `start` to `end` inclusive. */
export function blobStream(blob: StoredBlob, start = 0, end = blobSize(blob) - 1): Readable {
  if (!blob.synthetic) return Readable.from([Buffer.from(blob.data, "base64").subarray(start, end + 1)]);
  const cipher = syntheticCipher(blob.synthetic.seed);
  let position = 0;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      while (position <= end) {
        const length = Math.min(CHUNK, end + 1 - position);
        const chunk = cipher.update(length === CHUNK ? ZEROS : ZEROS.subarray(0, length));
        const from = Math.max(0, start - position);
        position += length;
        if (from >= chunk.length) continue;
        if (!this.push(from > 0 ? chunk.subarray(from) : chunk)) return;
      }
      this.push(null);
    },
  });
}

/** A synthetic blob of `size` bytes and its digest (computed once, by generating it). */
export function createSyntheticBlob(size: number, seed: string, mediaType = "application/vnd.oci.image.layer.v1.tar"): { digest: string; blob: StoredBlob } {
  const cipher = syntheticCipher(seed);
  const hash = createHash("sha256");
  for (let position = 0; position < size; position += CHUNK) hash.update(cipher.update(ZEROS.subarray(0, Math.min(CHUNK, size - position))));
  return { digest: `sha256:${hash.digest("hex")}`, blob: { mediaType, data: "", synthetic: { size, seed } } };
}

function syntheticCipher(seed: string) {
  const key = createHash("sha256").update(seed).digest().subarray(0, 16);
  return createCipheriv("aes-128-ctr", key, Buffer.alloc(16));
}
