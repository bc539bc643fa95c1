// The proxy in front of a keyless Google registry: the vendor applies the
// setup the page shows (gcloud commands, parsed and applied to the Google
// stand-in), the Test passes (its negative check recorded), and skopeo copies
// an image through the proxy with a license, every blob checked against its
// digest; the proxy exchanges the portal's token at Google STS once for all
// of it. A federation that admits every team is reported unsafe by the Test
// and refused by the proxy (DENIED), as is one never tested.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { clearUpstreamLogins } from "@/lib/proxy/upstream-credentials";
import { PROVIDERS } from "@/lib/registries/providers";
import { ZCreateRegistryInput } from "@/lib/registries/schema";
import { createRegistry } from "@/lib/registries/service";
import { testRegistry } from "@/lib/registry-test/service";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { newCustomer, newVendorTeam, startProxyWorld, type ProxyWorld } from "@/test/support/proxy-world";
import { applyGcloudScript, googleApiEndpoints } from "@/tools/registry-standins/gcloud";
import { startGoogleStandIn } from "@/tools/registry-standins/google";
import { GoogleFederation } from "@/tools/registry-standins/google-federation";
import type { PushedImage } from "@/tools/reference-registry/push-image";
import type { StandIn } from "@/tools/registry-standins/stand-in";

const run = promisify(execFile);
const HOST = "europe-west1-docker.pkg.dev";
const PROJECT_NUMBER = "987654321098";
const IMAGE = "acme-prod/images/app";

let world: ProxyWorld;
let federation: GoogleFederation;
let gar: StandIn & { hostname: string };
let pushed: PushedImage;
let home: string;
let unique = 0;

beforeAll(async () => {
  await useIsolatedDatabase("proxy_google_keyless");
  world = await startProxyWorld();
  federation = new GoogleFederation("acme-prod", PROJECT_NUMBER);
  gar = await startGoogleStandIn({ hostname: HOST, federation });
  pushed = await gar.push(IMAGE, "1.0", { layers: 3 });
  Object.assign(process.env, {
    REGISTRY_ENDPOINT_OVERRIDES: `${HOST}=${gar.url},${process.env.REGISTRY_ENDPOINT_OVERRIDES}`,
    AUTH_ENDPOINT_OVERRIDES: `sts.googleapis.com=${gar.url},iamcredentials.googleapis.com=${gar.url}`,
  });
  resetEnvCache();
  clearUpstreamLogins();
  home = fs.mkdtempSync(path.join(os.tmpdir(), "proxy-google-skopeo-"));
});

