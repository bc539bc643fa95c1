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
import { ARCHIVE_FILE, CTR_IMPORT_ARGS } from "@/lib/airgap/commands";
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
import { ZPullActivityFilters } from "@/lib/pull-activity/schema";
import { listPullEvents } from "@/lib/pull-activity/service";
import { clearCustomerCache } from "@/lib/proxy/auth";
import { ZCreateRegistryInput } from "@/lib/registries/schema";
import { createRegistry } from "@/lib/registries/service";
import { startContainerd, type Containerd } from "@/test/support/containerd";
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
let triple: PushedImage;
const LINUX_S390X = { os: "linux", architecture: "s390x" };

beforeAll(async () => {
  await useIsolatedDatabase("airgap_archives");
  world = await startProxyWorld();
  source = await startReferenceRegistry({ auth: "htpasswd", users: [VENDOR] });
  destination = await startReferenceRegistry({ auth: "htpasswd", users: [VENDOR] });
  single = await pushImage(source, "vendor/app", "1.0", VENDOR, { layers: 3 });
  multi = await pushImage(source, "vendor/agent", "2.1", VENDOR, { platforms: [LINUX_AMD64, LINUX_ARM64], layers: 2 });
  beta = await pushImage(source, "vendor/app", "2.0-beta", VENDOR, { layers: 1 });
  triple = await pushImage(source, "vendor/multi", "3.0", VENDOR, { platforms: [LINUX_AMD64, LINUX_ARM64, LINUX_S390X], layers: 2 });
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

function download(url: string, cookie: string, headers: Record<string, string> = {}, signal?: AbortSignal) {
  return fetch(`${baseUrl}${url}`, { headers: { cookie, ...headers }, signal });
}

/** A customer of a vendor whose registry is in the local AWS (for large synthetic layers). */
async function iamCustomerWithSession() {
  const vendor = await newVendorTeam();
  await iamRegistry(world, vendor);
  const { customer } = await newCustomer(vendor);
  const row = await prisma.customer.findUniqueOrThrow({ where: { id: customer.id }, select: { id: true, teamId: true, licenseHash: true } });
  const cookie = `portal-customer-session=${await signCustomerSession(row)}`;
  return { vendor, customer, row, cookie, name: (repository: string) => `proxy/${vendor.application.slug}/${world.hostname}/${repository}` };
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await read(), (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value))}`);
}

/** `ctr images ls` of the k8s.io namespace as name → target digest. */
async function ctrImages(containerd: Containerd): Promise<Map<string, string>> {
  const { stdout } = await containerd.ctr(["-n", "k8s.io", "images", "ls"]);
  return new Map(
    stdout
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.split(/\s+/))
      .map(([ref, , digest]) => [ref!, digest!]),
  );
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
    const url = `/customer/airgap.tar?${airGapQuery([{ name: name("vendor/app"), tag: "1.0", digest: single.digest }, { name: name("vendor/agent"), tag: "2.1", digest: multi.digest }], ["linux/arm64"])}`;
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
    const prepared = await prepareAirGapDownload(row, ZAirGapSelection.parse({ images: [`${name("vendor/app")}:1.0@${single.digest}`] }));
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
    const selection = ZAirGapSelection.parse({ images: [`${name("vendor/app")}:1.0@${single.digest}`] });
    const prepared = await prepareVendorAirGapDownload(vendor.team.id, vendor.actor, customer.id, selection);
    const link = new URL(prepared.url);
    const archive = await download(`${link.pathname}${link.search}`, "");
    expect(archive.status).toBe(200);
    expect((await archive.arrayBuffer()).byteLength).toBe(prepared.size);
    const stranger = await newVendorTeam();
    await expect(prepareVendorAirGapDownload(stranger.team.id, stranger.actor, customer.id, selection)).rejects.toMatchObject({ code: "not_found" });
  });

  it("stores the archive's sha256 after its first complete full download and announces it from then on; an aborted or partial download stores nothing", async () => {
    const { vendor, customer, row, cookie, name } = await iamCustomerWithSession();
    const image = world.aws.pushSyntheticImage({ accountId: ACCOUNT.accountId, region: REGION, repository: "digest/app", tag: "1", layerSizes: [32 * 1024 * 1024, 1024] });
    const selection = [{ name: name("digest/app"), tag: "1", digest: image.digest }];
    const url = `/customer/airgap.tar?${airGapQuery(selection)}`;
    const stored = () => prisma.airGapArchiveDigest.findMany({ where: { teamId: vendor.team.id }, select: { sha256: true, size: true } });

    // Aborted after the first chunk: the server sees the client leave before the last byte.
    const controller = new AbortController();
    const aborted = await download(url, cookie, {}, controller.signal);
    expect(aborted.status).toBe(200);
    expect(aborted.headers.get("repr-digest")).toBeNull();
    await aborted.body!.getReader().read();
    controller.abort();
    // Every byte but the first, through Range: not a full download either.
    const rest = await download(url, cookie, { range: "bytes=1-" });
    expect(rest.status).toBe(206);
    await rest.arrayBuffer();
    await eventually(
      async () => {
        await flushAccessLog();
        return prisma.pullEvent.findMany({ where: { customerId: customer.id, action: "airgap" }, select: { status: true } });
      },
      (events) => events.length === 2,
      "both downloads logged",
    ).then((events) => expect(events.map((event) => event.status).sort()).toEqual([206, 499]));
    expect(await stored()).toEqual([]);
    expect((await prepareAirGapDownload(row, ZAirGapSelection.parse({ images: [`${selection[0]!.name}:1@${image.digest}`] }))).sha256).toBeNull();

    const first = await download(url, cookie);
    expect(first.headers.get("repr-digest")).toBeNull();
    const bytes = new Uint8Array(await first.arrayBuffer());
    const expected = sha256(bytes);
    const [row0] = await eventually(stored, (rows) => rows.length === 1, "the archive digest stored");
    expect(row0).toEqual({ sha256: expected, size: BigInt(bytes.length) });

    const header = `sha-256=:${Buffer.from(expected, "hex").toString("base64")}:`;
    const second = await download(url, cookie);
    expect(second.headers.get("repr-digest")).toBe(header);
    expect(sha256(new Uint8Array(await second.arrayBuffer()))).toBe(expected);
    // The representation's digest, on a partial response and a HEAD too.
    const ranged = await download(url, cookie, { range: "bytes=10-20" });
    expect(ranged.headers.get("repr-digest")).toBe(header);
    await ranged.arrayBuffer();
    expect((await fetch(`${baseUrl}${url}`, { method: "HEAD", headers: { cookie } })).headers.get("repr-digest")).toBe(header);
    expect((await prepareAirGapDownload(row, ZAirGapSelection.parse({ images: [`${selection[0]!.name}:1@${image.digest}`] }))).sha256).toBe(expected);
  }, 120_000);

  it("imports into containerd with the page's ctr command, each image under its proxied name and manifest digest, every platform's blobs kept", async () => {
    const { cookie, name } = await customerWithSession();
    const url = `/customer/airgap.tar?${airGapQuery([
      { name: name("vendor/app"), tag: "1.0", digest: single.digest },
      { name: name("vendor/agent"), tag: "2.1", digest: multi.digest },
    ])}`;
    const directory = fs.mkdtempSync(path.join(home, "ctr-"));
    fs.writeFileSync(path.join(directory, ARCHIVE_FILE), new Uint8Array(await (await download(url, cookie)).arrayBuffer()));
    const containerd = await startContainerd();
    try {
      // The very command the page shows, run where the archive was saved.
      await containerd.ctr(CTR_IMPORT_ARGS, { cwd: directory });
      const images = await ctrImages(containerd);
      expect(images).toEqual(
        new Map([
          [`${world.proxyHost}/${name("vendor/app")}:1.0`, single.digest],
          [`${world.proxyHost}/${name("vendor/agent")}:2.1`, multi.digest],
        ]),
      );
      const content = (await containerd.ctr(["-n", "k8s.io", "content", "ls", "-q"])).stdout.split("\n");
      for (const digest of [single.digest, ...single.layerDigests, single.configDigest!, multi.digest, ...multi.manifests!.flatMap((image) => [image.digest, image.configDigest!, ...image.layerDigests])]) {
        expect(content, digest).toContain(digest);
      }
    } finally {
      await containerd.stop();
    }
  }, 120_000);

  it("keeps only the chosen platforms of a multi-platform image: a new index skopeo and ctr load, without the other platforms' blobs", async () => {
    const { cookie, name } = await customerWithSession();
    const [amd64, arm64, s390x] = triple.manifests!;
    const blobsOf = (image: NonNullable<PushedImage["manifests"]>[number]) => [image.digest, image.configDigest!, ...image.layerDigests];
    const url = `/customer/airgap.tar?${airGapQuery([{ name: name("vendor/multi"), tag: "3.0", digest: triple.digest }], ["linux/arm64", "linux/amd64"])}`;
    const directory = fs.mkdtempSync(path.join(home, "platforms-"));
    const archive = path.join(directory, ARCHIVE_FILE);
    fs.writeFileSync(archive, new Uint8Array(await (await download(url, cookie)).arrayBuffer()));

    const entries = (await run("tar", ["-tf", archive])).stdout.split("\n").filter((entry) => entry.startsWith("blobs/sha256/") && entry.length > "blobs/sha256/".length).map((entry) => `sha256:${entry.slice("blobs/sha256/".length)}`);
    const index = JSON.parse((await run("tar", ["-xOf", archive, "index.json"])).stdout) as { manifests: { digest: string; mediaType: string }[] };
    const filtered = index.manifests[0]!.digest;
    expect(filtered).not.toBe(triple.digest);
    const filteredIndex = (await run("tar", ["-xOf", archive, `blobs/sha256/${filtered.slice(7)}`], { encoding: "buffer" })).stdout;
    expect(`sha256:${sha256(filteredIndex)}`).toBe(filtered);
    const original = JSON.parse(triple.manifest) as { manifests: { digest: string }[] };
    expect(JSON.parse(filteredIndex.toString("utf8"))).toEqual({ ...original, manifests: original.manifests.filter((entry) => entry.digest !== s390x!.digest) });
    expect(entries.sort()).toEqual([filtered, ...blobsOf(amd64!), ...blobsOf(arm64!)].sort());
    for (const digest of [triple.digest, ...blobsOf(s390x!)]) expect(entries, `${digest} left out`).not.toContain(digest);

    // skopeo copies the new index and both platforms with identical digests.
    const env = skopeoEnvironment(home);
    const creds = `${VENDOR.username}:${VENDOR.password}`;
    const ref = `${world.proxyHost}/${name("vendor/multi")}:3.0`;
    await run("skopeo", ["copy", "--quiet", "--all", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", creds, `oci-archive:${archive}:${ref}`, `docker://${destination.hostname}/mirror/multi:3.0`], { env });
    const copied = await run("skopeo", ["inspect", "--raw", "--tls-verify=false", "--creds", creds, `docker://${destination.hostname}/mirror/multi:3.0`], { env, encoding: "buffer" });
    expect(`sha256:${sha256(copied.stdout)}`).toBe(filtered);
    for (const platform of [amd64!, arm64!]) {
      const { stdout } = await run("skopeo", ["inspect", "--raw", "--tls-verify=false", "--creds", creds, `docker://${destination.hostname}/mirror/multi@${platform.digest}`], { env, encoding: "buffer" });
      expect(`sha256:${sha256(stdout)}`).toBe(platform.digest);
    }
    // ctr imports it with the page's command.
    const containerd = await startContainerd();
    try {
      await containerd.ctr(CTR_IMPORT_ARGS, { cwd: directory });
      expect(await ctrImages(containerd)).toEqual(new Map([[ref, filtered]]));
    } finally {
      await containerd.stop();
    }

    // One platform: that platform's own manifest, its digest the registry's.
    const one = await download(`/customer/airgap.tar?${airGapQuery([{ name: name("vendor/multi"), tag: "3.0", digest: triple.digest }], ["linux/s390x"])}`, cookie);
    fs.writeFileSync(archive, new Uint8Array(await one.arrayBuffer()));
    expect((JSON.parse((await run("tar", ["-xOf", archive, "index.json"])).stdout) as { manifests: { digest: string }[] }).manifests.map((entry) => entry.digest)).toEqual([s390x!.digest]);
  }, 180_000);

  it("names the platforms field when a platform is malformed, and says which platforms an image has when none chosen matches", async () => {
    const { cookie, name, customer } = await customerWithSession();
    const image = [{ name: name("vendor/multi"), tag: "3.0", digest: triple.digest }];
    const malformed = await download(`/customer/airgap.tar?${airGapQuery(image, ["linux"])}`, cookie);
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { message: string } }).error.message).toBe('Platforms: "linux" is not a platform; write os/architecture or os/architecture/variant, such as linux/amd64 or linux/arm64/v8.');
    const absent = await download(`/customer/airgap.tar?${airGapQuery(image, ["windows/amd64"])}`, cookie);
    expect(absent.status).toBe(404);
    expect(((await absent.json()) as { error: { message: string } }).error.message).toContain("has no image for windows/amd64; it has linux/amd64, linux/arm64/v8, linux/s390x.");
    const row = await prisma.customer.findUniqueOrThrow({ where: { id: customer.id }, select: { id: true, teamId: true, licenseHash: true } });
    const prepared = await prepareAirGapDownload(row, ZAirGapSelection.parse({ images: [`${image[0]!.name}:3.0@${triple.digest}`], platforms: ["linux/arm64", "linux/amd64", "linux/arm64"] }));
    expect(new URL(prepared.url).searchParams.getAll("platform")).toEqual(["linux/amd64", "linux/arm64"]);
    expect(prepared.images).toEqual([{ ref: `${world.proxyHost}/${image[0]!.name}:3.0`, digest: expect.stringMatching(/^sha256:[a-f0-9]{64}$/), sourceIndex: triple.digest }]);
    expect(prepared.images[0]!.digest).not.toBe(triple.digest);
  });

  it("logs each blob an archive carried as an air-gap blob pull, apart from the proxy's blob pulls: whole (200), or in part for a resumed range (206)", async () => {
    const { vendor, registry, customer, cookie, name } = await customerWithSession();
    const url = `/customer/airgap.tar?${airGapQuery([
      { name: name("vendor/app"), tag: "1.0", digest: single.digest },
      { name: name("vendor/agent"), tag: "2.1", digest: multi.digest },
    ])}`;
    const whole = new Uint8Array(await (await download(url, cookie)).arrayBuffer());
    await flushAccessLog();
    const blobEvents = () => prisma.pullEvent.findMany({ where: { teamId: vendor.team.id, customerId: customer.id, action: "airgap_blob" }, orderBy: { id: "asc" }, select: { id: true, registryId: true, repository: true, reference: true, digest: true, status: true, bytes: true } });
    const events = await blobEvents();
    const sizes = new Map<string, number>();
    for (const image of [single, ...multi.manifests!]) {
      const manifest = JSON.parse(image.manifest) as { config: { digest: string; size: number }; layers: { digest: string; size: number }[] };
      for (const blob of [manifest.config, ...manifest.layers]) sizes.set(blob.digest, blob.size);
    }
    const expected = [
      ...[single.configDigest!, ...single.layerDigests].map((digest) => ({ repository: name("vendor/app"), reference: "1.0", digest })),
      ...multi.manifests!.flatMap((image) => [image.configDigest!, ...image.layerDigests]).map((digest) => ({ repository: name("vendor/agent"), reference: "2.1", digest })),
    ];
    expect(events.map(({ repository, reference, digest }) => ({ repository, reference, digest }))).toEqual(expected);
    for (const event of events) {
      expect(event).toMatchObject({ registryId: registry.id, status: 200, bytes: BigInt(sizes.get(event.digest!)!) });
    }
    // The vendor's pull activity tells them apart from the proxy's own blob pulls.
    const activity = await listPullEvents(vendor.team.id, vendor.application.id, ZPullActivityFilters.parse({ action: "airgap_blob", customer: customer.id }));
    expect(activity.total).toBe(expected.length);
    expect((await listPullEvents(vendor.team.id, vendor.application.id, ZPullActivityFilters.parse({ action: "blob", customer: customer.id }))).total).toBe(0);

    // A range beginning inside the agent's first blob: that blob in part, the rest whole.
    const agentBlobs = expected.filter((blob) => blob.repository === name("vendor/agent"));
    // A tar header starts with the entry's name; the blob's bytes follow the 512-byte header.
    const header = Buffer.from(whole).indexOf(Buffer.from(`blobs/sha256/${agentBlobs[0]!.digest.slice(7)}\0`));
    const rangeStart = header + 512 + 3;
    const ranged = await download(url, cookie, { range: `bytes=${rangeStart}-` });
    expect(ranged.status).toBe(206);
    await ranged.arrayBuffer();
    await flushAccessLog();
    const afterRange = (await blobEvents()).slice(events.length);
    expect(afterRange.map(({ digest, status, bytes }) => ({ digest, status, bytes: Number(bytes) }))).toEqual(
      agentBlobs.map((blob, index) => ({ digest: blob.digest, status: index === 0 ? 206 : 200, bytes: sizes.get(blob.digest)! - (index === 0 ? 3 : 0) })),
    );
  });

  it("logs the blob a client left in the middle of as cut off (499)", async () => {
    const { vendor, customer, cookie, name } = await iamCustomerWithSession();
    const image = world.aws.pushSyntheticImage({ accountId: ACCOUNT.accountId, region: REGION, repository: "leave/app", tag: "1", layerSizes: [32 * 1024 * 1024] });
    const controller = new AbortController();
    const response = await download(`/customer/airgap.tar?${airGapQuery([{ name: name("leave/app"), tag: "1", digest: image.digest }])}`, cookie, {}, controller.signal);
    // Well into the 32 MiB layer, then gone.
    const reader = response.body!.getReader();
    for (let received = 0; received < 2 * 1024 * 1024; ) received += (await reader.read()).value?.length ?? 0;
    controller.abort();
    const events = await eventually(
      async () => {
        await flushAccessLog();
        return prisma.pullEvent.findMany({ where: { teamId: vendor.team.id, customerId: customer.id }, orderBy: { id: "asc" }, select: { action: true, digest: true, status: true, bytes: true } });
      },
      (rows) => rows.some((row) => row.action === "airgap") && rows.some((row) => row.action === "airgap_blob" && row.digest === image.layerDigests[0]),
      "the download and its layer logged",
    );
    const layer = events.find((event) => event.action === "airgap_blob" && event.digest === image.layerDigests[0]);
    expect(layer).toMatchObject({ status: 499 });
    expect(Number(layer!.bytes)).toBeGreaterThan(0);
    expect(Number(layer!.bytes)).toBeLessThan(32 * 1024 * 1024);
    expect(events.find((event) => event.action === "airgap")).toMatchObject({ status: 499 });
  }, 120_000);

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
