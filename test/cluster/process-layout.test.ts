// The production server's two processes behind one public port (scripts/
// portal.ts): the front answers /v2/ and the OIDC documents itself and passes
// pages and server actions to the Next.js process; each is restarted when it
// stops, and while the Next.js process is down pages get a clear 503 and
// pulls keep working.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { startPortalCluster, type PortalCluster } from "@/test/support/portal-cluster";

let cluster: PortalCluster;
let baseUrl: string;
let metricsUrl: string;

beforeAll(async () => {
  const metricsPort = await findFreePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  cluster = await startPortalCluster({ processes: 1, env: { TRUST_PROXY: "1", METRICS_LISTEN: `127.0.0.1:${metricsPort}` } });
  baseUrl = cluster.baseUrls[0]!;
});

afterAll(async () => {
  await cluster?.stop();
});

/** The supervisor's children, by role. */
function serverPids(): { front: number; next: number } {
  const supervisor = cluster.processes[0]!.child.pid!;
  const children = fs.readFileSync(`/proc/${supervisor}/task/${supervisor}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  const role = (pid: number) => fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
  return { front: children.find((pid) => role(pid).includes("portal-proxy.mjs")) ?? 0, next: children.find((pid) => role(pid).includes("portal-server.mjs")) ?? 0 };
}

async function waitFor<T>(probe: () => Promise<T | null>, what: string, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The sign-up page's action from the build's manifest: any will do to show the request reached Next.js's action handler. */
function signUpActionId(): string {
  const manifest = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../../.next/server/server-reference-manifest.json"), "utf8")) as { node: Record<string, { workers: Record<string, unknown> }> };
  // Posted to the page it belongs to: Next.js answers an action another page does not use without running it.
  const id = Object.entries(manifest.node).find(([, action]) => "app/(auth)/sign-up/page" in action.workers)?.[0];
  if (!id) throw new Error("the build has no server action on the sign-up page");
  return id;
}

describe("one public port, two processes", () => {
  it("answers /v2/ and the OIDC documents in the front process, without the Next.js process", async () => {
    const { next } = serverPids();
    expect(next).toBeGreaterThan(0);
    process.kill(next, "SIGSTOP");
    try {
      const ping = await fetch(`${baseUrl}/v2/`, { signal: AbortSignal.timeout(5000) });
      expect(ping.status).toBe(401);
      expect(ping.headers.get("www-authenticate")).toMatch(/^Bearer realm=/);
      const discovery = await fetch(`${cluster.issuerUrl}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
      expect(discovery.status).toBe(200);
      expect(((await discovery.json()) as { issuer: string }).issuer).toBe(cluster.issuerUrl);
      const jwks = await fetch(`${cluster.issuerUrl}/jwks`, { signal: AbortSignal.timeout(5000) });
      expect(((await jwks.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
    } finally {
      process.kill(next, "SIGCONT");
    }
  });

  it("passes a page to the Next.js process, which logs it under the same request ID", async () => {
    const page = await fetch(`${baseUrl}/sign-in`, { headers: { "x-forwarded-for": "203.0.113.7", "x-request-id": "layout-test-0001" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("x-request-id")).toBe("layout-test-0001");
    expect(await page.text()).toContain("</html>");
    // Logged by the Next.js process that answered it.
    await expect.poll(() => cluster.processes[0]!.output.filter((line) => line.includes("layout-test-0001")).length).toBeGreaterThan(0);
  });

  it("passes a server action to the Next.js process, body and all", async () => {
    const response = await fetch(`${baseUrl}/sign-up`, {
      method: "POST",
      headers: { "next-action": signUpActionId(), "content-type": "text/plain;charset=UTF-8", origin: baseUrl, accept: "text/x-component" },
      body: "[]",
    });
    // Next.js's action handler answered (an RSC payload), not the front.
    expect(response.headers.get("content-type")).toMatch(/^text\/x-component/);
    await response.arrayBuffer();
  });

  it("counts the front process's requests in the one metrics endpoint", async () => {
    const jwksCount = async () => {
      const text = await (await fetch(metricsUrl)).text();
      const line = text.split("\n").find((entry) => entry.startsWith('portal_oidc_document_requests_total{document="jwks",status="200"}'));
      return line ? Number(line.split(" ").at(-1)) : 0;
    };
    const before = await jwksCount();
    for (let index = 0; index < 3; index++) await (await fetch(`${cluster.issuerUrl}/jwks`)).arrayBuffer();
    // The JWKS is answered by the front alone; the endpoint is served by the Next.js process.
    expect(await jwksCount()).toBe(before + 3);
  });

  it("restarts the front process when it dies, and the public port answers again", async () => {
    const before = serverPids();
    process.kill(before.front, "SIGKILL");
    const restarted = await waitFor(async () => {
      const { front } = serverPids();
      return front > 0 && front !== before.front ? front : null;
    }, "a new front process");
    await waitFor(async () => ((await fetch(`${baseUrl}/v2/`, { signal: AbortSignal.timeout(2000) })).status === 401 ? true : null), "/v2/ on the restarted front", 30_000);
    expect(serverPids()).toEqual({ front: restarted, next: before.next });
  });

  it("answers pages with a clear 503 while the Next.js process restarts, and pulls keep working", async () => {
    const before = serverPids();
    process.kill(before.next, "SIGKILL");
    const page = await fetch(`${baseUrl}/sign-in`);
    expect(page.status).toBe(503);
    expect(page.headers.get("retry-after")).toBe("5");
    expect(((await page.json()) as { error: string }).error).toMatch(/restarting.*image pulls are not affected/);
    expect((await fetch(`${baseUrl}/v2/`)).status).toBe(401);
    await waitFor(async () => ((await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2000) })).ok ? true : null), "the restarted Next.js process");
    const { next } = serverPids();
    expect(next).not.toBe(before.next);
    expect((await fetch(`${baseUrl}/sign-in`)).status).toBe(200);
  });
});
