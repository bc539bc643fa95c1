// The customer's side in the REST API over real HTTP: the customer page's
// switch (ETag, If-Match, roles, tenancy, audit) and air-gap download links
// made for a customer, planned from images in Debian's docker-registry through
// the proxy's path, and downloaded through the link the API answered.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { handleAirGapRequest } from "@/lib/airgap/handler";
import { prisma } from "@/lib/db";
import { apiServerForFile, newApiTeam, type ApiTeam } from "@/test/support/api-client";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { startProxyWorld, type ProxyWorld } from "@/test/support/proxy-world";
import { startReferenceUpstream, upstreamRegistryBody, type ReferenceUpstream } from "@/test/support/reference-upstream";
import type { PushedImage } from "@/tools/reference-registry";

let world: ProxyWorld;
let upstream: ReferenceUpstream;
let app: PushedImage;
let downloads: http.Server;
let downloadsUrl: string;

const { call } = apiServerForFile(async () => {
  await useIsolatedDatabase("api_customer_side");
  world = await startProxyWorld();
  upstream = await startReferenceUpstream("api-airgap-registry.example.test", [
    ["vendor/app", "1.0", { layers: 2 }],
    ["vendor/internal", "1.0"],
  ]);
  app = upstream.images["vendor/app:1.0"]!;
  downloads = http.createServer((request, response) => {
    if (!handleAirGapRequest(request, response)) response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => downloads.listen(0, "127.0.0.1", resolve));
  downloadsUrl = `http://127.0.0.1:${(downloads.address() as AddressInfo).port}`;
});

afterAll(async () => {
  downloads?.closeAllConnections();
  await new Promise((resolve) => downloads?.close(resolve));
  await world?.close();
  await upstream?.stop();
});

async function vendorWithCustomer(label: string) {
  const team = await newApiTeam(label);
  const application = (await call(team.tokens.MEMBER, "POST", "/applications", { name: `Shop ${label}` })).json.data as { id: string; slug: string };
  const registry = (await call(team.tokens.MEMBER, "POST", "/registries", upstreamRegistryBody(upstream))).json.data as { id: string };
  const customer = (await call(team.tokens.MEMBER, "POST", `/applications/${application.id}/customers`, { name: "Acme", email: "", expiresOn: "" })).json.data as { id: string };
  const name = (repository: string) => upstream.proxyName(application.slug, repository);
  return { team, application, registry, customer, name, links: `/applications/${application.id}/customers/${customer.id}/airgap-links` };
}

const auditEvents = (team: ApiTeam, action: string) =>
  prisma.auditEvent.findMany({ where: { teamId: team.teamId, action }, orderBy: { createdAt: "asc" }, select: { actorTokenId: true, targetId: true, metadata: true } });

describe("the customer page's switch", () => {
  it("is read with an ETag and switched with If-Match by members, audit-logged, within the team", async () => {
    const { team, application } = await vendorWithCustomer("page");
    const path = `/applications/${application.id}/customer-page`;
    const read = await call(team.tokens.VIEWER, "GET", path);
    expect(read.status).toBe(200);
    expect(read.json.data).toMatchObject({ applicationId: application.id, enabled: true });
    expect(read.json.data.url).toMatch(/\/customer$/);
    const etag = read.headers.get("etag")!;
    expect(etag).toMatch(/^"[^"]+"$/);
    expect((await call(team.tokens.VIEWER, "GET", path, undefined, { "if-none-match": etag })).status).toBe(304);

    expect((await call(team.tokens.VIEWER, "PUT", path, { enabled: false })).status).toBe(403);
    const bad = await call(team.tokens.MEMBER, "PUT", path, { enabled: "no" });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.json.error.fields)).toEqual(["enabled"]);

    const off = await call(team.tokens.MEMBER, "PUT", path, { enabled: false }, { "if-match": etag });
    expect(off.status).toBe(200);
    expect(off.json.data.enabled).toBe(false);
    expect(off.headers.get("etag")).not.toBe(etag);
    expect(off.headers.get("etag")).toBe((await call(team.tokens.VIEWER, "GET", path)).headers.get("etag"));
    // A copy read before the change is refused, and nothing changes.
    const stale = await call(team.tokens.MEMBER, "PUT", path, { enabled: true }, { "if-match": etag });
    expect(stale.status).toBe(412);
    expect((await call(team.tokens.VIEWER, "GET", path)).json.data.enabled).toBe(false);
    // The same value again changes nothing and records nothing.
    expect((await call(team.tokens.MEMBER, "PUT", path, { enabled: false })).status).toBe(200);

    const events = await auditEvents(team, "application.customer_page_changed");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ targetId: application.id, metadata: { enabled: false } });
    expect(events[0]!.actorTokenId).not.toBeNull();

    const stranger = await newApiTeam("page-stranger");
    expect((await call(stranger.tokens.ADMIN, "GET", path)).status).toBe(404);
    expect((await call(stranger.tokens.ADMIN, "PUT", path, { enabled: true })).status).toBe(404);
    expect((await call(team.tokens.VIEWER, "GET", path)).json.data.enabled).toBe(false);
  });
});

