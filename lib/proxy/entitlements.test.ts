// Entitlements on the pull path over real HTTP: the proxy's handler in front
// of Debian's docker-registry (the CNCF reference registry, htpasswd) behind
// a generic-OCI registry of the vendor, the real embedded Postgres, and the
// rules and channels set through the portal's own services.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ZCreateChannelInput, ZUpdateChannelInput, ZUpdateEntitlementsInput } from "@/lib/entitlements/schema";
import { createChannel, updateChannel, updateCustomerEntitlements } from "@/lib/entitlements/service";
import { prisma } from "@/lib/db";
import { forgetReach } from "@/lib/entitlements/reach";
import { resetProxyLimits } from "@/lib/proxy/handler";
import { clearUpstreamLogins } from "@/lib/proxy/upstream-credentials";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { basic, newCustomer, newVendorTeam, startProxyWorld, type ProxyWorld } from "@/test/support/proxy-world";
import { startReferenceUpstream, upstreamRegistry, type ReferenceUpstream } from "@/test/support/reference-upstream";

let world: ProxyWorld;
let upstream: ReferenceUpstream;
let images: ReferenceUpstream["images"];

beforeAll(async () => {
  await useIsolatedDatabase("proxy_entitlements");
  world = await startProxyWorld();
  upstream = await startReferenceUpstream("entitled-registry.example.test", [
    ["vendor/enterprise-api", "1.0"],
    ["vendor/enterprise-api", "1.2"],
    ["vendor/enterprise-api", "2.0"],
    ["vendor/enterprise-api", "stable"],
    ["vendor/community-api", "1.0"],
    ["vendor/base", "latest"],
  ]);
  images = upstream.images;
}, 240_000);

afterAll(async () => {
  await world?.close();
  await upstream?.stop();
});

beforeEach(() => {
  clearUpstreamLogins();
  resetProxyLimits();
  forgetReach();
});

async function vendorWithCustomer() {
  const vendor = await newVendorTeam();
  const registry = await upstreamRegistry(vendor, upstream);
  const { customer, licenseId } = await newCustomer(vendor);
  const name = (repository: string) => upstream.proxyName(vendor.application.slug, repository);
  const restrict = (rules: { repository: string; tags?: string[] }[], channelIds: string[] = []) =>
    updateCustomerEntitlements(vendor.team.id, vendor.actor, ZUpdateEntitlementsInput.parse({ customerId: customer.id, allImages: false, rules: rules.map((rule) => ({ registryId: registry.id, ...rule })), channelIds }));
  return { vendor, registry, customer, licenseId, name, restrict };
}

function get(path: string, auth: string, method = "GET") {
  return fetch(`${world.proxyUrl}${path}`, { method, headers: { authorization: auth, accept: "application/vnd.oci.image.manifest.v1+json" }, redirect: "manual" });
}

async function denial(response: Response): Promise<string> {
  expect(response.status).toBe(403);
  const body = (await response.json()) as { errors: { code: string; message: string }[] };
  expect(body.errors[0]!.code).toBe("DENIED");
  return body.errors[0]!.message;
}

async function tokenFor(licenseId: string, names: string[]): Promise<{ auth: string; granted: string[] }> {
  const scopes = names.map((name) => `scope=${encodeURIComponent(`repository:${name}:pull`)}`).join("&");
  const response = await fetch(`${world.proxyUrl}/v2/token?service=${world.proxyHost}&${scopes}`, { headers: { authorization: basic(licenseId) } });
  expect(response.status).toBe(200);
  const { token } = (await response.json()) as { token: string };
  const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as { access: { name: string }[] };
  return { auth: `Bearer ${token}`, granted: claims.access.map((entry) => entry.name) };
}