afterAll(async () => {
  await world?.close();
  await gar?.close();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

function skopeo(args: string[]) {
  return run("skopeo", args, { env: { NODE_ENV: "test", PATH: process.env.PATH, HOME: home }, maxBuffer: 16 * 1024 * 1024 });
}

/** A vendor with a keyless Google registry, the page's setup applied (optionally altered), and a customer. */
async function keylessVendor(alter: (commands: string[]) => string[] = (commands) => commands) {
  const vendor = await newVendorTeam();
  unique += 1;
  const settings = { projectNumber: PROJECT_NUMBER, poolId: `proxy-pool-${unique}`, providerId: `proxy-oidc-${unique}`, serviceAccount: "" };
  const registry = await createRegistry(
    vendor.team.id,
    vendor.actor,
    ZCreateRegistryInput.parse({ provider: "google", name: "", hostname: HOST, authType: "federated", ...settings, allApplications: true, applicationIds: [] }),
  );
  const guide = PROVIDERS.google.federation!.setupGuide({ issuerUrl: world.issuer.url, subject: vendor.team.publicId, hostname: HOST, settings, repository: IMAGE, localEndpoints: {} });
  const commands = guide.steps.filter((step) => !step.title.startsWith("If Google cannot reach")).map((step) => step.command!);
  await applyGcloudScript(alter(commands).join("\n"), { endpoints: googleApiEndpoints(gar.url) });
  const { licenseId } = await newCustomer(vendor);
  return { vendor, registry, licenseId, settings };
}

function expectBlobsMatchTheirNames(directory: string, digests: string[]) {
  for (const digest of digests) {
    const file = path.join(directory, digest.slice("sha256:".length));
    expect(fs.existsSync(file), `${digest} copied`).toBe(true);
    expect(`sha256:${createHash("sha256").update(fs.readFileSync(file)).digest("hex")}`).toBe(digest);
  }
}

const reference = (appSlug: string) => `docker://${world.proxyHost}/proxy/${appSlug}/${HOST}/${IMAGE}:1.0`;

describe("the proxy in front of a keyless Google registry", () => {
  it("copies an image with skopeo after a green Test, exchanging the portal's token at Google STS once", async () => {
    const { vendor, registry, licenseId } = await keylessVendor();
    const test = await testRegistry(vendor.team, vendor.actor, registry.id, { image: `${IMAGE}:1.0` });
    expect(test.result.verdict, JSON.stringify(test.result.steps)).toBe("verified");

    const exchangesBefore = federation.exchanges.filter((exchange) => exchange.subject === vendor.team.publicId && exchange.error === null).length;
    const target = path.join(home, "google");
    await skopeo(["copy", "--src-tls-verify=false", "--src-creds", `${licenseId}:${licenseId}`, reference(vendor.application.slug), `dir:${target}`]);
    expect(fs.readFileSync(path.join(target, "manifest.json"), "utf8")).toBe(pushed.manifest);
    expectBlobsMatchTheirNames(target, [pushed.configDigest!, ...pushed.layerDigests]);
    const { stdout } = await skopeo(["inspect", "--tls-verify=false", "--no-tags", "--creds", `${licenseId}:${licenseId}`, reference(vendor.application.slug)]);
    expect((JSON.parse(stdout) as { Digest: string }).Digest).toBe(pushed.digest);
    // The manifest, every blob and the second pull shared one exchange.
    expect(federation.exchanges.filter((exchange) => exchange.subject === vendor.team.publicId && exchange.error === null).length - exchangesBefore).toBe(1);
  });

  it("refuses (DENIED) a federation the Test found unsafe: no attribute condition and the repository granted to the whole pool", async () => {
    const { vendor, registry, licenseId, settings } = await keylessVendor(([pool, provider, grant]) => [
      pool!,
      provider!.replace(/ \\\n\s*--attribute-condition="[^"]*"/, ""),
      grant!.replace(/--member="[^"]*"/, `--member="principalSet://iam.googleapis.com/projects/${PROJECT_NUMBER}/locations/global/workloadIdentityPools/proxy-pool-${unique}/*"`),
    ]);
    expect(federation.provider(settings.poolId, settings.providerId).attributeCondition).toBeNull();
    const test = await testRegistry(vendor.team, vendor.actor, registry.id, { image: `${IMAGE}:1.0` });
    expect(test.result.verdict).toBe("unsafe");
    const failure = await skopeo(["inspect", "--tls-verify=false", "--no-tags", "--creds", `${licenseId}:${licenseId}`, reference(vendor.application.slug)]).then(
      () => "pulled",
      (error: { stderr: string }) => error.stderr,
    );
    expect(failure).toMatch(/denied/i);
    expect(failure).toMatch(/not cleared/i);
  });

  it("refuses (DENIED) a keyless registry whose negative check never ran", async () => {
    const { vendor, licenseId } = await keylessVendor();
    const failure = await skopeo(["inspect", "--tls-verify=false", "--no-tags", "--creds", `${licenseId}:${licenseId}`, reference(vendor.application.slug)]).then(
      () => "pulled",
      (error: { stderr: string }) => error.stderr,
    );
    expect(failure).toMatch(/not cleared/i);
  });
});