describe("air-gap download links", () => {
  it("plans the customer's archive and answers a link that downloads exactly that many bytes, with the commands", async () => {
    const { team, links, name } = await vendorWithCustomer("links");
    const image = `${name("vendor/app")}:1.0@${app.digest}`;
    const created = await call(team.tokens.MEMBER, "POST", links, { images: [image] }, { "idempotency-key": crypto.randomUUID() });
    expect(created.status).toBe(201);
    const link = created.json.data as { url: string; size: number; expiresAt: string; images: { ref: string; digest: string; sourceIndex: string | null }[]; sha256: string | null; commands: { download: string; skopeo: string[]; containerd: string } };
    const ref = `${world.proxyHost}/${name("vendor/app")}:1.0`;
    expect(link.images).toEqual([{ ref, digest: app.digest, sourceIndex: null }]);
    expect(link.sha256).toBeNull();
    expect(Date.parse(link.expiresAt) - Date.now()).toBeGreaterThan(23 * 3600_000);
    expect(link.commands.download).toBe(`curl -fL -C - -o bundle.tar '${link.url}'`);
    expect(link.commands.skopeo).toEqual([`skopeo copy --all oci-archive:bundle.tar:${ref} docker://<your registry>/vendor/app:1.0`]);
    expect(link.commands.containerd).toBe("ctr -n k8s.io images import --all-platforms bundle.tar");

    const url = new URL(link.url);
    const archive = await fetch(`${downloadsUrl}${url.pathname}${url.search}`);
    expect(archive.status).toBe(200);
    expect((await archive.arrayBuffer()).byteLength).toBe(link.size);

    // The audit log says what the link holds, never the link (a credential).
    const [event] = await auditEvents(team, "customer.airgap_link_created");
    expect(event).toMatchObject({ metadata: { images: [ref], size: link.size } });
    expect(event!.actorTokenId).not.toBeNull();
    expect(JSON.stringify(event!.metadata)).not.toContain(url.searchParams.get("link")!);
  });

  it("replays a retried request with the same Idempotency-Key instead of making a second link", async () => {
    const { team, links, name } = await vendorWithCustomer("retried");
    const key = crypto.randomUUID();
    const body = { images: [`${name("vendor/app")}:1.0`] };
    const first = await call(team.tokens.MEMBER, "POST", links, body, { "idempotency-key": key });
    const retry = await call(team.tokens.MEMBER, "POST", links, body, { "idempotency-key": key });
    expect(first.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.json.data.url).toBe(first.json.data.url);
    expect(await auditEvents(team, "customer.airgap_link_created")).toHaveLength(1);
  });

  it("refuses images the customer's license may not pull, naming what it allows, and names a malformed image", async () => {
    const { team, application, registry, customer, links, name } = await vendorWithCustomer("refused");
    const entitlements = `/applications/${application.id}/customers/${customer.id}/entitlements`;
    expect((await call(team.tokens.MEMBER, "PUT", entitlements, { allImages: false, rules: [{ registryId: registry.id, repository: "vendor/app" }], channelIds: [] })).status).toBe(200);
    const refused = await call(team.tokens.MEMBER, "POST", links, { images: [`${name("vendor/internal")}:1.0`] });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toContain("vendor/app");
    expect((await call(team.tokens.MEMBER, "POST", links, { images: [`${name("vendor/app")}:1.0`] })).status).toBe(201);

    const malformed = await call(team.tokens.MEMBER, "POST", links, { images: ["nginx:latest"], platforms: ["linux"] });
    expect(malformed.status).toBe(400);
    expect(Object.keys(malformed.json.error.fields).sort()).toEqual(["images.0", "platforms.0"]);
    const tooMany = await call(team.tokens.MEMBER, "POST", links, { images: Array.from({ length: 51 }, () => `${name("vendor/app")}:1.0`) });
    expect(tooMany.json.error.fields.images).toMatch(/at most 50/);
  });

  it("is for members of the customer's own team, under the customer's own application", async () => {
    const { team, application, customer, links, name } = await vendorWithCustomer("tenancy");
    const body = { images: [`${name("vendor/app")}:1.0`] };
    expect((await call(team.tokens.VIEWER, "POST", links, body)).status).toBe(403);
    const stranger = await vendorWithCustomer("tenancy-stranger");
    expect((await call(stranger.team.tokens.ADMIN, "POST", links, body)).status).toBe(404);
    const otherApplication = (await call(team.tokens.MEMBER, "POST", "/applications", { name: "Other" })).json.data as { id: string };
    expect((await call(team.tokens.MEMBER, "POST", `/applications/${otherApplication.id}/customers/${customer.id}/airgap-links`, body)).status).toBe(404);
    expect((await call(team.tokens.MEMBER, "POST", `/applications/${application.id}/customers/${customer.id}/revoke`)).status).toBe(200);
    expect((await call(team.tokens.MEMBER, "POST", links, body)).status).toBe(403);
    expect((await call(team.tokens.MEMBER, "GET", links)).status).toBe(405);
    expect(await auditEvents(team, "customer.airgap_link_created")).toHaveLength(0);
  });
});
