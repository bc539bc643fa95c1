import "server-only";
// The bytes of a planned archive from `start` to `end` (inclusive), produced
// as the client reads them: fixed bytes from the plan, blobs through the
// proxy's own blob handler (registry login, redirects, blob cache, digest
// verification; a blob that does not match its digest cuts the download).
// A range that starts inside a blob reads that blob from its start (so it is
// still verified) and skips the bytes the client already has; nothing is
// written to disk and at most a few buffers are held at a time.
import { Readable } from "node:stream";
import { CapturedResponse } from "@/lib/airgap/captured-response";
import type { ArchivePlan, Segment } from "@/lib/airgap/plan";
import type { PullRecord } from "@/lib/proxy/access-log";
import { BlobStreamAborted, serveBlob } from "@/lib/proxy/blobs";

export class BlobSizeMismatchError extends Error {
  constructor(digest: string) {
    super(`blob ${digest} is not the size its manifest says`);
    this.name = "BlobSizeMismatchError";
  }
}

async function* blobBytes(segment: Extract<Segment, { kind: "blob" }>, from: number, to: number): AsyncGenerator<Buffer> {
  const captured = new CapturedResponse();
  const record: PullRecord = { digest: null, upstreamStatus: null, bytes: 0 };
  const served = serveBlob(segment.target, segment.digest, "GET", {}, captured as never, record).catch((error: unknown) => {
    // The archive stopped reading (a range's end, the client gone): expected.
    if (!(error instanceof BlobStreamAborted) || !captured.destroyed) captured.destroy(error as Error);
  });
  let position = 0;
  try {
    for await (const chunk of captured as AsyncIterable<Buffer>) {
      const chunkStart = position;
      position += chunk.length;
      if (position > segment.size) throw new BlobSizeMismatchError(segment.digest);
      if (position <= from) continue;
      yield chunk.subarray(Math.max(0, from - chunkStart), Math.min(chunk.length, to - chunkStart));
      if (position >= to && to < segment.size) return;
    }
    if (position !== segment.size) throw new BlobSizeMismatchError(segment.digest);
  } finally {
    if (!captured.readableEnded) captured.destroy();
    await served;
  }
}

async function* archiveBytes(plan: ArchivePlan, start: number, end: number): AsyncGenerator<Buffer> {
  let offset = 0;
  for (const segment of plan.segments) {
    const length = segment.kind === "bytes" ? segment.data.length : segment.size;
    const segmentStart = offset;
    offset += length;
    if (offset <= start) continue;
    if (segmentStart > end) return;
    const from = Math.max(start, segmentStart) - segmentStart;
    const to = Math.min(end + 1, offset) - segmentStart;
    if (segment.kind === "bytes") yield segment.data.subarray(from, to);
    else yield* blobBytes(segment, from, to);
  }
}

/** A readable of the archive's bytes start..end (inclusive); reading paces the upstream. */
export function archiveStream(plan: ArchivePlan, start = 0, end = plan.size - 1): Readable {
  return Readable.from(archiveBytes(plan, start, end), { objectMode: false, highWaterMark: 1024 * 1024 });
}
