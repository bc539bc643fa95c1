// A blob's body over plain http:// read straight into large pooled buffers
// (buffer-pool.ts) with the socket's `onread`, instead of node:http's
// client, which reads 64 KiB at a time into a fresh allocation and passes
// every chunk through its parser and a stream. Measured on a 256 MiB blob
// relayed on loopback (docs/proxy.md): about 70 ms of CPU against 230–400 ms.
// Only the common answer takes this path: 200 or 206 with a Content-Length
// and no Transfer-Encoding, one request per connection (Connection: close).
// Anything else resolves null and the caller asks again through node:http
// (a GET is safe to repeat), so redirects, errors and chunked bodies keep
// the one well-tested client. TLS sockets have no `onread`: https:// always
// goes through node:http.
// No "server-only" marker: the benchmark's bare pass-through imports the
// same transport (scripts/lib/passthrough-bench-server.ts), so the two are
// compared on equal terms.
import type { IncomingHttpHeaders } from "node:http";
import net from "node:net";
import { releaseBuffer, takeBuffer } from "./buffer-pool";

const MAX_HEAD_BYTES = 64 * 1024;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

/** Receives a body's chunks. */
export interface BodySink {
  /** `data` is a view into `buffer`, which the sink gives back with releaseBuffer once nothing uses it; false pauses the body until resume(). */
  chunk(data: Buffer, buffer: Buffer): boolean;
  /** Every byte of Content-Length arrived. */
  end(): void;
  /** The connection failed, stalled or closed early. */
  error(error: Error): void;
}

export interface PlainHttpBody {
  plain: true;
  statusCode: 200 | 206;
  headers: IncomingHttpHeaders;
  length: number;
  /** Starts the body (once). */
  read(sink: BodySink): void;
  resume(): void;
  /** Drops the connection; the sink hears nothing more. */
  destroy(): void;
}

export interface PlainHttpRequest {
  headers: Record<string, string>;
  /** Deadline for the head, and the longest the body may then stall. */
  timeoutMs: number;
  timeoutError: () => Error;
}

/** GET `url` (http:// only); resolves null when the answer is not one this path handles (the caller asks again through node:http). */
export function requestPlainHttpBody(url: URL, init: PlainHttpRequest): Promise<PlainHttpBody | null> {
  if (url.protocol !== "http:") return Promise.resolve(null);
  let request = `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n`;
  for (const [name, value] of Object.entries(init.headers)) {
    if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(value)) return Promise.resolve(null);
    request += `${name}: ${value}\r\n`;
  }
  return new Promise((resolve, reject) => {
    let stage: "head" | "body" | "done" = "head";
    let head: Buffer[] = [];
    let headBytes = 0;
    let sink: BodySink | null = null;
    /** Body bytes that arrived with the head, before read(). */
    const early: Buffer[] = [];
    let remaining = 0;
    /** The buffer the socket reads into next; given back once the socket is closed. */
    let offered: Buffer | null = null;
    /** A failure before read(): reported to the sink when it comes. */
    let failure: Error | null = null;

    const fail = (error: Error) => {
      if (stage === "done") return;
      const wasHead = stage === "head";
      stage = "done";
      socket.destroy();
      if (wasHead) reject(error);
      else if (sink) sink.error(error);
      else failure = error;
    };

    const onHead = (bytes: Buffer): boolean => {
      head.push(Buffer.from(bytes));
      headBytes += bytes.length;
      const all = head.length === 1 ? head[0]! : Buffer.concat(head);
      const end = all.indexOf("\r\n\r\n");
      if (end < 0) {
        if (headBytes > MAX_HEAD_BYTES) fail(new Error("the upstream's response head is too large"));
        return true;
      }
      head = [];
      const parsed = parseHead(all.subarray(0, end).toString("latin1"));
      if (!parsed) {
        stage = "done";
        socket.destroy();
        resolve(null);
        return false;
      }
      stage = "body";
      remaining = parsed.length;
      const rest = all.subarray(end + 4, end + 4 + remaining);
      if (rest.length > 0) {
        early.push(rest);
        remaining -= rest.length;
      }
      resolve({ ...parsed, plain: true, read, resume: () => socket.resume(), destroy: () => fail(new Error("destroyed")) });
      // Nothing more is read until the caller is ready for it.
      return false;
    };

    const read = (receiver: BodySink) => {
      sink = receiver;
      if (failure) return receiver.error(failure);
      for (const bytes of early.splice(0)) receiver.chunk(bytes, bytes);
      if (remaining === 0) {
        stage = "done";
        socket.destroy();
        receiver.end();
      } else socket.resume();
    };

    const socket = net.connect({
      host: url.hostname.replace(/^\[|\]$/g, ""),
      port: Number(url.port || 80),
      onread: {
        buffer: () => (offered = takeBuffer()),
        callback: (size, buffer) => {
          if (stage === "head") {
            releaseBuffer(buffer as Buffer);
            return onHead((buffer as Buffer).subarray(0, size));
          }
          if (stage !== "body" || !sink) {
            releaseBuffer(buffer as Buffer);
            return false;
          }
          const data = (buffer as Buffer).subarray(0, Math.min(size, remaining));
          remaining -= data.length;
          const more = sink.chunk(data, buffer as Buffer);
          if (remaining > 0) return more;
          stage = "done";
          socket.destroy();
          sink.end();
          return false;
        },
      },
    });
    socket.setNoDelay(true);
    socket.setTimeout(init.timeoutMs, () => fail(init.timeoutError()));
    socket.once("connect", () => socket.write(`${request}\r\n`));
    socket.once("error", fail);
    socket.once("close", () => {
      if (offered) releaseBuffer(offered);
      offered = null;
      fail(Object.assign(new Error("the upstream closed the connection before the whole body"), { code: "ECONNRESET" }));
    });
  });
}

/** Status and headers, when the answer is a 200 or 206 with a Content-Length and no Transfer-Encoding; else null. */
function parseHead(text: string): Pick<PlainHttpBody, "statusCode" | "headers" | "length"> | null {
  const lines = text.split("\r\n");
  const status = /^HTTP\/1\.[01] (200|206)(?: |$)/.exec(lines[0] ?? "");
  if (!status) return null;
  const headers: IncomingHttpHeaders = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon <= 0 || !HEADER_NAME.test(line.slice(0, colon))) return null;
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    const before = headers[name];
    if (before !== undefined && name === "content-length" && before !== value) return null;
    headers[name] = before === undefined || name === "content-length" ? value : `${String(before)}, ${value}`;
  }
  const length = headers["content-length"];
  if (headers["transfer-encoding"] !== undefined || typeof length !== "string" || !/^\d{1,15}$/.test(length)) return null;
  return { statusCode: status[1] === "200" ? 200 : 206, headers, length: Number(length) };
}
