import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { freeBufferCount, POOL_BUFFER_BYTES, pooledBufferAllocations, releaseBuffer, takeBuffer } from "@/lib/proxy/buffer-pool";
import { closeIdlePlainHttpConnections, IDLE_MS, requestPlainHttpBody, type PlainHttpBody } from "@/lib/proxy/plain-http-body";

let server: http.Server | undefined;
let rawServer: net.Server | undefined;
/** Connections the test's server accepted. */
let connections = 0;

afterEach(async () => {
  closeIdlePlainHttpConnections();
  server?.closeAllConnections();
  for (const listening of [server, rawServer]) if (listening) await new Promise((resolve) => listening.close(resolve));
  server = undefined;
  rawServer = undefined;
  connections = 0;
});

async function serve(handler: http.RequestListener): Promise<URL> {
  server = http.createServer(handler);
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return new URL(`http://127.0.0.1:${(server!.address() as AddressInfo).port}/blob?signature=abc`);
}

/** A server written by hand, for answers node:http would not send: `answer` gets each request's number on its connection (1, 2, …). */
async function serveRaw(answer: (socket: net.Socket, requestOnConnection: number) => void): Promise<URL> {
  rawServer = net.createServer((socket) => {
    connections++;
    let requests = 0;
    let pending = "";
    socket.on("data", (bytes) => {
      pending += bytes.toString("latin1");
      for (let end = pending.indexOf("\r\n\r\n"); end >= 0; end = pending.indexOf("\r\n\r\n")) {
        pending = pending.slice(end + 4);
        answer(socket, ++requests);
      }
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => rawServer!.listen(0, "127.0.0.1", resolve));
  return new URL(`http://127.0.0.1:${(rawServer!.address() as AddressInfo).port}/blob`);
}

const settle = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

const request = (url: URL, headers: Record<string, string> = {}, timeoutMs = 5_000) => requestPlainHttpBody(url, { headers, timeoutMs, timeoutError: () => new Error("stalled") });

/** Reads the whole body, copying each chunk (the buffer goes back to the pool at once). */
function readAll(body: PlainHttpBody, pauseEvery = 0): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let count = 0;
  return new Promise((resolve, reject) =>
    body.read({
      chunk: (data, buffer) => {
        chunks.push(Buffer.from(data));
        releaseBuffer(buffer);
        if (pauseEvery > 0 && ++count % pauseEvery === 0) {
          setTimeout(() => body.resume(), 5);
          return false;
        }
        return true;
      },
      end: () => resolve(Buffer.concat(chunks)),
      error: reject,
    }),
  );
}

describe("a blob body over plain http", () => {
  it("delivers every byte of a large body, with the request's path, query and headers, pausing and resuming on demand", async () => {
    const bytes = randomBytes(9 * 1024 * 1024 + 123);
    let seen: { url?: string; range?: string } = {};
    const url = await serve((incoming, response) => {
      seen = { url: incoming.url, range: incoming.headers.range };
      response.writeHead(200, { "Content-Length": bytes.length, "Content-Type": "application/octet-stream" });
      response.end(bytes);
    });
    const body = await request(url, { range: "bytes=0-" });
    expect(body).toMatchObject({ statusCode: 200, length: bytes.length, headers: { "content-type": "application/octet-stream" } });
    const received = await readAll(body!, 2);
    expect(createHash("sha256").update(received).digest("hex")).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(seen).toEqual({ url: "/blob?signature=abc", range: "bytes=0-" });
  });

  it("reuses its buffers: later bodies take no new pooled buffer once the pool holds them", async () => {
    const bytes = randomBytes(4 * 1024 * 1024);
    const url = await serve((_incoming, response) => {
      response.writeHead(200, { "Content-Length": bytes.length });
      response.end(bytes);
    });
    const settled = () => settle();
    await readAll((await request(url))!);
    await settled();
    expect(freeBufferCount()).toBeGreaterThan(0);
    // A body holds at most two at once (the bytes that came with the head, and the next read): the pool holds four.
    const warm = Array.from({ length: 4 }, () => takeBuffer());
    for (const buffer of warm) releaseBuffer(buffer);
    expect(freeBufferCount()).toBeGreaterThanOrEqual(4);
    const allocated = pooledBufferAllocations();
    for (let pull = 0; pull < 5; pull++) {
      expect((await readAll((await request(url))!)).equals(bytes)).toBe(true);
      await settled();
    }
    expect(pooledBufferAllocations()).toBe(allocated);
  });

  it("holds a small body in a buffer of its size, not a pooled one", async () => {
    const bytes = randomBytes(64 * 1024);
    const url = await serve((_incoming, response) => {
      response.writeHead(200, { "Content-Length": bytes.length });
      response.end(bytes);
    });
    const [allocated, free] = [pooledBufferAllocations(), freeBufferCount()];
    const held: Buffer[] = [];
    const body = (await request(url))!;
    const received = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      body.read({
        chunk: (data, buffer) => {
          chunks.push(Buffer.from(data));
          held.push(buffer);
          return true;
        },
        end: () => resolve(Buffer.concat(chunks)),
        error: reject,
      });
    });
    expect(received.equals(bytes)).toBe(true);
    // Every buffer the body was read into is still held here, and none came from the pool.
    expect(held.every((buffer) => buffer.length <= bytes.length && buffer.length < POOL_BUFFER_BYTES)).toBe(true);
    expect([pooledBufferAllocations(), freeBufferCount()]).toEqual([allocated, free]);
  });

  it("leaves redirects, errors, chunked bodies and odd header values to node:http", async () => {
    const url = await serve((incoming, response) => {
      if (incoming.url?.includes("redirect")) response.writeHead(307, { Location: "/elsewhere", "Content-Length": 0 }).end();
      else if (incoming.url?.includes("missing")) response.writeHead(404, { "Content-Length": 9 }).end("not found");
      else response.writeHead(200).end("chunked, no length");
    });
    for (const path of ["/redirect", "/missing", "/chunked"]) expect(await request(new URL(path, url))).toBeNull();
    expect(await request(url, { range: "bytes=0-1\r\nx-injected: 1" })).toBeNull();
    expect(await requestPlainHttpBody(new URL("https://storage.example/blob"), { headers: {}, timeoutMs: 1_000, timeoutError: () => new Error("stalled") })).toBeNull();
  });

  it("reports a body cut short, and one that stalls", async () => {
    const url = await serve((incoming, response) => {
      response.writeHead(200, { "Content-Length": 1_000_000 });
      response.write(Buffer.alloc(10_000));
      if (incoming.url?.includes("cut")) setTimeout(() => response.socket?.destroy(), 20);
    });
    await expect(readAll((await request(new URL("/cut", url)))!)).rejects.toThrow(/closed the connection before the whole body/);
    await expect(readAll((await request(new URL("/stall", url), {}, 300))!)).rejects.toThrow("stalled");
  });

  it("reports a stall that began before the first read", async () => {
    const url = await serve((_incoming, response) => {
      response.writeHead(200, { "Content-Length": 1_000_000 });
      response.write(Buffer.alloc(10_000));
    });
    const body = (await request(url, {}, 100))!;
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(readAll(body)).rejects.toThrow("stalled");
  });

  it("keeps connections alive: consecutive bodies from one origin share a connection, concurrent ones each have their own", async () => {
    const bytes = randomBytes(64 * 1024);
    const url = await serve((_incoming, response) => {
      response.writeHead(200, { "Content-Length": bytes.length });
      response.end(bytes);
    });
    for (let pull = 0; pull < 5; pull++) expect((await readAll((await request(url))!)).equals(bytes)).toBe(true);
    expect(connections).toBe(1);
    for (let round = 0; round < 3; round++) {
      const bodies = await Promise.all(Array.from({ length: 4 }, async () => readAll((await request(url))!)));
      expect(bodies.every((body) => body.equals(bytes))).toBe(true);
    }
    expect(connections).toBe(4);
  });

  it("opens a new connection after an answer that says Connection: close, or an HTTP/1.0 answer that does not say keep-alive", async () => {
    const url = await serveRaw((socket, number) => {
      const version = number === 1 ? "HTTP/1.1" : "HTTP/1.0";
      socket.write(`${version} 200 OK\r\nContent-Length: 5\r\n${number === 1 ? "Connection: close\r\n" : ""}\r\nhello`);
    });
    expect((await readAll((await request(url))!)).toString()).toBe("hello");
    await settle();
    expect((await readAll((await request(url))!)).toString()).toBe("hello");
    await settle();
    expect((await readAll((await request(url))!)).toString()).toBe("hello");
    expect(connections).toBe(3);
  });

  it("does not reuse a connection whose answer ended early or sent bytes past its length; the next request gets a new one", async () => {
    const url = await serve((incoming, response) => {
      if (incoming.url?.includes("cut")) {
        response.writeHead(200, { "Content-Length": 100_000 });
        response.write(Buffer.alloc(10_000));
        setTimeout(() => response.socket?.destroy(), 20);
      } else {
        response.writeHead(200, { "Content-Length": 5 });
        response.end("whole");
      }
    });
    await expect(readAll((await request(new URL("/cut", url)))!)).rejects.toThrow(/closed the connection before the whole body/);
    expect((await readAll((await request(url))!)).toString()).toBe("whole");
    expect(connections).toBe(2);

    const raw = await serveRaw((socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA"));
    expect((await readAll((await request(raw))!)).toString()).toBe("hello");
    expect((await readAll((await request(raw))!)).toString()).toBe("hello");
    expect(connections).toBe(2 + 2);
  });

  it("drops an idle connection the server closed, and sends a request again on a new connection when the server closes one as it is reused", async () => {
    const url = await serve((_incoming, response) => {
      response.writeHead(200, { "Content-Length": 4 });
      response.end("blob");
    });
    expect((await readAll((await request(url))!)).toString()).toBe("blob");
    await settle();
    server!.closeIdleConnections();
    await settle(50);
    expect((await readAll((await request(url))!)).toString()).toBe("blob");
    expect(connections).toBe(2);

    // The race: the server closes the connection as the next request arrives, without answering it.
    const raw = await serveRaw((socket, number) => {
      if (number === 1) socket.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
      else socket.destroy();
    });
    expect((await readAll((await request(raw))!)).toString()).toBe("first");
    expect((await readAll((await request(raw))!)).toString()).toBe("first");
    expect(connections).toBe(2 + 2);
  });

  it("reports a reused connection that fails after its answer began, without asking again", async () => {
    let requests = 0;
    const url = await serveRaw((socket, number) => {
      requests++;
      if (number === 1) socket.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
      else socket.end("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\npart");
    });
    expect((await readAll((await request(url))!)).toString()).toBe("first");
    await expect(readAll((await request(url))!)).rejects.toThrow(/closed the connection before the whole body/);
    expect(requests).toBe(2);
  });

  it(`closes a connection left idle for ${IDLE_MS / 1000} s`, async () => {
    let closed = 0;
    const url = await serve((_incoming, response) => {
      response.socket?.once("close", () => closed++);
      response.writeHead(200, { "Content-Length": 4 });
      response.end("blob");
    });
    server!.keepAliveTimeout = 60_000;
    expect((await readAll((await request(url))!)).toString()).toBe("blob");
    await settle(IDLE_MS - 500);
    expect(closed).toBe(0);
    await settle(1_000);
    expect(closed).toBe(1);
  }, IDLE_MS + 5_000);
});
