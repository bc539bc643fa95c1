import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { DigestMismatchError, DigestVerifier, relayPlainBody } from "@/lib/proxy/blob-stream";
import { closeIdlePlainHttpConnections, requestPlainHttpBody } from "@/lib/proxy/plain-http-body";

const MiB = 1024 * 1024;
const servers: http.Server[] = [];

afterEach(async () => {
  closeIdlePlainHttpConnections();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const sha256 = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

/**
 * A storage server that sends all of `bytes` but the last `tail` at once and
 * the tail only when `sendTail` is called; and the proxy's relay in front of
 * it, expecting `expected`. Returns what a client of the relay has received.
 */
async function relayWithHeldTail(bytes: Buffer, tail: number, expected: string) {
  let sendTail = () => {};
  const storage = await listen((_request, response) => {
    response.writeHead(200, { "Content-Length": bytes.length });
    response.write(bytes.subarray(0, bytes.length - tail));
    sendTail = () => response.end(bytes.subarray(bytes.length - tail));
  });
  const relay = await listen(async (_request, response) => {
    const body = await requestPlainHttpBody(new URL(`${storage}/blob`), { headers: {}, timeoutMs: 5_000, timeoutError: () => new Error("stalled") });
    if (!body) return void response.destroy();
    response.writeHead(200, { "Content-Length": body.length });
    relayPlainBody(body, response, expected, { bytes: 0 }, null).catch(() => response.destroy());
  });
  const received: Buffer[] = [];
  const client = { bytes: 0, outcome: undefined as "complete" | "cut" | undefined };
  http.get(`${relay}/`, (response) => {
    response.on("data", (chunk: Buffer) => {
      received.push(chunk);
      client.bytes += chunk.length;
    });
    response.on("end", () => (client.outcome = "complete"));
    response.on("error", () => (client.outcome = "cut"));
    response.on("aborted", () => (client.outcome = "cut"));
  });
  const waitFor = async (done: () => boolean, what: string) => {
    for (const until = Date.now() + 5_000; !done(); ) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what} (the client has ${client.bytes} bytes)`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return { client, received: () => Buffer.concat(received), sendTail: () => sendTail(), waitFor };
}

describe("relaying a plain-http blob body", () => {
  it("writes every chunk as soon as it is hashed; only the bytes that complete the blob wait for the digest", async () => {
    const bytes = randomBytes(3 * MiB + 17);
    const relay = await relayWithHeldTail(bytes, 1024, sha256(bytes));
    // While the storage holds its last KiB back, the client already has everything before it.
    await relay.waitFor(() => relay.client.bytes === bytes.length - 1024, "every byte but the held-back tail");
    relay.sendTail();
    await relay.waitFor(() => relay.client.outcome !== undefined, "the end of the body");
    expect(relay.client.outcome).toBe("complete");
    expect(sha256(relay.received())).toBe(sha256(bytes));
  });

  it("cuts the connection without the last bytes when the blob does not match its digest", async () => {
    const bytes = randomBytes(2 * MiB + 5);
    const relay = await relayWithHeldTail(bytes, 1024, sha256(Buffer.from("something else")));
    await relay.waitFor(() => relay.client.bytes === bytes.length - 1024, "every byte but the held-back tail");
    relay.sendTail();
    await relay.waitFor(() => relay.client.outcome !== undefined, "the end of the answer");
    expect(relay.client.outcome).toBe("cut");
    expect(relay.client.bytes).toBe(bytes.length - 1024);
  });
});

describe("verifying a node:http blob body (https)", () => {
  /** Writes the chunks one by one; returns what came out after each write, and how the stream ended. */
  async function feed(verifier: DigestVerifier, chunks: Buffer[]) {
    const out: Buffer[] = [];
    verifier.on("data", (chunk: Buffer) => out.push(chunk));
    const seenAfterEachWrite: number[] = [];
    for (const chunk of chunks) {
      await new Promise<void>((resolve, reject) => verifier.write(chunk, (error) => (error ? reject(error) : resolve())));
      await new Promise((resolve) => setImmediate(resolve));
      seenAfterEachWrite.push(out.reduce((sum, piece) => sum + piece.length, 0));
    }
    const ended = await new Promise<string>((resolve) => {
      verifier.once("error", (error) => resolve(error instanceof DigestMismatchError ? "mismatch" : `error: ${error.message}`));
      verifier.once("end", () => resolve("end"));
      verifier.end();
    });
    return { seenAfterEachWrite, ended, out: Buffer.concat(out) };
  }

  const chunks = [randomBytes(1000), randomBytes(2000), randomBytes(300)];
  const whole = Buffer.concat(chunks);

  it("passes each chunk on at once when the length is known, and the last one after the digest matched", async () => {
    const result = await feed(new DigestVerifier(sha256(whole), { bytes: 0 }, whole.length), chunks);
    expect(result.seenAfterEachWrite).toEqual([1000, 3000, 3000]);
    expect(result.ended).toBe("end");
    expect(result.out).toEqual(whole);
  });

  it("holds each chunk until the next one when the length is unknown", async () => {
    const result = await feed(new DigestVerifier(sha256(whole), { bytes: 0 }), chunks);
    expect(result.seenAfterEachWrite).toEqual([0, 1000, 3000]);
    expect(result.ended).toBe("end");
    expect(result.out).toEqual(whole);
  });

  it("never passes on the last chunk of a blob that does not match", async () => {
    const result = await feed(new DigestVerifier(sha256(Buffer.from("other")), { bytes: 0 }, whole.length), chunks);
    expect(result.ended).toBe("mismatch");
    expect(result.out.length).toBe(3000);
  });
});
