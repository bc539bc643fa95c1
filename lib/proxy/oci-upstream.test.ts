// The proxy with an upstream that is not ECR: the CNCF distribution registry
// (tools/reference-registry) behind a generic ("any OCI registry") provider,
// in token mode and with htpasswd. skopeo pulls through the proxy with a
// license; the proxy logs in upstream with the vendor's stored credentials
// through lib/registry-auth, one pull-scoped token per repository.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { clearUpstreamLogins } from "@/lib/proxy/upstream-credentials";
import { ZCreateRegistryInput } from "@/lib/registries/schema";
import { createRegistry } from "@/lib/registries/service";
import { testRegistry } from "@/lib/registry-test/service";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { newCustomer, newVendorTeam, startProxyWorld, type ProxyWorld } from "@/test/support/proxy-world";
import { pushImage, startReferenceRegistry, type ReferenceRegistry } from "@/tools/reference-registry";
import { startAzureStandIn, type AzureStandIn } from "@/tools/registry-standins";

const run = promisify(execFile);
const TOKEN_HOST = "token-registry.example.test";
const BASIC_HOST = "basic-registry.example.test";
const PORTED_HOST = "ported-registry.example.test:5443";
const VENDOR = { username: "vendor", password: "vendor-password-1" };
const READER = { username: "reader", password: "reader-password-1" };

