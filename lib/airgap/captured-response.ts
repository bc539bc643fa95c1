// A stand-in for http.ServerResponse that the proxy's own manifest and blob
// handlers (lib/proxy/manifests.ts, blobs.ts) write into, so the air-gap
// archive reads every image through the same path as a pull: license and
// entitlement checks, the vendor's registry login, redirects, caches and
// digest verification. The body is a readable stream with back-pressure.
import type { OutgoingHttpHeaders } from "node:http";
import { PassThrough, type TransformCallback } from "node:stream";

export class CapturedResponse extends PassThrough {
  statusCode = 0;
  headers: OutgoingHttpHeaders = {};
  headersSent = false;

  constructor() {
    super({ highWaterMark: 1024 * 1024 });
  }

  writeHead(status: number, headers?: OutgoingHttpHeaders): this {
    this.statusCode = status;
    this.headers = headers ?? {};
    this.headersSent = true;
    return this;
  }
}

/**
 * For a blob. The proxy's relay lends each chunk (a view into a buffer of its
 * pool, taken back once the write's callback fires), so this accepts one
 * chunk at a time and holds its callback until the reader calls release(),
 * once the chunk has been written out to the client: no copy, and no buffer
 * reused while its bytes are still on their way.
 */
export class LentChunksResponse extends CapturedResponse {
  private held: TransformCallback | null = null;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.push(chunk);
    this.held = callback;
  }

  /** The reader is done with the chunk it last read: the relay may reuse its buffer and write the next. */
  release(): void {
    const callback = this.held;
    this.held = null;
    callback?.();
  }
}
