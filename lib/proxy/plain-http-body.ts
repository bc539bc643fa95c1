// A blob's body over plain http:// read straight into large pooled buffers
// (buffer-pool.ts) with the socket's `onread`, instead of node:http's
// client, which reads 64 KiB at a time into a fresh allocation and passes
// every chunk through its parser and a stream. Measured on a 256 MiB blob
// relayed on loopback (docs/proxy.md): about 70 ms of CPU against 230–400 ms.
// Only the common answer takes this path: 200 or 206 with a Content-Length
// and no Transfer-Encoding. Anything else resolves null and the caller asks
// again through node:http (a GET is safe to repeat), so redirects, errors and
// chunked bodies keep the one well-tested client. TLS sockets have no
// `onread`: https:// always goes through node:http.
// Connections are kept alive and reused (a few idle ones per origin, for
// IDLE_MS): a small blob then costs no TCP handshake, name lookup or socket
// teardown. A connection is reused only after its answer ended exactly at
// its Content-Length without `Connection: close`; one the server closed while
// idle is dropped, and a request it was reused for before any byte of the
// answer came is sent again once on a new connection.
// No "server-only" marker: the benchmark's bare pass-through imports the
// same transport (scripts/lib/passthrough-bench-server.ts), so the two are
// compared on equal terms.
import type { IncomingHttpHeaders } from "node:http";
import net from "node:net";
import { POOL_BUFFER_BYTES, releaseBuffer, takeBuffer } from "./buffer-pool";

const MAX_HEAD_BYTES = 64 * 1024;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;
/** Idle connections kept per origin; more are closed when their answer ends. */
const MAX_IDLE_PER_ORIGIN = 32;
/** How long a connection may wait idle: under the 5 s keep-alive timeout of Node.js and Apache servers, the shortest common default. */
export const IDLE_MS = 4_000;

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

/** One request on a connection: what its socket's reads, failures and stalls are for. */
interface Exchange {
  onRead(data: Buffer, buffer: Buffer): boolean;
  /** Bytes of the body still to come. */
  remaining(): number;
  fail(error: Error, connectionLost: boolean): void;
  stalled(): void;
}

interface Connection {
  socket: net.Socket;
  origin: string;
  /** The request being answered; null while idle. */
  exchange: Exchange | null;
  /** Whether the body is being read: its reads go into buffers of the pool, or of their size near the end (the head's into the shared first-read buffer). */
  readingBody: boolean;
  /** The buffer offered for the next read, given back if the socket closes first. */
  offered: Buffer | null;
  /** Whether a request was answered on it before. */
  reused: boolean;
}

/**
 * Where each answer's first read (its head) and an idle connection's reads
 * land. Shared by every socket: a read's bytes are handled before any other
 * read happens, and body bytes that arrived with the head are copied into a
 * buffer of their own, so an idle connection holds no pooled buffer.
 */
let firstReadBuffer: Buffer | undefined;
const idle = new Map<string, Connection[]>();

class StaleConnectionError extends Error {
  constructor() {
    super("the idle connection was closed as it was reused");
  }
}

/** GET `url` (http:// only); resolves null when the answer is not one this path handles (the caller asks again through node:http). */
export function requestPlainHttpBody(url: URL, init: PlainHttpRequest): Promise<PlainHttpBody | null> {
  if (url.protocol !== "http:") return Promise.resolve(null);
  let request = `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n`;
  for (const [name, value] of Object.entries(init.headers)) {
    if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(value)) return Promise.resolve(null);
    request += `${name}: ${value}\r\n`;
  }
  request += "\r\n";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const port = Number(url.port || 80);
  const origin = `${host}:${port}`;
  const kept = takeIdleConnection(origin);
  if (!kept) return exchange(openConnection(host, port, origin), request, init);
  return exchange(kept, request, init).catch((error: unknown) => {
    // Never answered (the server closed the idle connection as it was reused): a GET is safe to send again.
    if (error instanceof StaleConnectionError) return exchange(openConnection(host, port, origin), request, init);
    throw error;
  });
}