let world: ProxyWorld;
let tokenRegistry: ReferenceRegistry;
let basicRegistry: ReferenceRegistry;
let azure: AzureStandIn;
const AZURE_PRINCIPAL = { tenantId: "7f3c2a10-58d1-4c9e-9b7a-1d2e3f4a5b6c", clientId: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", clientSecret: "proxy~AzureClientSecret.0000000000000001" };
let home: string;
let pushed: Awaited<ReturnType<typeof pushImage>>;
let pushedBasic: Awaited<ReturnType<typeof pushImage>>;

beforeAll(async () => {
  await useIsolatedDatabase("proxy_oci_upstream");
  world = await startProxyWorld();
  tokenRegistry = await startReferenceRegistry({ auth: "token", users: [VENDOR, { ...READER, access: [{ repository: "vendor/*", actions: ["pull"] }] }] });
  basicRegistry = await startReferenceRegistry({ auth: "htpasswd", users: [VENDOR] });
  pushed = await pushImage(tokenRegistry, "vendor/app", "1.0", VENDOR, { layers: 3 });
  await pushImage(tokenRegistry, "other/app", "1.0", VENDOR, { layers: 1 });
  pushedBasic = await pushImage(basicRegistry, "vendor/tool", "2.0", VENDOR, { layers: 2 });
  azure = await startAzureStandIn({ registryName: "acmevendor", applications: [{ tenantId: AZURE_PRINCIPAL.tenantId, clientId: AZURE_PRINCIPAL.clientId, secrets: [{ value: AZURE_PRINCIPAL.clientSecret }], acrPull: true }] });
  await azure.push("acme/app", "1.0");
  await azure.push("acme/tool", "1.0");
  Object.assign(process.env, {
    REGISTRY_ENDPOINT_OVERRIDES: `${TOKEN_HOST}=${tokenRegistry.baseUrl},${BASIC_HOST}=${basicRegistry.baseUrl},${PORTED_HOST}=${basicRegistry.baseUrl},${azure.hostname}=${azure.url},${process.env.REGISTRY_ENDPOINT_OVERRIDES}`,
    AUTH_ENDPOINT_OVERRIDES: `auth.example.test=${new URL(tokenRegistry.tokenIssuer!.realm).origin},login.microsoftonline.com=${azure.url}`,
  });
  resetEnvCache();
  clearUpstreamLogins();
  home = fs.mkdtempSync(path.join(os.tmpdir(), "proxy-oci-skopeo-"));
});

afterAll(async () => {
  await world?.close();
  await tokenRegistry?.stop();
  await basicRegistry?.stop();
  await azure?.close();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

function skopeo(args: string[]) {
  return run("skopeo", args, { env: { NODE_ENV: "test", PATH: process.env.PATH, HOME: home }, maxBuffer: 16 * 1024 * 1024 });
}

async function vendorWithRegistry(hostname: string, credentials: { username: string; password: string }) {
  const vendor = await newVendorTeam();
  const registry = await createRegistry(vendor.team.id, vendor.actor, ZCreateRegistryInput.parse({ provider: "generic", name: "", hostname, authType: "basic", ...credentials, accessKeyId: "", secretAccessKey: "", roleArn: "", allApplications: true, applicationIds: [] }));
  const { licenseId } = await newCustomer(vendor);
  return { vendor, registry, licenseId };
}

function expectBlobsMatchTheirNames(directory: string, digests: string[]) {
  for (const digest of digests) {
    const file = path.join(directory, digest.slice("sha256:".length));
    expect(fs.existsSync(file), `${digest} copied`).toBe(true);
    expect(`sha256:${createHash("sha256").update(fs.readFileSync(file)).digest("hex")}`).toBe(digest);
  }
}

describe("the proxy in front of a generic OCI registry", () => {
  it("Tests the registry green, then skopeo copies an image through the proxy from the token-auth upstream", async () => {
    const { vendor, registry, licenseId } = await vendorWithRegistry(TOKEN_HOST, READER);
    const test = await testRegistry(vendor.team, vendor.actor, registry.id, { image: "vendor/app:1.0" });
    expect(test.result.verdict, JSON.stringify(test.result.steps)).toBe("verified");

    const before = tokenRegistry.tokenIssuer!.requests.filter((request) => request.username === "reader" && request.scopes.includes("repository:vendor/app:pull")).length;
    const target = path.join(home, "token");
    const reference = `docker://${world.proxyHost}/proxy/${vendor.application.slug}/${TOKEN_HOST}/vendor/app:1.0`;
    await skopeo(["copy", "--src-tls-verify=false", "--src-creds", `${licenseId}:${licenseId}`, reference, `dir:${target}`]);
    expect(fs.readFileSync(path.join(target, "manifest.json"), "utf8")).toBe(pushed.manifest);
    expectBlobsMatchTheirNames(target, [pushed.configDigest!, ...pushed.layerDigests]);
    // One pull-scoped token served the manifest and every blob.
    const after = tokenRegistry.tokenIssuer!.requests.filter((request) => request.username === "reader" && request.scopes.includes("repository:vendor/app:pull")).length;
    expect(after - before).toBe(1);
  });

  it("copies from an htpasswd (Basic) upstream", async () => {
    const { vendor, licenseId } = await vendorWithRegistry(BASIC_HOST, VENDOR);
    const target = path.join(home, "basic");
    await skopeo(["copy", "--src-tls-verify=false", "--src-creds", `${licenseId}:${licenseId}`, `docker://${world.proxyHost}/proxy/${vendor.application.slug}/${BASIC_HOST}/vendor/tool:2.0`, `dir:${target}`]);
    expectBlobsMatchTheirNames(target, [pushedBasic.configDigest!, ...pushedBasic.layerDigests]);
  });

  it("copies from a registry on another port, named <hostname>_<port> in the proxied image name", async () => {
    const { vendor, licenseId } = await vendorWithRegistry(PORTED_HOST, VENDOR);
    const target = path.join(home, "ported");
    await skopeo(["copy", "--src-tls-verify=false", "--src-creds", `${licenseId}:${licenseId}`, `docker://${world.proxyHost}/proxy/${vendor.application.slug}/ported-registry.example.test_5443/vendor/tool:2.0`, `dir:${target}`]);
    expectBlobsMatchTheirNames(target, [pushedBasic.configDigest!, ...pushedBasic.layerDigests]);
  });

  it("makes the Azure exchange (Entra ID, then ACR's refresh token) once for the pulls of several repositories", async () => {
    const vendor = await newVendorTeam();
    await createRegistry(vendor.team.id, vendor.actor, ZCreateRegistryInput.parse({ provider: "azure", name: "", hostname: azure.hostname, authType: "service_principal", ...AZURE_PRINCIPAL, accessKeyId: "", secretAccessKey: "", roleArn: "", allApplications: true, applicationIds: [] }));
    const { licenseId } = await newCustomer(vendor);
    const count = (pattern: RegExp) => azure.requests.filter((request) => pattern.test(request.path)).length;
    const [entraBefore, exchangeBefore, tokensBefore] = [count(/\/oauth2\/v2\.0\/token$/), count(/^\/oauth2\/exchange$/), count(/^\/oauth2\/token$/)];
    await Promise.all(
      ["acme/app", "acme/tool", "acme/app"].map((repository) =>
        skopeo(["inspect", "--tls-verify=false", "--no-tags", "--creds", `${licenseId}:${licenseId}`, `docker://${world.proxyHost}/proxy/${vendor.application.slug}/${azure.hostname}/${repository}:1.0`]),
      ),
    );
    expect(count(/\/oauth2\/v2\.0\/token$/) - entraBefore).toBe(1);
    expect(count(/^\/oauth2\/exchange$/) - exchangeBefore).toBe(1);
    // One pull-scoped token per repository.
    expect(count(/^\/oauth2\/token$/) - tokensBefore).toBe(2);
  });

  it("refuses, with DENIED, a repository the vendor's credential may not pull", async () => {
    const { vendor, licenseId } = await vendorWithRegistry(TOKEN_HOST, READER);
    const failure = await skopeo(["inspect", "--tls-verify=false", "--no-tags", "--creds", `${licenseId}:${licenseId}`, `docker://${world.proxyHost}/proxy/${vendor.application.slug}/${TOKEN_HOST}/other/app:1.0`]).then(
      () => undefined,
      (error: { stderr: string }) => error.stderr,
    );
    expect(failure).toMatch(/denied|refused/i);
  });
});
