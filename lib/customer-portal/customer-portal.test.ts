// The customer's page behind its sign-in: the license as credential
// (throttled per address), a session of its own that ends with the license,
// the images read through the proxy's path with the license's entitlements
// (Debian's docker-registry upstream), and nothing of another customer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { regenerateLicense, revokeCustomer } from "@/lib/customers/service";
import { prisma } from "@/lib/db";
import { ZUpdateEntitlementsInput } from "@/lib/entitlements/schema";
import { updateCustomerEntitlements } from "@/lib/entitlements/service";
import { customerPullHistory, listEntitledImages, signInCustomer } from "@/lib/customer-portal/service";
import { setCustomerPageEnabled } from "@/lib/customer-portal/settings";
import { customerSessionFromToken, signCustomerSession } from "@/lib/customer-portal/session-token";
import { clearCustomerCache } from "@/lib/proxy/auth";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { ACCOUNT, basic, iamRegistry, newCustomer, newVendorTeam, REGION, startProxyWorld, type ProxyWorld } from "@/test/support/proxy-world";
import { startReferenceUpstream, upstreamRegistry, type ReferenceUpstream } from "@/test/support/reference-upstream";
import { flushAccessLog } from "@/lib/proxy/access-log";

let world: ProxyWorld;
let upstream: ReferenceUpstream;
let images: ReferenceUpstream["images"];
let address = 0;
const newAddress = () => `198.51.100.${++address}`;

beforeAll(async () => {
  await useIsolatedDatabase("customer_portal");
  world = await startProxyWorld();
  upstream = await startReferenceUpstream("portal-registry.example.test", [
    ["vendor/app", "1.0"],
    ["vendor/app", "2.0-beta"],
    ["vendor/secret-addon", "1.0"],
  ]);
  images = upstream.images;
}, 240_000);

afterAll(async () => {
  await world?.close();
  await upstream?.stop();
});

async function vendorWithCustomers() {
  const vendor = await newVendorTeam();
  const registry = await upstreamRegistry(vendor, upstream);
  const stable = await newCustomer(vendor);
  const other = await newCustomer(vendor);
  return { vendor, registry, stable, other };
}

describe("signing in to the customer's page", () => {
  it("accepts the license, refuses a wrong one, and throttles an address after 10 failures", async () => {
    const { stable } = await vendorWithCustomers();
    const from = newAddress();
    expect(await signInCustomer(stable.licenseId, from)).toMatchObject({ id: stable.customer.id });
    for (let attempt = 0; attempt < 10; attempt++) await expect(signInCustomer("lic_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", from)).rejects.toMatchObject({ code: "unauthorized" });
    await expect(signInCustomer(stable.licenseId, from)).rejects.toMatchObject({ code: "rate_limited" });
    // Another address is not locked out.
    expect(await signInCustomer(stable.licenseId, newAddress())).toMatchObject({ id: stable.customer.id });
  });

  it("ends the session when the license is regenerated or revoked, or the vendor switches the page off", async () => {
    const { vendor, stable, other } = await vendorWithCustomers();
    const token = await signCustomerSession(await signInCustomer(stable.licenseId, newAddress()));
    const session = await customerSessionFromToken(token);
    expect(session).toMatchObject({ customer: { id: stable.customer.id, state: "active" }, application: { name: vendor.application.name }, vendor: { name: expect.stringMatching(/^Proxy vendor/) } });
    // A tampered cookie is nobody.
    expect(await customerSessionFromToken(`${token.slice(0, -2)}xx`)).toBeNull();

    await setCustomerPageEnabled(vendor.team.id, vendor.actor, { applicationId: vendor.application.id, enabled: false });
    expect(await customerSessionFromToken(token)).toBeNull();
    await expect(signInCustomer(stable.licenseId, newAddress())).rejects.toMatchObject({ code: "forbidden", message: expect.stringMatching(/not opened this page/) });
    await setCustomerPageEnabled(vendor.team.id, vendor.actor, { applicationId: vendor.application.id, enabled: true });
    expect(await customerSessionFromToken(token)).not.toBeNull();
    expect(await prisma.auditEvent.count({ where: { teamId: vendor.team.id, action: "application.customer_page_changed" } })).toBe(2);

    await regenerateLicense(vendor.team.id, vendor.actor, stable.customer.id);
    expect(await customerSessionFromToken(token)).toBeNull();

    const otherToken = await signCustomerSession(await signInCustomer(other.licenseId, newAddress()));
    await revokeCustomer(vendor.team.id, vendor.actor, other.customer.id);
    expect(await customerSessionFromToken(otherToken)).toBeNull();
    await expect(signInCustomer(other.licenseId, newAddress())).rejects.toMatchObject({ code: "forbidden", message: expect.stringMatching(/revoked/) });
  });
});

