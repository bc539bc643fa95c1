// Entitlements and channels through the REST API over real HTTP: the forms'
// schemas answer field by field, roles and tenancy as for customers, and the
// audit log records each change with the token as actor.
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { newApiTeam, apiServerForFile } from "@/test/support/api-client";

const { call } = apiServerForFile();

async function newTeam() {
  const team = await newApiTeam("entitlements");
  return { teamId: team.teamId, member: team.tokens.MEMBER, viewer: team.tokens.VIEWER };
}

async function setup() {
  const team = await newTeam();
  const application = (await call(team.member, "POST", "/applications", { name: "Licensed" })).json.data;
  const registry = (
    await call(team.member, "POST", "/registries", { provider: "generic", name: "", hostname: "registry.vendor.example", authType: "basic", username: "u", password: "p", accessKeyId: "", secretAccessKey: "", roleArn: "", allApplications: true, applicationIds: [] })
  ).json.data;
  const customer = (await call(team.member, "POST", `/applications/${application.id}/customers`, { name: "Acme", email: "", expiresOn: "" })).json.data;
  return { team, application, registry, customer };
}

describe("entitlements and channels in the REST API", () => {
  it("creates a channel, gives it to a customer with a rule of its own, and reads both back", async () => {
    const { team, application, registry, customer } = await setup();
    const channels = `/applications/${application.id}/channels`;
    const created = await call(team.member, "POST", channels, { name: "Stable", rules: [{ registryId: registry.id, repository: "vendor/*", tags: ["stable"] }] });
    expect(created.status).toBe(201);
    expect(created.json.data).toMatchObject({ name: "Stable", customerCount: 0, rules: [{ registryId: registry.id, repository: "vendor/*", tags: ["stable"] }] });
    expect((await call(team.member, "POST", channels, { name: "Stable", rules: [{ registryId: registry.id, repository: "x" }] })).status).toBe(409);

    const path = `/applications/${application.id}/customers/${customer.id}/entitlements`;
    expect((await call(team.viewer, "GET", path)).json.data).toEqual({ allImages: true, rules: [], channelIds: [] });
    const body = { allImages: false, rules: [{ registryId: registry.id, repository: "vendor/enterprise-*", tags: ["1.*"] }], channelIds: [created.json.data.id] };
    expect((await call(team.viewer, "PUT", path, body)).status).toBe(403);
    const updated = await call(team.member, "PUT", path, body);
    expect(updated.status).toBe(200);
    expect(updated.json.data).toEqual(body);
    expect((await call(team.viewer, "GET", `${channels}/${created.json.data.id}`)).json.data.customerCount).toBe(1);

    const actions = (await prisma.auditEvent.findMany({ where: { teamId: team.teamId, action: { in: ["channel.created", "customer.entitlements_updated"] } }, orderBy: { createdAt: "asc" }, select: { action: true, actorTokenId: true } })).map((event) => event.action);
    expect(actions).toEqual(["channel.created", "customer.entitlements_updated"]);

    expect((await call(team.member, "DELETE", `${channels}/${created.json.data.id}`)).status).toBe(204);
    expect((await call(team.member, "GET", path)).json.data.channelIds).toEqual([]);
  });

  it("names each bad field, and answers 404 for another team's customer, channel or registry", async () => {
    const { team, application, registry, customer } = await setup();
    const path = `/applications/${application.id}/customers/${customer.id}/entitlements`;
    const bad = await call(team.member, "PUT", path, { allImages: false, rules: [{ registryId: registry.id, repository: "Vendor/App", tags: ["-x"] }], channelIds: [] });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.json.error.fields).sort()).toEqual(["rules.0.repository", "rules.0.tags.0"]);

    const other = await setup();
    expect((await call(other.team.member, "GET", path)).status).toBe(404);
    expect((await call(other.team.member, "PUT", path, { allImages: true, rules: [], channelIds: [] })).status).toBe(404);
    const foreignRule = await call(team.member, "PUT", path, { allImages: false, rules: [{ registryId: other.registry.id, repository: "a" }], channelIds: [] });
    expect(foreignRule.status).toBe(400);
    expect(foreignRule.json.error.fields).toHaveProperty(["rules.0.registryId"]);
    const otherChannel = (await call(other.team.member, "POST", `/applications/${other.application.id}/channels`, { name: "Beta", rules: [{ registryId: other.registry.id, repository: "a" }] })).json.data;
    expect((await call(team.member, "GET", `/applications/${application.id}/channels/${otherChannel.id}`)).status).toBe(404);
    expect((await call(team.member, "PUT", path, { allImages: false, rules: [], channelIds: [otherChannel.id] })).status).toBe(400);
    expect((await call(team.member, "DELETE", `/applications/${other.application.id}/channels/${otherChannel.id}`)).status).toBe(404);
  });

  it("versions channels and entitlements with ETags: If-Match refuses a stale copy and changes nothing", async () => {
    const { team, application, registry, customer } = await setup();
    const channels = `/applications/${application.id}/channels`;
    const created = await call(team.member, "POST", channels, { name: "Beta", rules: [{ registryId: registry.id, repository: "vendor/*" }] });
    const channel = `${channels}/${created.json.data.id}`;
    const read = await call(team.viewer, "GET", channel);
    expect(read.headers.get("etag")).toBe(created.headers.get("etag"));
    expect((await call(team.viewer, "GET", channel, undefined, { "if-none-match": read.headers.get("etag")! })).status).toBe(304);

    const entitlements = `/applications/${application.id}/customers/${customer.id}/entitlements`;
    const before = await call(team.viewer, "GET", entitlements);
    const etag = before.headers.get("etag")!;
    expect(etag).toMatch(/^"[^"]+"$/);
    const assigned = await call(team.member, "PUT", entitlements, { allImages: false, rules: [], channelIds: [created.json.data.id] }, { "if-match": etag });
    expect(assigned.status).toBe(200);
    expect(assigned.headers.get("etag")).not.toBe(etag);
    expect(assigned.headers.get("etag")).toBe((await call(team.viewer, "GET", entitlements)).headers.get("etag"));
    const stale = await call(team.member, "PUT", entitlements, { allImages: true, rules: [], channelIds: [] }, { "if-match": etag });
    expect(stale.status).toBe(412);
    expect((await call(team.viewer, "GET", entitlements)).json.data).toMatchObject({ allImages: false, channelIds: [created.json.data.id] });

    // Assigning a customer changed the channel's customerCount, so its version.
    expect((await call(team.member, "PUT", channel, { name: "Beta 2", rules: [{ registryId: registry.id, repository: "vendor/*" }] }, { "if-match": read.headers.get("etag")! })).status).toBe(412);
    expect((await call(team.member, "DELETE", channel, undefined, { "if-match": read.headers.get("etag")! })).status).toBe(412);
    const current = (await call(team.viewer, "GET", channel)).headers.get("etag")!;
    const renamed = await call(team.member, "PUT", channel, { name: "Beta 2", rules: [{ registryId: registry.id, repository: "vendor/*" }] }, { "if-match": current });
    expect(renamed.status).toBe(200);
    expect((await call(team.member, "DELETE", channel, undefined, { "if-match": current })).status).toBe(412);
    expect((await call(team.member, "DELETE", channel, undefined, { "if-match": renamed.headers.get("etag")! })).status).toBe(204);
  });
});