/** For tests: closes every idle connection. */
export function closeIdlePlainHttpConnections(): void {
  for (const connections of idle.values()) for (const connection of connections) connection.socket.destroy();
  idle.clear();
}

function takeIdleConnection(origin: string): Connection | null {
  const connections = idle.get(origin);
  for (let connection = connections?.pop(); connection; connection = connections!.pop()) {
    if (!connection.socket.destroyed) {
      if (connections!.length === 0) idle.delete(origin);
      return connection;
    }
  }
  idle.delete(origin);
  return null;
}

function keepIdle(connection: Connection): void {
  const connections = idle.get(connection.origin) ?? [];
  if (connections.length >= MAX_IDLE_PER_ORIGIN || connection.socket.destroyed) return void connection.socket.destroy();
  connection.reused = true;
  connection.socket.setTimeout(IDLE_MS);
  // An idle connection does not keep the process alive.
  connection.socket.unref();
  connections.push(connection);
  idle.set(connection.origin, connections);
}

function forgetIdle(connection: Connection): void {
  const connections = idle.get(connection.origin);
  const index = connections?.indexOf(connection) ?? -1;
  if (index < 0) return;
  connections!.splice(index, 1);
  if (connections!.length === 0) idle.delete(connection.origin);
}

function openConnection(host: string, port: number, origin: string): Connection {
  const connection: Connection = { socket: undefined as unknown as net.Socket, origin, exchange: null, readingBody: false, offered: null, reused: false };
  const socket = net.connect({
    host,
    port,
    onread: {
      buffer: () => {
        if (connection.readingBody) return (connection.offered = takeBuffer(connection.exchange?.remaining()));
        connection.offered = null;
        return (firstReadBuffer ??= Buffer.allocUnsafeSlow(POOL_BUFFER_BYTES));
      },
      callback: (size, buffer) => {
        // The buffer read into is now this read's to keep or give back.
        connection.offered = null;
        if (connection.exchange) return connection.exchange.onRead((buffer as Buffer).subarray(0, size), buffer as Buffer);
        // Bytes on an idle connection: nothing this client understands.
        giveBack(buffer as Buffer);
        socket.destroy();
        return false;
      },
    },
  });
  connection.socket = socket;
  socket.setNoDelay(true);
  // Active: the answer stalled; idle: IDLE_MS passed.
  socket.on("timeout", () => (connection.exchange ? connection.exchange.stalled() : socket.destroy()));
  socket.on("error", (error) => connection.exchange?.fail(error, true));
  socket.on("close", () => {
    forgetIdle(connection);
    if (connection.offered) releaseBuffer(connection.offered);
    connection.offered = null;
    connection.exchange?.fail(Object.assign(new Error("the upstream closed the connection before the whole body"), { code: "ECONNRESET" }), true);
  });
  return connection;
}

/** A buffer from the pool goes back to it; the shared first-read buffer stays. */
function giveBack(buffer: Buffer): void {
  if (buffer !== firstReadBuffer) releaseBuffer(buffer);
}

