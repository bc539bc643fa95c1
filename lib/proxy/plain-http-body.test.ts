import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { freeBufferCount, releaseBuffer } from "@/lib/proxy/buffer-pool";
import { requestPlainHttpBody, type PlainHttpBody } from "@/lib/proxy/plain-http-body";

let server: http.Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function serve(handler: http.RequestListener): Promise<URL> {
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return new URL(`http://127.0.0.1:${(server!.address() as AddressInfo).port}/blob?signature=abc`);
}

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

  it("reuses its buffers: later bodies allocate none once the pool holds them", async () => {
    const bytes = randomBytes(4 * 1024 * 1024);
    const url = await serve((_incoming, response) => {
      response.writeHead(200, { "Content-Length": bytes.length });
      response.end(bytes);
    });
    // The buffer offered for a read that never came returns when the socket has closed.
    const settled = () => new Promise((resolve) => setTimeout(resolve, 20));
    await readAll((await request(url))!);
    await settled();
    const pooled = freeBufferCount();
    expect(pooled).toBeGreaterThan(0);
    for (let pull = 0; pull < 5; pull++) {
      expect((await readAll((await request(url))!)).equals(bytes)).toBe(true);
      await settled();
      expect(freeBufferCount()).toBe(pooled);
    }
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
});