describe("what the page shows", () => {
  it("lists only the images and tags the license may pull, with digests read through the proxy", async () => {
    const { vendor, registry, stable, other } = await vendorWithCustomers();
    await updateCustomerEntitlements(vendor.team.id, vendor.actor, ZUpdateEntitlementsInput.parse({ customerId: stable.customer.id, allImages: false, rules: [{ registryId: registry.id, repository: "vendor/app", tags: ["1.*"] }], channelIds: [] }));
    clearCustomerCache();
    const name = (repository: string) => upstream.proxyName(vendor.application.slug, repository);
    // Another customer pulled the add-on: its name is known to the application, not to this license.
    await prisma.pullEvent.create({ data: { teamId: vendor.team.id, applicationId: vendor.application.id, customerId: other.customer.id, action: "manifest", method: "GET", repository: name("vendor/secret-addon"), reference: "1.0", status: 200, durationMs: 1 } });

    const listed = await listEntitledImages(vendor.team.id, stable.customer.id);
    expect(listed).toEqual([{ name: name("vendor/app"), tags: [{ tag: "1.0", digest: images["vendor/app:1.0"]!.digest }], moreTags: 0, problem: null }]);
    expect(JSON.stringify(listed)).not.toContain("secret-addon");

    // All images: the application's recently pulled names, every tag.
    const everything = await listEntitledImages(vendor.team.id, other.customer.id);
    expect(everything.map((image) => image.name)).toEqual([name("vendor/secret-addon")]);
  });

  it("falls back to the tags pulled recently when the vendor's credential may pull but not list tags (ECR without ecr:ListImages)", async () => {
    const vendor = await newVendorTeam();
    await iamRegistry(world, vendor);
    const { customer, licenseId } = await newCustomer(vendor);
    const image = world.aws.pushFixtureImage({ accountId: ACCOUNT.accountId, region: REGION, repository: "listless/app", tag: "3.1" });
    const name = `proxy/${vendor.application.slug}/${world.hostname}/listless/app`;
    const pulled = await fetch(`${world.proxyUrl}/v2/${name}/manifests/3.1`, { method: "HEAD", headers: { authorization: basic(licenseId) } });
    expect(pulled.status).toBe(200);
    await flushAccessLog();
    const listed = await listEntitledImages(vendor.team.id, customer.id);
    expect(listed).toEqual([{ name, tags: [{ tag: "3.1", digest: image.digest }], moreTags: 0, problem: null }]);
  });

  it("shows a license only its own pulls", async () => {
    const { vendor, stable, other } = await vendorWithCustomers();
    const event = (customerId: string, reference: string) => ({ teamId: vendor.team.id, applicationId: vendor.application.id, customerId, action: "manifest", method: "GET", repository: "proxy/x/y.example/z", reference, status: 200, durationMs: 1 });
    await prisma.pullEvent.createMany({ data: [event(stable.customer.id, "mine"), event(other.customer.id, "theirs"), { ...event(stable.customer.id, "old"), createdAt: new Date(Date.now() - 31 * 24 * 60 * 60 * 1000) }] });
    const history = await customerPullHistory(vendor.team.id, stable.customer.id);
    expect(history.map((pull) => pull.reference)).toEqual(["mine"]);
    // The customer ID is taken from the session, with its team: another team's ID finds nothing.
    const stranger = await newVendorTeam();
    expect(await customerPullHistory(stranger.team.id, stable.customer.id)).toEqual([]);
    expect(await listEntitledImages(stranger.team.id, stable.customer.id)).toEqual([]);
  });
});