/** Sends the request on the connection and resolves with the answer's head, its body still to be read. */
function exchange(connection: Connection, request: string, init: PlainHttpRequest): Promise<PlainHttpBody | null> {
  const { socket } = connection;
  return new Promise((resolve, reject) => {
    let stage: "head" | "body" | "done" = "head";
    /** The head so far when it came in pieces (a copy: reads land in the shared buffer). */
    let partialHead: Buffer | null = null;
    let received = false;
    let reusable = false;
    let sink: BodySink | null = null;
    /** Body bytes that arrived with the head, in a buffer of their own (takeBuffer), until read(). */
    let early: { data: Buffer; buffer: Buffer } | null = null;
    let remaining = 0;
    /** A failure before read(): reported to the sink when it comes. */
    let failure: Error | null = null;

    const finish = (keepConnection: boolean) => {
      stage = "done";
      connection.exchange = null;
      connection.readingBody = false;
      if (keepConnection) keepIdle(connection);
      else socket.destroy();
    };

    const fail = (error: Error, connectionLost: boolean) => {
      if (stage === "done") return;
      const wasHead = stage === "head";
      finish(false);
      if (wasHead) reject(connectionLost && connection.reused && !received ? new StaleConnectionError() : error);
      else if (sink) sink.error(error);
      else failure = error;
    };

    const discardEarly = () => {
      if (early && !sink) giveBack(early.buffer);
      early = null;
    };

    /** A read in the head stage; true when the socket should keep reading. */
    const onHead = (bytes: Buffer, buffer: Buffer): boolean => {
      const all = partialHead ? Buffer.concat([partialHead, bytes]) : bytes;
      const end = all.indexOf("\r\n\r\n");
      if (end < 0) {
        partialHead = all === bytes ? Buffer.from(bytes) : all;
        giveBack(buffer);
        if (partialHead.length > MAX_HEAD_BYTES) fail(new Error("the upstream's response head is too large"), false);
        return true;
      }
      partialHead = null;
      const parsed = parseHead(all.subarray(0, end).toString("latin1"));
      if (!parsed) {
        giveBack(buffer);
        finish(false);
        resolve(null);
        return false;
      }
      stage = "body";
      remaining = parsed.length;
      // Bytes past the body: not a connection to reuse.
      reusable = parsed.keepAlive && all.length - end - 4 <= remaining;
      const kept = Math.min(all.length - end - 4, remaining);
      if (kept > 0) {
        // Out of the shared first-read buffer into one that the sink may hold.
        const pooled = takeBuffer(kept);
        all.copy(pooled, 0, end + 4, end + 4 + kept);
        early = { data: pooled.subarray(0, kept), buffer: pooled };
        remaining -= kept;
      }
      giveBack(buffer);
      resolve({
        plain: true,
        statusCode: parsed.statusCode,
        headers: parsed.headers,
        length: parsed.length,
        read,
        resume: () => {
          if (stage === "body" && sink) socket.resume();
        },
        destroy: () => {
          discardEarly();
          fail(new Error("destroyed"), false);
        },
      });
      if (remaining === 0) {
        finish(reusable);
        return true;
      }
      connection.readingBody = true;
      // Nothing more is read until the caller is ready for it.
      return false;
    };

    const read = (receiver: BodySink) => {
      if (sink) return;
      if (failure) {
        discardEarly();
        return receiver.error(failure);
      }
      sink = receiver;
      const first = early;
      early = null;
      if (first) receiver.chunk(first.data, first.buffer);
      if (stage === "done") receiver.end();
      else socket.resume();
    };

    connection.exchange = {
      fail,
      remaining: () => remaining,
      stalled: () => fail(init.timeoutError(), false),
      onRead: (data, buffer) => {
        received = true;
        if (stage === "head") return onHead(data, buffer);
        if (stage !== "body" || !sink) {
          giveBack(buffer);
          return false;
        }
        const body = data.length > remaining ? data.subarray(0, remaining) : data;
        remaining -= body.length;
        const more = sink.chunk(body, buffer);
        if (remaining > 0) return more;
        finish(reusable && body.length === data.length);
        sink.end();
        return true;
      },
    };
    socket.setTimeout(init.timeoutMs);
    socket.ref();
    if (socket.connecting) socket.once("connect", () => socket.write(request));
    else {
      socket.write(request);
      socket.resume();
    }
  });
}

/** Status, headers and whether the connection may be reused, when the answer is a 200 or 206 with a Content-Length and no Transfer-Encoding; else null. */
function parseHead(text: string): (Pick<PlainHttpBody, "statusCode" | "headers" | "length"> & { keepAlive: boolean }) | null {
  const lines = text.split("\r\n");
  const status = /^HTTP\/1\.([01]) (200|206)(?: |$)/.exec(lines[0] ?? "");
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
  const connection = String(headers.connection ?? "").toLowerCase();
  // HTTP/1.1 keeps the connection unless told otherwise; HTTP/1.0 only when told.
  const keepAlive = status[1] === "1" ? !/(^|,)\s*close\s*(,|$)/.test(connection) : /(^|,)\s*keep-alive\s*(,|$)/.test(connection);
  return { statusCode: status[2] === "200" ? 200 : 206, headers, length: Number(length), keepAlive };
}