describe("entitlement rules on the pull path", () => {
  it("allows the manifests, tags and blobs a glob and tag patterns allow, and refuses the rest naming only what the license allows", async () => {
    const { licenseId, name, restrict } = await vendorWithCustomer();
    await restrict([{ repository: "vendor/enterprise-*", tags: ["1.*", "stable"] }]);
    const auth = basic(licenseId);
    const api = name("vendor/enterprise-api");

    const allowed = await get(`/v2/${api}/manifests/1.2`, auth);
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toBe(images["vendor/enterprise-api:1.2"]!.manifest);
    expect((await get(`/v2/${api}/manifests/stable`, auth, "HEAD")).status).toBe(200);

    const wrongTag = await denial(await get(`/v2/${api}/manifests/2.0`, auth));
    expect(wrongTag).toContain("1.*, stable");
    expect(wrongTag).toContain('"2.0"');

    const otherRepository = await denial(await get(`/v2/${name("vendor/community-api")}/manifests/1.0`, auth));
    expect(otherRepository).toContain(`${name("vendor/enterprise-*")} (tags 1.*, stable)`);
    // Nothing about what else the vendor has.
    expect(otherRepository).not.toContain("vendor/base");

    // Blobs of the allowed manifest, reached through it; a blob of a refused tag is refused.
    const reached = images["vendor/enterprise-api:1.2"]!;
    for (const digest of [reached.configDigest!, ...reached.layerDigests]) expect((await get(`/v2/${api}/blobs/${digest}`, auth)).status).toBe(200);
    const refused = images["vendor/enterprise-api:2.0"]!;
    await denial(await get(`/v2/${api}/blobs/${refused.layerDigests[0]}`, auth));
    // By digest: the reached manifest yes, the refused tag's no.
    expect((await get(`/v2/${api}/manifests/${reached.digest}`, auth)).status).toBe(200);
    await denial(await get(`/v2/${api}/manifests/${refused.digest}`, auth));
  });

  it("filters tag lists to the license's tag patterns", async () => {
    const { licenseId, name, restrict } = await vendorWithCustomer();
    await restrict([{ repository: "vendor/enterprise-api", tags: ["1.*", "stable"] }, { repository: "vendor/base" }]);
    const tags = async (repository: string) => ((await (await get(`/v2/${name(repository)}/tags/list`, basic(licenseId))).json()) as { tags: string[] }).tags.sort();
    expect(await tags("vendor/enterprise-api")).toEqual(["1.0", "1.2", "stable"]);
    expect(await tags("vendor/base")).toEqual(["latest"]);
    await denial(await get(`/v2/${name("vendor/community-api")}/tags/list`, basic(licenseId)));
  });

  it("refuses a blob of a refused repository even with a valid token for another repository", async () => {
    const { licenseId, name, restrict } = await vendorWithCustomer();
    await restrict([{ repository: "vendor/base" }]);
    const community = name("vendor/community-api");
    const { auth, granted } = await tokenFor(licenseId, [name("vendor/base"), community]);
    // The token endpoint grants only what the entitlements cover.
    expect(granted).toEqual([name("vendor/base")]);
    expect((await get(`/v2/${name("vendor/base")}/blobs/${images["vendor/base:latest"]!.layerDigests[0]}`, auth)).status).toBe(200);
    const blob = images["vendor/community-api:1.0"]!.layerDigests[0]!;
    expect((await get(`/v2/${community}/blobs/${blob}`, auth)).status).toBe(403);
    // Basic credentials, which carry no scope, are refused by the entitlements themselves.
    await denial(await get(`/v2/${community}/blobs/${blob}`, basic(licenseId)));
  });

  it("applies a changed rule, and a changed channel, within 2 seconds", async () => {
    const { vendor, registry, licenseId, name, restrict } = await vendorWithCustomer();
    const auth = basic(licenseId);
    const community = `/v2/${name("vendor/community-api")}/manifests/1.0`;
    expect((await get(community, auth, "HEAD")).status).toBe(200);

    // A request sent more than 2 s after the change must see it. (Timed by when each request was
    // sent, not answered, so a slow answer on a loaded machine is not taken for a stale rule.)
    const waitFor = async (status: number) => {
      const changed = Date.now();
      for (;;) {
        const sent = Date.now();
        if ((await get(community, auth, "HEAD")).status === status) return sent - changed;
        expect(sent - changed, `a request sent ${sent - changed} ms after the change still saw the old rule`).toBeLessThan(2_000);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    await restrict([{ repository: "vendor/base" }]);
    expect(await waitFor(403)).toBeLessThan(2_000);

    const channel = await createChannel(vendor.team.id, vendor.actor, ZCreateChannelInput.parse({ applicationId: vendor.application.id, name: "Stable", rules: [{ registryId: registry.id, repository: "vendor/base" }] }));
    await restrict([], [channel.id]);
    await updateChannel(vendor.team.id, vendor.actor, ZUpdateChannelInput.parse({ channelId: channel.id, name: "Stable", rules: [{ registryId: registry.id, repository: "vendor/community-*", tags: ["1.*"] }] }));
    expect(await waitFor(200)).toBeLessThan(2_000);
    const message = await denial(await get(`/v2/${name("vendor/base")}/manifests/latest`, auth));
    expect(message).toContain("channel Stable");
  });

  it("records each change in the audit log, and refuses a rule naming another team's registry", async () => {
    const { vendor, customer, restrict } = await vendorWithCustomer();
    await restrict([{ repository: "vendor/base" }]);
    const events = await prisma.auditEvent.findMany({ where: { teamId: vendor.team.id, action: "customer.entitlements_updated" }, select: { targetId: true, metadata: true } });
    expect(events).toEqual([{ targetId: customer.id, metadata: { customer: customer.name, allImages: false, rules: 1, channels: [] } }]);

    const other = await vendorWithCustomer();
    await expect(
      updateCustomerEntitlements(vendor.team.id, vendor.actor, ZUpdateEntitlementsInput.parse({ customerId: customer.id, allImages: false, rules: [{ registryId: other.registry.id, repository: "vendor/base" }], channelIds: [] })),
    ).rejects.toMatchObject({ code: "invalid_input", fieldErrors: { "rules.0.registryId": expect.any(String) } });
    await expect(
      updateCustomerEntitlements(other.vendor.team.id, other.vendor.actor, ZUpdateEntitlementsInput.parse({ customerId: customer.id, allImages: true, rules: [], channelIds: [] })),
    ).rejects.toMatchObject({ code: "not_found" });
  });
});
