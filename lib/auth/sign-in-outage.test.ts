// During a database outage, sign-in must not hand the database's error text
// (host, port, driver message) to an anonymous visitor: the browser gets a
// code with a request ID, and the error goes to the server log under that ID.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getAuthOptions } from "@/lib/auth/auth-options";
import { resetEnvCache } from "@/lib/env";

let closedPort: number;

beforeAll(async () => {
  // A port nothing listens on: the database is unreachable.
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closedPort = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  process.env.DATABASE_URL = `postgresql://portal:secret@127.0.0.1:${closedPort}/portal`;
  resetEnvCache();
});

afterAll(() => resetEnvCache());

describe("sign-in while the database is unreachable", () => {
  it("answers a request ID, never the database's error text", async () => {
    const provider = getAuthOptions().providers[0] as unknown as { options: { authorize: (credentials: Record<string, string>, request: unknown) => Promise<unknown> } };
    const error = await provider.options.authorize({ email: "someone@example.com", password: "a long enough passphrase" }, { headers: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(/^Internal:[0-9a-f-]{36}$/);
    expect(message).not.toContain(String(closedPort));
    expect(message).not.toContain("127.0.0.1");
  });
});
