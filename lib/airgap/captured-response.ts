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

  /**
   * The proxy's relay lends buffers from its pool and takes each back once the
   * write's callback fires, which for a stream means "accepted", not "read":
   * the chunk may still wait here, in the archive's stream or in the socket's
   * queue, so what travels on is a copy the relay cannot reuse.
   */
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    callback(null, Buffer.from(chunk));
  }

  writeHead(status: number, headers?: OutgoingHttpHeaders): this {
    this.statusCode = status;
    this.headers = headers ?? {};
    this.headersSent = true;
    return this;
  }
}
