// skopeo, a real registry client, pulling through the proxy with a license
// as its credentials: inspect, and copy of a multi-layer image and of a
// multi-platform index that the test pushed into the local AWS, every copied
// blob checked against its digest.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
import { PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flushAccessLog } from "@/lib/proxy/access-log";
import { prisma } from "@/lib/db";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { ACCOUNT, iamRegistry, newCustomer, newVendorTeam, proxyName, REGION, startProxyWorld, type ProxyWorld } from "@/test/support/proxy-world";

const run = promisify(execFile);
let world: ProxyWorld;
let home: string;

beforeAll(async () => {
  await useIsolatedDatabase("proxy_real_clients");
  world = await startProxyWorld();
  home = fs.mkdtempSync(path.join(os.tmpdir(), "proxy-skopeo-"));
});

afterAll(async () => {
  await world?.close();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

/** skopeo with nothing of the machine's registry configuration. */
function skopeo(args: string[]) {
  return run("skopeo", args, { env: { NODE_ENV: "test", PATH: process.env.PATH, HOME: home }, maxBuffer: 16 * 1024 * 1024 });
}

async function vendorWithCustomer() {
  const vendor = await newVendorTeam();
  const { roleName } = await iamRegistry(world, vendor);
  // skopeo inspect lists tags, which ECR allows with ecr:ListImages.
  await world.vendor.iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: "ListImages", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ecr:ListImages", Resource: "*" }] }) }));
  const { customer, licenseId } = await newCustomer(vendor);
  return { vendor, customer, licenseId };
}

function expectBlobsMatchTheirNames(directory: string, digests: string[]) {
  for (const digest of digests) {
    const file = path.join(directory, digest.slice("sha256:".length));
    expect(fs.existsSync(file), `${digest} copied`).toBe(true);
    expect(`sha256:${createHash("sha256").update(fs.readFileSync(file)).digest("hex")}`).toBe(digest);
  }
}

describe("skopeo through the proxy", () => {
  it("inspects and copies a multi-layer image with the license as credentials", async () => {
    const { vendor, customer, licenseId } = await vendorWithCustomer();
    const image = world.aws.pushFixtureImage({
      accountId: ACCOUNT.accountId,
      region: REGION,
      repository: "vendor/multi",
      tag: "3.1",
      format: "oci",
      layers: [{ "a.txt": "first layer\n" }, { "b.txt": "second layer\n" }, { "c/d.txt": "third layer\n" }],
    });
    const reference = `docker://${world.proxyHost}/${proxyName(world, vendor.application.slug, "vendor/multi")}:3.1`;
    const credentials = `${licenseId}:${licenseId}`;

    const { stdout } = await skopeo(["inspect", "--tls-verify=false", "--creds", credentials, reference]);
    const inspected = JSON.parse(stdout) as { Digest: string; Layers: string[]; RepoTags: string[]; Os: string };
    expect(inspected.Digest).toBe(image.digest);
    expect(inspected.Layers).toEqual(image.layerDigests);
    expect(inspected.RepoTags).toEqual(["3.1"]);
    expect(inspected.Os).toBe("linux");

    const target = path.join(home, "multi");
    await skopeo(["copy", "--src-tls-verify=false", "--src-creds", credentials, reference, `dir:${target}`]);
    expect(fs.readFileSync(path.join(target, "manifest.json"), "utf8")).toBe(image.manifest);
    expect(image.layerDigests).toHaveLength(3);
    expectBlobsMatchTheirNames(target, [image.configDigest, ...image.layerDigests]);

    await flushAccessLog();
    const blobs = await prisma.pullEvent.count({ where: { customerId: customer.id, action: "blob", status: 200 } });
    expect(blobs).toBeGreaterThanOrEqual(4);
  });

  it("copies every platform of a multi-platform index", async () => {
    const { vendor, licenseId } = await vendorWithCustomer();
    const repository = "vendor/multiarch";
    const amd64 = world.aws.pushFixtureImage({ accountId: ACCOUNT.accountId, region: REGION, repository, tag: "amd64", format: "oci", layers: [{ "arch.txt": "amd64\n" }] });
    const arm64 = world.aws.pushFixtureImage({ accountId: ACCOUNT.accountId, region: REGION, repository, tag: "arm64", format: "oci", layers: [{ "arch.txt": "arm64\n" }] });
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [
        { mediaType: amd64.mediaType, digest: amd64.digest, size: Buffer.byteLength(amd64.manifest), platform: { architecture: "amd64", os: "linux" } },
        { mediaType: arm64.mediaType, digest: arm64.digest, size: Buffer.byteLength(arm64.manifest), platform: { architecture: "arm64", os: "linux" } },
      ],
    });
    // Pushed as a vendor would, over the registry endpoint with an ECR login.
    const { authorizationData } = await world.vendor.ecr(REGION).send(new GetAuthorizationTokenCommand({}));
    const pushed = await fetch(`${world.aws.registryUrl(ACCOUNT.accountId, REGION)}/v2/${repository}/manifests/2.0`, {
      method: "PUT",
      headers: { authorization: `Basic ${authorizationData![0]!.authorizationToken}`, "content-type": "application/vnd.oci.image.index.v1+json" },
      body: index,
    });
    expect(pushed.status).toBe(201);

    const target = path.join(home, "index");
    const reference = `docker://${world.proxyHost}/${proxyName(world, vendor.application.slug, repository)}:2.0`;
    await skopeo(["copy", "--all", "--src-tls-verify=false", "--src-creds", `${licenseId}:${licenseId}`, reference, `dir:${target}`]);
    expect(fs.readFileSync(path.join(target, "manifest.json"), "utf8")).toBe(index);
    expectBlobsMatchTheirNames(target, [amd64.configDigest, ...amd64.layerDigests, arm64.configDigest, ...arm64.layerDigests]);
    for (const image of [amd64, arm64]) {
      const copied = fs.readdirSync(target).find((file) => file.endsWith(".manifest.json") && fs.readFileSync(path.join(target, file), "utf8") === image.manifest);
      expect(copied, `manifest ${image.digest} copied`).toBeDefined();
    }
  });

  it("is refused with the license's reason once the license is revoked", async () => {
    const { vendor, customer, licenseId } = await vendorWithCustomer();
    world.aws.pushFixtureImage({ accountId: ACCOUNT.accountId, region: REGION, repository: "vendor/revoked", tag: "1.0" });
    const { revokeCustomer } = await import("@/lib/customers/service");
    await revokeCustomer(vendor.team.id, vendor.actor, customer.id);
    const failure = await skopeo(["inspect", "--tls-verify=false", "--no-tags", "--creds", `${licenseId}:${licenseId}`, `docker://${world.proxyHost}/${proxyName(world, vendor.application.slug, "vendor/revoked")}:1.0`]).then(
      () => undefined,
      (error: { stderr: string }) => error.stderr,
    );
    expect(failure).toContain("revoked");
  });
});
