// customer.pulls_denied from the proxy's real access log: a customer whose
// expired license is refused repeatedly is announced once, after the log's
// batch is written (never on the pull path); a few refusals are not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { DENIED_PULLS_THRESHOLD } from "@/lib/notifications/pulls-denied";
import { flushAccessLog } from "@/lib/proxy/access-log";
import { clearCustomerCache } from "@/lib/proxy/auth";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { ACCOUNT, basic, iamRegistry, newCustomer, newVendorTeam, proxyName, REGION, startProxyWorld, type ProxyWorld } from "@/test/support/proxy-world";

let world: ProxyWorld;

beforeAll(async () => {
  await useIsolatedDatabase("pulls_denied");
  world = await startProxyWorld();
});

afterAll(async () => {
  await world?.close();
});

describe("customer.pulls_denied", () => {
  it("is recorded once for a customer refused repeatedly within the hour, with no license in it", async () => {
    const vendor = await newVendorTeam();
    await iamRegistry(world, vendor);
    const { customer, licenseId } = await newCustomer(vendor, { email: "ops@customer.example" });
    const { customer: other, licenseId: otherLicense } = await newCustomer(vendor, { email: "dev@other.example" });
    world.aws.pushFixtureImage({ accountId: ACCOUNT.accountId, region: REGION, repository: "denied-app", tag: "1.0" });
    const name = proxyName(world, vendor.application.slug, "denied-app");
    await prisma.customer.updateMany({ where: { id: { in: [customer.id, other.id] } }, data: { expiresAt: new Date("2026-01-31T00:00:00Z") } });
    clearCustomerCache();

    // What docker pull does first: the token request, refused for the expired license.
    const token = (license: string) => fetch(`${world.proxyUrl}/v2/token?service=${world.proxyHost}&scope=${encodeURIComponent(`repository:${name}:pull`)}`, { headers: { authorization: basic(license) } });
    for (let i = 0; i < DENIED_PULLS_THRESHOLD + 2; i++) expect((await token(licenseId)).status).toBe(401);
    for (let i = 0; i < DENIED_PULLS_THRESHOLD - 2; i++) expect((await token(otherLicense)).status).toBe(401);
    await flushAccessLog();
    await flushAccessLog();

    const events = await prisma.notificationEvent.findMany({ where: { teamId: vendor.team.id, type: "customer.pulls_denied" } });
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({ customer: { id: customer.id, expiresAt: "2026-01-31T00:00:00.000Z" }, deniedCount: DENIED_PULLS_THRESHOLD + 2 });
    expect(JSON.stringify(events[0]!.payload)).not.toContain(licenseId);
  });
});
