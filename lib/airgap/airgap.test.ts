// Air-gap archives over real HTTP: the download handler and the proxy on a
// loopback server, images in Debian's docker-registry (and a 1 GiB layer in
// the local AWS), the archive checked by real clients: skopeo copies it into
// a second docker-registry with identical digests, curl resumes it.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleAirGapRequest } from "@/lib/airgap/handler";
import { airGapQuery, ZAirGapSelection } from "@/lib/airgap/schema";
import { prepareAirGapDownload, prepareVendorAirGapDownload } from "@/lib/airgap/service";
import { regenerateLicense } from "@/lib/customers/service";
import { signCustomerSession } from "@/lib/customer-portal/session-token";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { ZUpdateEntitlementsInput } from "@/lib/entitlements/schema";
import { updateCustomerEntitlements } from "@/lib/entitlements/service";
import { flushAccessLog } from "@/lib/proxy/access-log";
import { clearCustomerCache } from "@/lib/proxy/auth";
import { ZCreateRegistryInput } from "@/lib/registries/schema";
import { createRegistry } from "@/lib/registries/service";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { ACCOUNT, iamRegistry, newCustomer, newVendorTeam, REGION, startProxyWorld, type ProxyWorld } from "@/test/support/proxy-world";
import { LINUX_AMD64, LINUX_ARM64, pushImage, skopeoEnvironment, startReferenceRegistry, type PushedImage, type ReferenceRegistry } from "@/tools/reference-registry";

const run = promisify(execFile);
const HOST = "airgap-registry.example.test";
const VENDOR = { username: "vendor", password: "vendor-password-1" };

let world: ProxyWorld;
let source: ReferenceRegistry;
let destination: ReferenceRegistry;
let server: http.Server;
let baseUrl: string;
let home: string;
let single: PushedImage;
let multi: PushedImage;
let beta: PushedImage;

