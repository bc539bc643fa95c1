// The registry calls against real HTTP servers that misbehave.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { pingRegistry, RegistryHttpError } from "@/lib/registry-test/registry-http";

let server: http.Server | undefined;

async function serve(handler: http.RequestListener): Promise<string> {
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe("registry error bodies", () => {
  it("reads the registry's error code and message", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ errors: [{ code: "DENIED", message: "Your authorization token has expired." }] }));
    });
    const error = await pingRegistry(url, "password", AbortSignal.timeout(5000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryHttpError);
    expect((error as RegistryHttpError).failure).toMatchObject({ httpStatus: 401, code: "DENIED" });
  });

  it("stops reading an error body that never ends, and still reports the status", async () => {
    let sent = 0;
    const url = await serve((_req, res) => {
      res.writeHead(500, { "content-type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, "x");
      const pump = () => {
        while (sent < 1024 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
      };
      res.on("drain", pump);
      pump();
    });
    const started = Date.now();
    const error = await pingRegistry(url, "password", AbortSignal.timeout(15_000)).catch((e: unknown) => e);
    // Without a limit the body is read until the call's deadline aborts it.
    expect(Date.now() - started).toBeLessThan(7_000);
    expect(error).toBeInstanceOf(RegistryHttpError);
    expect((error as RegistryHttpError).failure).toMatchObject({ httpStatus: 500 });
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });
});
