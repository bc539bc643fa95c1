import "server-only";
// The bytes of a planned archive from `start` to `end` (inclusive), produced
// as the client reads them: fixed bytes from the plan, blobs through the
// proxy's own blob handler (registry login, redirects, blob cache, digest
// verification; a blob that does not match its digest cuts the download).
// A range that starts inside a blob reads that blob from its start (so it is
// still verified) and skips the bytes the client already has; nothing is
// written to disk and at most a few buffers are held at a time. A blob's
// chunks are lent by the proxy's relay (buffers of its pool): each yielded
// chunk is valid until the consumer asks for the next one, so the consumer
// writes it out before it does. Each blob's outcome is reported (onBlob) for
// the access log.
import { LentChunksResponse } from "@/lib/airgap/captured-response";
import type { ArchivePlan, Segment } from "@/lib/airgap/plan";
import type { PullRecord } from "@/lib/proxy/access-log";
import { BlobStreamAborted, serveBlob } from "@/lib/proxy/blobs";

export class BlobSizeMismatchError extends Error {
  constructor(digest: string) {
    super(`blob ${digest} is not the size its manifest says`);
    this.name = "BlobSizeMismatchError";
  }
}

/** What became of one blob of the archive, for the access log (as the proxy logs a blob pull). */
export interface ServedBlob {
  segment: BlobSegment;
  /** 200 the whole blob, 206 part of it (a range), 499 the client went away, 502 it failed (digest or size mismatch, upstream). */
  status: number;
  bytes: number;
  upstreamStatus: number | null;
  durationMs: number;
}
type BlobSegment = Extract<Segment, { kind: "blob" }>;

async function* blobBytes(segment: BlobSegment, from: number, to: number, onBlob?: (served: ServedBlob) => void): AsyncGenerator<Buffer> {
  const started = performance.now();
  const captured = new LentChunksResponse();
  const record: PullRecord = { digest: null, upstreamStatus: null, bytes: 0 };
  const served = serveBlob(segment.target, segment.digest, "GET", {}, captured as never, record).catch((error: unknown) => {
    // The archive stopped reading (a range's end, the client gone): expected.
    if (!(error instanceof BlobStreamAborted) || !captured.destroyed) captured.destroy(error as Error);
  });
  let position = 0;
  let sent = 0;
  let outcome: "sent" | "failed" | null = null;
  try {
    for await (const chunk of captured as AsyncIterable<Buffer>) {
      const chunkStart = position;
      position += chunk.length;
      if (position > segment.size) throw new BlobSizeMismatchError(segment.digest);
      if (position > from) {
        const piece = chunk.subarray(Math.max(0, from - chunkStart), Math.min(chunk.length, to - chunkStart));
        yield piece;
        sent += piece.length;
      }
      captured.release();
      if (position >= to && to < segment.size) {
        outcome = "sent";
        return;
      }
    }
    if (position !== segment.size) throw new BlobSizeMismatchError(segment.digest);
    outcome = "sent";
  } catch (error) {
    outcome = "failed";
    throw error;
  } finally {
    if (!captured.readableEnded) {
      captured.release();
      captured.destroy();
    }
    await served;
    const status = outcome === "sent" ? (from === 0 && to === segment.size ? 200 : 206) : outcome === "failed" ? 502 : 499;
    onBlob?.({ segment, status, bytes: sent, upstreamStatus: record.upstreamStatus, durationMs: Math.round(performance.now() - started) });
  }
}

/** The archive's bytes start..end (inclusive); each chunk is valid until the next is asked for, and asking paces the upstream. */
export async function* archiveChunks(plan: ArchivePlan, start: number, end: number, onBlob?: (served: ServedBlob) => void): AsyncGenerator<Buffer> {
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
    else yield* blobBytes(segment, from, to, onBlob);
  }
}