beforeAll(async () => {
  await useIsolatedDatabase("airgap_archives");
  world = await startProxyWorld();
  source = await startReferenceRegistry({ auth: "htpasswd", users: [VENDOR] });
  destination = await startReferenceRegistry({ auth: "htpasswd", users: [VENDOR] });
  single = await pushImage(source, "vendor/app", "1.0", VENDOR, { layers: 3 });
  multi = await pushImage(source, "vendor/agent", "2.1", VENDOR, { platforms: [LINUX_AMD64, LINUX_ARM64], layers: 2 });
  beta = await pushImage(source, "vendor/app", "2.0-beta", VENDOR, { layers: 1 });
  process.env.REGISTRY_ENDPOINT_OVERRIDES = `${HOST}=${source.baseUrl},${process.env.REGISTRY_ENDPOINT_OVERRIDES}`;
  resetEnvCache();
  server = http.createServer((request, response) => {
    if (!handleAirGapRequest(request, response)) response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  home = fs.mkdtempSync(path.join(os.tmpdir(), "airgap-test-"));
}, 240_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await world?.close();
  await source?.stop();
  await destination?.stop();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

async function customerWithSession() {
  const vendor = await newVendorTeam();
  const registry = await createRegistry(vendor.team.id, vendor.actor, ZCreateRegistryInput.parse({ provider: "generic", name: "", hostname: HOST, authType: "basic", ...VENDOR, accessKeyId: "", secretAccessKey: "", roleArn: "", allApplications: true, applicationIds: [] }));
  const { customer, licenseId } = await newCustomer(vendor);
  const row = await prisma.customer.findUniqueOrThrow({ where: { id: customer.id }, select: { id: true, teamId: true, licenseHash: true } });
  const cookie = `portal-customer-session=${await signCustomerSession(row)}`;
  const name = (repository: string) => `proxy/${vendor.application.slug}/${HOST}/${repository}`;
  return { vendor, registry, customer, licenseId, cookie, name };
}

function download(url: string, cookie: string, headers: Record<string, string> = {}) {
  return fetch(`${baseUrl}${url}`, { headers: { cookie, ...headers } });
}

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

describe("air-gap archives", () => {
  it("is an OCI layout skopeo copies into another registry with identical digests, the same bytes on every download", async () => {
    const { cookie, name } = await customerWithSession();
    const url = `/customer/airgap.tar?${airGapQuery([
      { name: name("vendor/app"), tag: "1.0", digest: single.digest },
      { name: name("vendor/agent"), tag: "2.1", digest: null },
    ])}`;
    const first = await download(url, cookie);
    expect(first.status).toBe(200);
    const bytes = new Uint8Array(await first.arrayBuffer());
    expect(first.headers.get("content-length")).toBe(String(bytes.length));
    expect(first.headers.get("accept-ranges")).toBe("bytes");
    const second = await download(url, cookie);
    expect(second.headers.get("etag")).toBe(first.headers.get("etag"));
    expect(sha256(new Uint8Array(await second.arrayBuffer()))).toBe(sha256(bytes));

    const archive = path.join(home, "bundle.tar");
    fs.writeFileSync(archive, bytes);
    const listing = (await run("tar", ["-tf", archive])).stdout.split("\n");
    expect(listing.slice(0, 4)).toEqual(["oci-layout", "index.json", "blobs/", "blobs/sha256/"]);
    const index = JSON.parse((await run("tar", ["-xOf", archive, "index.json"])).stdout) as { manifests: { digest: string; annotations: Record<string, string> }[] };
    const appRef = `${world.proxyHost}/${name("vendor/app")}:1.0`;
    const agentRef = `${world.proxyHost}/${name("vendor/agent")}:2.1`;
    expect(index.manifests.map((entry) => [entry.annotations["org.opencontainers.image.ref.name"], entry.digest])).toEqual([
      [appRef, single.digest],
      [agentRef, multi.digest],
    ]);

    const env = skopeoEnvironment(home);
    const creds = `${VENDOR.username}:${VENDOR.password}`;
    await run("skopeo", ["copy", "--quiet", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", creds, `oci-archive:${archive}:${appRef}`, `docker://${destination.hostname}/mirror/app:1.0`], { env });
    await run("skopeo", ["copy", "--quiet", "--all", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", creds, `oci-archive:${archive}:${agentRef}`, `docker://${destination.hostname}/mirror/agent:2.1`], { env });
    for (const [repository, expected] of [["mirror/app:1.0", single], ["mirror/agent:2.1", multi]] as const) {
      const { stdout } = await run("skopeo", ["inspect", "--raw", "--tls-verify=false", "--creds", creds, `docker://${destination.hostname}/${repository}`], { env });
      expect(`sha256:${sha256(Buffer.from(stdout))}`).toBe(expected.digest);
    }
    const { stdout } = await run("skopeo", ["inspect", "--tls-verify=false", "--creds", creds, `docker://${destination.hostname}/mirror/app:1.0`], { env });
    expect((JSON.parse(stdout) as { Layers: string[] }).Layers).toEqual(single.layerDigests);
  });

  it("resumes an interrupted download with curl -C - into a byte-identical archive, and answers Range and If-Range", async () => {
    const { cookie, name } = await customerWithSession();
    const url = `/customer/airgap.tar?${airGapQuery([{ name: name("vendor/app"), tag: "1.0", digest: single.digest }, { name: name("vendor/agent"), tag: "2.1", digest: multi.digest }], "linux/arm64")}`;
    const whole = new Uint8Array(await (await download(url, cookie)).arrayBuffer());
    const offset = 1 + Math.floor(Math.random() * (whole.length - 2));
    const partial = path.join(home, "partial.tar");
    fs.writeFileSync(partial, whole.subarray(0, offset));
    await run("curl", ["-sS", "--fail", "-C", "-", "-H", `Cookie: ${cookie}`, "-o", partial, `${baseUrl}${url}`]);
    expect(sha256(fs.readFileSync(partial)), `resumed at ${offset}`).toBe(sha256(whole));

    const first = await download(url, cookie, { range: "bytes=0-0" });
    expect(Buffer.from(await first.arrayBuffer())).toEqual(Buffer.from(whole.subarray(0, 1)));
    const etag = first.headers.get("etag")!;
    const ranged = await download(url, cookie, { range: `bytes=${offset}-`, "if-range": etag });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe(`bytes ${offset}-${whole.length - 1}/${whole.length}`);
    expect(sha256(new Uint8Array(await ranged.arrayBuffer()))).toBe(sha256(whole.subarray(offset)));
    // Another archive's ETag: the whole archive again, not a mix.
    const stale = await download(url, cookie, { range: `bytes=${offset}-`, "if-range": '"stale"' });
    expect(stale.status).toBe(200);
    expect((await stale.arrayBuffer()).byteLength).toBe(whole.length);
    expect((await download(url, cookie, { range: `bytes=${whole.length}-` })).status).toBe(416);
  });

  it("holds only what the license may pull, needs the customer's session, and is logged as an air-gap download", async () => {
    const { vendor, registry, customer, cookie, name } = await customerWithSession();
    await updateCustomerEntitlements(vendor.team.id, vendor.actor, ZUpdateEntitlementsInput.parse({ customerId: customer.id, allImages: false, rules: [{ registryId: registry.id, repository: "vendor/app", tags: ["1.*"] }], channelIds: [] }));
    clearCustomerCache();
    const allowed = `/customer/airgap.tar?${airGapQuery([{ name: name("vendor/app"), tag: "1.0", digest: single.digest }])}`;
    const archive = await download(allowed, cookie);
    expect(archive.status).toBe(200);
    expect((await archive.arrayBuffer()).byteLength).toBe(Number(archive.headers.get("content-length")));
    const refused = await download(`/customer/airgap.tar?${airGapQuery([{ name: name("vendor/app"), tag: "2.0-beta", digest: beta.digest }])}`, cookie);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("1.*");
    expect((await download(`/customer/airgap.tar?${airGapQuery([{ name: name("vendor/agent"), tag: "2.1", digest: null }])}`, cookie)).status).toBe(403);
    expect((await download(allowed, "")).status).toBe(401);
    expect((await download("/customer/airgap.tar?image=nope", cookie)).status).toBe(400);

    await flushAccessLog();
    const events = await prisma.pullEvent.findMany({ where: { customerId: customer.id, action: "airgap" }, orderBy: { id: "asc" }, select: { status: true, bytes: true, reference: true } });
    expect(events.map((event) => event.status)).toEqual([200, 403, 403]);
    expect(Number(events[0]!.bytes)).toBeGreaterThan(0);
  });

  it("hands out a signed link bound to the license and the selection, which downloads the archive without a session", async () => {
    const { vendor, customer, cookie, name } = await customerWithSession();
    const row = await prisma.customer.findUniqueOrThrow({ where: { id: customer.id }, select: { id: true, teamId: true, licenseHash: true } });
    const prepared = await prepareAirGapDownload(row, ZAirGapSelection.parse({ images: [`${name("vendor/app")}:1.0@${single.digest}`], platform: null }));
    expect(prepared.refs).toEqual([`${world.proxyHost}/${name("vendor/app")}:1.0`]);
    const link = new URL(prepared.url);
    const path = `${link.pathname}${link.search}`;
    const bundle = new Uint8Array(await (await download(path, "")).arrayBuffer());
    expect(bundle.length).toBe(prepared.size);
    const viaCookie = new Uint8Array(await (await download(`/customer/airgap.tar?${airGapQuery([{ name: name("vendor/app"), tag: "1.0", digest: single.digest }])}`, cookie)).arrayBuffer());
    expect(sha256(bundle)).toBe(sha256(viaCookie));
    // Another selection with the same link, and the link after the license changed, are refused.
    expect((await download(path.replace("vendor%2Fapp", "vendor%2Fagent"), "")).status).toBe(401);
    await regenerateLicense(vendor.team.id, vendor.actor, customer.id);
    expect((await download(path, "")).status).toBe(401);
  });

  it("lets the vendor prepare a customer's archive, with the customer's entitlements, and no other team", async () => {
    const { vendor, customer, name } = await customerWithSession();
    const selection = ZAirGapSelection.parse({ images: [`${name("vendor/app")}:1.0@${single.digest}`], platform: null });
    const prepared = await prepareVendorAirGapDownload(vendor.team.id, vendor.actor, customer.id, selection);
    const link = new URL(prepared.url);
    const archive = await download(`${link.pathname}${link.search}`, "");
    expect(archive.status).toBe(200);
    expect((await archive.arrayBuffer()).byteLength).toBe(prepared.size);
    const stranger = await newVendorTeam();
    await expect(prepareVendorAirGapDownload(stranger.team.id, stranger.actor, customer.id, selection)).rejects.toMatchObject({ code: "not_found" });
  });

  it("streams a 1 GiB archive with less than 64 MiB of resident memory growth", async () => {
    const vendor = await newVendorTeam();
    await iamRegistry(world, vendor);
    const { customer } = await newCustomer(vendor);
    const row = await prisma.customer.findUniqueOrThrow({ where: { id: customer.id }, select: { id: true, teamId: true, licenseHash: true } });
    const cookie = `portal-customer-session=${await signCustomerSession(row)}`;
    const image = world.aws.pushSyntheticImage({ accountId: ACCOUNT.accountId, region: REGION, repository: "big/app", tag: "1", layerSizes: [1024 * 1024 * 1024] });
    const url = `/customer/airgap.tar?${airGapQuery([{ name: `proxy/${vendor.application.slug}/${world.hostname}/big/app`, tag: "1", digest: image.digest }])}`;
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    let received = 0;
    const hash = createHash("sha256");
    try {
      const response = await download(url, cookie);
      expect(response.status).toBe(200);
      for await (const chunk of response.body! as AsyncIterable<Uint8Array>) {
        received += chunk.length;
        hash.update(chunk);
      }
      expect(received).toBe(Number(response.headers.get("content-length")));
    } finally {
      clearInterval(sampler);
    }
    expect(received).toBeGreaterThan(1024 * 1024 * 1024);
    expect(peak - before, `RSS grew ${((peak - before) / 1024 / 1024).toFixed(1)} MiB`).toBeLessThan(64 * 1024 * 1024);
  }, 300_000);
});
