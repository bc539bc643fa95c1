// The registry login's requests over real HTTP: credentials never follow a
// redirect to another origin, untrusted http:// and private destinations are
// refused before any connection, tokens live at least 60 s, and concurrent
// callers of a cold login share one token request.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorize } from "@/lib/registry-auth/client";
import { trustedOriginsOf } from "@/lib/registry-auth/endpoints";
import { authHttpRequest, UnsafeUrlError } from "@/lib/registry-auth/http";
import { TokenCache } from "@/lib/registry-auth/token-cache";

interface Recorded {
  path: string;
  authorization: string | undefined;
}

async function server(handle: (request: http.IncomingMessage, response: http.ServerResponse) => void) {
  const seen: Recorded[] = [];
  const instance = http.createServer((request, response) => {
    seen.push({ path: request.url ?? "", authorization: request.headers.authorization });
    handle(request, response);
  });
  await new Promise<void>((resolve) => instance.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(instance.address() as AddressInfo).port}`;
  return { origin, seen, close: () => new Promise((resolve) => instance.close(resolve)) };
}

let landing: Awaited<ReturnType<typeof server>>;
let registry: Awaited<ReturnType<typeof server>>;
let tokenLifetime = 5;

beforeAll(async () => {
  landing = await server((_request, response) => response.writeHead(200).end("ok"));
  registry = await server((request, response) => {
    if (request.url === "/elsewhere") return response.writeHead(307, { location: `${landing.origin}/landing` }).end();
    if (request.url === "/endless") {
      response.writeHead(401, { "content-type": "application/json" });
      const timer = setInterval(() => response.write("x".repeat(16 * 1024)), 1);
      response.on("close", () => clearInterval(timer));
      return;
    }
    if (request.url === "/same") return response.writeHead(302, { location: "/final" }).end();
    if (request.url?.startsWith("/token")) return response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ access_token: "opaque-token", expires_in: tokenLifetime }));
    response.writeHead(200).end("final");
  });
});

afterAll(async () => {
  await landing?.close();
  await registry?.close();
});

const trustBoth = () => trustedOriginsOf([{ hostname: "registry.example.test", baseUrl: registry.origin }], [{ hostname: "landing.example.test", baseUrl: landing.origin }], undefined);
const signal = () => AbortSignal.timeout(10_000);

describe("authHttpRequest", () => {
  it("drops Authorization when a redirect leaves the origin, and keeps it on the same origin", async () => {
    const away = await authHttpRequest(new URL(`${registry.origin}/elsewhere`), { method: "GET", headers: { authorization: "Bearer secret-token" }, signal: signal(), trustedOrigins: trustBoth() });
    expect(away.status).toBe(200);
    expect(landing.seen.at(-1)).toEqual({ path: "/landing", authorization: undefined });

    const same = await authHttpRequest(new URL(`${registry.origin}/same`), { method: "GET", headers: { authorization: "Bearer secret-token" }, signal: signal(), trustedOrigins: trustBoth() });
    expect(same.body).toBe("final");
    expect(registry.seen.at(-1)).toEqual({ path: "/final", authorization: "Bearer secret-token" });
  });

  it("refuses an http:// origin the operator did not trust, and a private address over https, before connecting", async () => {
    const before = landing.seen.length;
    const onlyRegistry = trustedOriginsOf([{ hostname: "registry.example.test", baseUrl: registry.origin }], [], undefined);
    await expect(authHttpRequest(new URL(`${landing.origin}/landing`), { method: "GET", signal: signal(), trustedOrigins: onlyRegistry })).rejects.toBeInstanceOf(UnsafeUrlError);
    await expect(authHttpRequest(new URL("https://127.0.0.1:1/token"), { method: "GET", signal: signal(), trustedOrigins: onlyRegistry })).rejects.toThrow(/private or reserved/);
    await expect(authHttpRequest(new URL("https://169.254.169.254/latest/meta-data/"), { method: "GET", signal: signal(), trustedOrigins: onlyRegistry })).rejects.toThrow(/private or reserved/);
    expect(landing.seen.length).toBe(before);
  });

  it("stops reading a body at its limit, however long the server goes on", async () => {
    const answer = await authHttpRequest(new URL(`${registry.origin}/endless`), { method: "GET", signal: signal(), trustedOrigins: trustBoth(), maxBodyBytes: 64 * 1024 });
    expect(answer.status).toBe(401);
    expect(answer.body.length).toBe(64 * 1024);
  });

  it("refuses a redirect from a trusted origin to an untrusted one", async () => {
    const onlyRegistry = trustedOriginsOf([{ hostname: "registry.example.test", baseUrl: registry.origin }], [], undefined);
    await expect(authHttpRequest(new URL(`${registry.origin}/elsewhere`), { method: "GET", signal: signal(), trustedOrigins: onlyRegistry })).rejects.toBeInstanceOf(UnsafeUrlError);
  });
});

describe("authorize", () => {
  it("reads access_token and gives a token at least 60 s however short expires_in is", async () => {
    tokenLifetime = 5;
    const target = { baseUrl: registry.origin, credential: { kind: "basic" as const, username: "u", password: "p" }, endpoints: { registryOverrides: [], authOverrides: [], trustedOrigins: trustBoth() } };
    const login = await authorize(target, { scheme: "bearer", realm: `${registry.origin}/token`, service: "svc" }, ["repository:a/b:pull"], signal(), 1_000_000);
    expect(login).toMatchObject({ header: "Bearer opaque-token", scheme: "bearer", obtainedAt: 1_000_000, expiresAt: 1_060_000, grantedActions: null });
    const request = registry.seen.at(-1)!;
    expect(request.path).toBe("/token?service=svc&scope=repository%3Aa%2Fb%3Apull&account=u");
    expect(request.authorization).toBe(`Basic ${Buffer.from("u:p").toString("base64")}`);
  });

  it("rewrites a realm's host with AUTH_ENDPOINT_OVERRIDES", async () => {
    tokenLifetime = 300;
    const target = { baseUrl: registry.origin, credential: { kind: "anonymous" as const }, endpoints: { registryOverrides: [], authOverrides: [{ hostname: "auth.docker.io", baseUrl: registry.origin }], trustedOrigins: trustBoth() } };
    const login = await authorize(target, { scheme: "bearer", realm: "https://auth.docker.io/token", service: "registry.docker.io" }, [], signal(), 0);
    expect(login.expiresAt).toBe(300_000);
    expect(registry.seen.at(-1)).toEqual({ path: "/token?service=registry.docker.io", authorization: undefined });
  });
});

describe("TokenCache", () => {
  it("makes one request for any number of concurrent callers, and a new one near expiry", async () => {
    const cache = new TokenCache<{ obtainedAt: number; expiresAt: number; n: number }>();
    let calls = 0;
    const obtain = async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { obtainedAt: 0, expiresAt: 60_000, n: calls };
    };
    const logins = await Promise.all(Array.from({ length: 25 }, () => cache.get("r|v|repo", obtain, 0)));
    expect(calls).toBe(1);
    expect(new Set(logins).size).toBe(1);
    expect(await cache.get("r|v|repo", obtain, 40_000)).toBe(logins[0]);
    const renewed = await cache.get("r|v|repo", obtain, 46_000);
    expect(renewed.n).toBe(2);
    // A refused login is dropped, but a stale reference to an older one drops nothing.
    cache.invalidate("r|v|repo", logins[0]!);
    expect(await cache.get("r|v|repo", obtain, 0)).toBe(renewed);
    cache.invalidate("r|v|repo", renewed);
    expect((await cache.get("r|v|repo", obtain, 0)).n).toBe(3);
  });
});

describe("TokenCache with refreshAt", () => {
  it("renews in the background from refreshAt on, handing out the current login meanwhile, with one request however many callers", async () => {
    const cache = new TokenCache<{ obtainedAt: number; expiresAt: number; refreshAt: number; n: number }>();
    let calls = 0;
    let release: () => void = () => undefined;
    const obtain = async () => {
      calls++;
      if (calls > 1) await new Promise<void>((resolve) => (release = resolve));
      return { obtainedAt: 0, expiresAt: 3_600_000, refreshAt: 1_800_000, n: calls };
    };
    const first = await cache.get("k", obtain, 0);
    expect(await cache.get("k", obtain, 1_799_999)).toBe(first);
    expect(calls).toBe(1);
    // Past half-life: the same login comes back at once, and one renewal starts.
    const during = await Promise.all(Array.from({ length: 10 }, () => cache.get("k", obtain, 1_800_000)));
    expect(during.every((login) => login === first)).toBe(true);
    expect(calls).toBe(2);
    release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await cache.get("k", obtain, 1_800_001)).n).toBe(2);
  });
});
