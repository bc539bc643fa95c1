// The pull path over real HTTP: the proxy's handler on a loopback server, the
// real embedded Postgres, the portal's issuer and the local AWS (STS, ECR,
// registry endpoint, layer storage) through the real AWS SDK.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { revokeCustomer, regenerateLicense } from "@/lib/customers/service";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { flushAccessLog } from "@/lib/proxy/access-log";
import { resetBlobCache } from "@/lib/proxy/blob-cache";
import { forgetBlobLocations } from "@/lib/proxy/blob-locations";
import { forgetFreshManifests } from "@/lib/proxy/fresh-manifests";
import { clearCustomerCache, clearRegistryCache } from "@/lib/proxy/auth";
import { resetProxyLimits } from "@/lib/proxy/handler";
import { forgetManifestWrites } from "@/lib/proxy/manifest-cache";
import { upstreamRegistryOf } from "@/lib/proxy/upstream";
import { clearUpstreamLogins, getUpstreamLogin } from "@/lib/proxy/upstream-credentials";
import { repositoryKey } from "@/tools/local-aws/state";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { accessKeyRegistry, ACCOUNT, basic, iamRegistry, newCustomer, newVendorTeam, proxyName, REGION, startProxyWorld, type ProxyWorld } from "@/test/support/proxy-world";

let world: ProxyWorld;

beforeAll(async () => {
  await useIsolatedDatabase("proxy_pull_path");
  world = await startProxyWorld();
});

afterAll(async () => {
  await world?.close();
});

beforeEach(() => {
  clearUpstreamLogins();
  clearCustomerCache();
  clearRegistryCache();
  resetProxyLimits();
  forgetManifestWrites();
  forgetFreshManifests();
  forgetBlobLocations();
  world.aws.setRegistryFault(null);
});

function request(path: string, init: { auth?: string; method?: string; headers?: Record<string, string> } = {}) {
  return fetch(`${world.proxyUrl}${path}`, {
    method: init.method ?? "GET",
    redirect: "manual",
    headers: { ...(init.auth ? { authorization: init.auth } : {}), ...init.headers },
  });
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  const body = (await response.json()) as { errors: { code: string; message: string }[] };
  return body.errors[0]!;
}

async function bearer(licenseId: string, name: string): Promise<string> {
  const response = await request(`/v2/token?service=${world.proxyHost}&scope=${encodeURIComponent(`repository:${name}:pull`)}`, { auth: basic(licenseId) });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { token: string };
  return `Bearer ${body.token}`;
}

function sha256(data: Uint8Array): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** A vendor with an IAM registry that passed its Test, a customer, and a pushed image. */
async function pullSetup(repository = `app${Math.random().toString(36).slice(2, 8)}`) {
  const vendor = await newVendorTeam();
  const { registry } = await iamRegistry(world, vendor);
  const { customer, licenseId } = await newCustomer(vendor, { email: "ops@customer.example" });
  const image = world.aws.pushFixtureImage({ accountId: ACCOUNT.accountId, region: REGION, repository, tag: "1.0" });
  const name = proxyName(world, vendor.application.slug, repository);
  return { vendor, registry, customer, licenseId, image, name };
}

describe("the token flow", () => {
  it("challenges with the realm, service and the repository's scope, and issues a 5-minute HS256 token for the proxy only", async () => {
    const { licenseId, name } = await pullSetup();
    const ping = await request("/v2/");
    expect(ping.status).toBe(401);
    expect(ping.headers.get("www-authenticate")).toBe(`Bearer realm="${world.proxyUrl}/v2/token",service="${world.proxyHost}"`);
    expect((await errorOf(ping)).code).toBe("UNAUTHORIZED");

    const manifest = await request(`/v2/${name}/manifests/1.0`);
    expect(manifest.status).toBe(401);
    expect(manifest.headers.get("www-authenticate")).toBe(`Bearer realm="${world.proxyUrl}/v2/token",service="${world.proxyHost}",scope="repository:${name}:pull"`);

    const tokenResponse = await request(`/v2/token?service=${world.proxyHost}&scope=${encodeURIComponent(`repository:${name}:pull,push`)}&scope=${encodeURIComponent("repository:proxy/other-app/x.example.com/y:pull")}`, { auth: basic(licenseId) });
    expect(tokenResponse.status).toBe(200);
    const body = (await tokenResponse.json()) as { token: string; access_token: string; expires_in: number; issued_at: string };
    expect(body.access_token).toBe(body.token);
    expect(body.expires_in).toBe(300);
    expect(Date.parse(body.issued_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(decodeProtectedHeader(body.token).alg).toBe("HS256");
    const claims = decodeJwt(body.token);
    expect(claims.aud).toBe(world.proxyHost);
    expect(claims.aud).not.toBe("sts.amazonaws.com");
    expect(claims.exp! - claims.iat!).toBe(300);
    // Only pull, and only on the license's own application.
    expect(claims.access).toEqual([{ type: "repository", name, actions: ["pull"] }]);

    const authorized = await request("/v2/", { auth: `Bearer ${body.token}` });
    expect(authorized.status).toBe(200);
  });

  it("accepts the customer's email as the user name, and refuses a wrong license with UNAUTHORIZED", async () => {
    const { licenseId } = await pullSetup();
    expect((await request("/v2/token", { auth: basic("OPS@customer.example", licenseId) })).status).toBe(200);
    const wrong = await request("/v2/token", { auth: basic("lic_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") });
    expect(wrong.status).toBe(401);
    expect(await errorOf(wrong)).toMatchObject({ code: "UNAUTHORIZED", message: expect.stringContaining("license ID as the password") });
    expect((await request("/v2/token", { auth: basic("someone@else.example", licenseId) })).status).toBe(401);
    expect((await request("/v2/token")).status).toBe(401);
  });

  it("throttles failed token requests per client address", async () => {
    for (let attempt = 0; attempt < 10; attempt++) expect((await request("/v2/token", { auth: basic("lic_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb") })).status).toBe(401);
    const throttled = await request("/v2/token", { auth: basic("lic_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb") });
    expect(throttled.status).toBe(429);
    expect((await errorOf(throttled)).code).toBe("TOOMANYREQUESTS");
    expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("counts failed logins per forwarded address only when TRUST_PROXY says a proxy appends to X-Forwarded-For", async () => {
    const bad = basic("lic_cccccccccccccccccccccccccccccccc");
    process.env.TRUST_PROXY = "1";
    resetEnvCache();
    try {
      for (let attempt = 0; attempt < 10; attempt++) expect((await request("/v2/token", { auth: bad, headers: { "x-forwarded-for": "198.51.100.7, 203.0.113.9" } })).status).toBe(401);
      expect((await request("/v2/token", { auth: bad, headers: { "x-forwarded-for": "198.51.100.7, 203.0.113.9" } })).status).toBe(429);
      // Another client behind the same load balancer is not locked out.
      expect((await request("/v2/token", { auth: bad, headers: { "x-forwarded-for": "203.0.113.10" } })).status).toBe(401);
    } finally {
      delete process.env.TRUST_PROXY;
      resetEnvCache();
    }
    // Not trusted: a client cannot dodge the limit by inventing addresses.
    resetProxyLimits();
    for (let attempt = 0; attempt < 10; attempt++) await request("/v2/token", { auth: bad, headers: { "x-forwarded-for": `192.0.2.${attempt}` } });
    expect((await request("/v2/token", { auth: bad, headers: { "x-forwarded-for": "192.0.2.200" } })).status).toBe(429);
  });

  it("ends a bearer token's use when its license is regenerated", async () => {
    const { vendor, customer, licenseId, name } = await pullSetup();
    const token = await bearer(licenseId, name);
    expect((await request(`/v2/${name}/manifests/1.0`, { auth: token, method: "HEAD" })).status).toBe(200);
    await regenerateLicense(vendor.team.id, vendor.actor, customer.id);
    clearCustomerCache();
    const refused = await request(`/v2/${name}/manifests/1.0`, { auth: token, method: "HEAD" });
    expect(refused.status).toBe(401);
    expect((await request("/v2/token", { auth: basic(licenseId) })).status).toBe(401);
  });
});

describe("manifests and blobs", () => {
  it("serves a manifest by tag and by digest with the spec's headers, and HEAD like GET", async () => {
    const { licenseId, image, name } = await pullSetup();
    const auth = await bearer(licenseId, name);
    const byTag = await request(`/v2/${name}/manifests/1.0`, { auth, headers: { accept: "application/vnd.docker.distribution.manifest.v2+json" } });
    expect(byTag.status).toBe(200);
    expect(byTag.headers.get("content-type")).toBe(image.mediaType);
    expect(byTag.headers.get("docker-content-digest")).toBe(image.digest);
    const text = await byTag.text();
    expect(text).toBe(image.manifest);
    expect(byTag.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));

    const byDigest = await request(`/v2/${name}/manifests/${image.digest}`, { auth });
    expect(byDigest.status).toBe(200);
    expect(await byDigest.text()).toBe(image.manifest);

    const head = await request(`/v2/${name}/manifests/1.0`, { auth, method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("docker-content-digest")).toBe(image.digest);
    expect(head.headers.get("content-length")).toBe(String(Buffer.byteLength(image.manifest)));

    const missing = await request(`/v2/${name}/manifests/nope`, { auth });
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe("MANIFEST_UNKNOWN");
  });

  it("streams a blob through the layer redirect, HEAD answers as GET, and a Range is honoured", async () => {
    const { licenseId, image, name } = await pullSetup();
    const auth = await bearer(licenseId, name);
    for (const digest of [image.configDigest, ...image.layerDigests]) {
      const blob = await request(`/v2/${name}/blobs/${digest}`, { auth });
      expect(blob.status).toBe(200);
      const data = new Uint8Array(await blob.arrayBuffer());
      expect(sha256(data)).toBe(digest);
      expect(blob.headers.get("docker-content-digest")).toBe(digest);
      const head = await request(`/v2/${name}/blobs/${digest}`, { auth, method: "HEAD" });
      expect(head.status).toBe(200);
      for (const header of ["content-length", "docker-content-digest", "content-type"]) expect(head.headers.get(header)).toBe(blob.headers.get(header));
    }
    const layer = image.layerDigests[0]!;
    const whole = new Uint8Array(await (await request(`/v2/${name}/blobs/${layer}`, { auth })).arrayBuffer());
    const partial = await request(`/v2/${name}/blobs/${layer}`, { auth, headers: { range: "bytes=10-19" } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get("content-range")).toBe(`bytes 10-19/${whole.length}`);
    expect(Buffer.from(await partial.arrayBuffer())).toEqual(Buffer.from(whole.subarray(10, 20)));
    const unknown = await request(`/v2/${name}/blobs/sha256:${"0".repeat(64)}`, { auth });
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe("BLOB_UNKNOWN");
  });

  it("cuts the connection before the last byte when a blob does not match its digest, and logs it", async () => {
    const { licenseId, image, name, customer } = await pullSetup();
    const layer = image.layerDigests[0]!;
    world.aws.corruptBlob({ accountId: ACCOUNT.accountId, region: REGION, repository: name.split("/").slice(3).join("/"), digest: layer });
    // The only chunk is held back, so the client gets a cut connection and never the corrupted blob.
    const outcome = await request(`/v2/${name}/blobs/${layer}`, { auth: basic(licenseId) })
      .then((response) => response.arrayBuffer())
      .then(
        () => "complete",
        () => "aborted",
      );
    expect(outcome).toBe("aborted");
    await flushAccessLog();
    const event = await prisma.pullEvent.findFirstOrThrow({ where: { customerId: customer.id, action: "blob" }, orderBy: { id: "desc" } });
    expect(event).toMatchObject({ status: 502, digest: layer, upstreamStatus: 200 });
  });

  it("answers Basic credentials on pull requests directly", async () => {
    const { licenseId, image, name } = await pullSetup();
    const response = await request(`/v2/${name}/manifests/1.0`, { auth: basic(licenseId) });
    expect(response.status).toBe(200);
    expect(response.headers.get("docker-content-digest")).toBe(image.digest);
  });

  it("pulls through an access-key registry", async () => {
    const vendor = await newVendorTeam();
    await accessKeyRegistry(world, vendor);
    const { licenseId } = await newCustomer(vendor);
    const image = world.aws.pushFixtureImage({ accountId: ACCOUNT.accountId, region: REGION, repository: "keyed/app", tag: "2.0" });
    const name = proxyName(world, vendor.application.slug, "keyed/app");
    const response = await request(`/v2/${name}/manifests/2.0`, { auth: await bearer(licenseId, name) });
    expect(response.status).toBe(200);
    expect(response.headers.get("docker-content-digest")).toBe(image.digest);
  });

  it("lists tags under the proxied name when the vendor's role may list images", async () => {
    const vendor = await newVendorTeam();
    const { roleName } = await iamRegistry(world, vendor);
    const { licenseId } = await newCustomer(vendor);
    world.aws.pushFixtureImage({ accountId: ACCOUNT.accountId, region: REGION, repository: "listed/app", tag: "1.0" });
    const name = proxyName(world, vendor.application.slug, "listed/app");
    const denied = await request(`/v2/${name}/tags/list`, { auth: basic(licenseId) });
    expect(denied.status).toBe(403);
    expect((await errorOf(denied)).message).toContain("permission");
    await world.vendor.iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: "ListImages", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ecr:ListImages", Resource: "*" }] }) }));
    const response = await request(`/v2/${name}/tags/list`, { auth: basic(licenseId) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ name, tags: ["1.0"] });
  });
});

describe("refusals", () => {
  it("refuses expired and revoked licenses with DENIED and a message the customer can act on", async () => {
    const { vendor, customer, licenseId, name } = await pullSetup();
    await prisma.customer.update({ where: { id: customer.id }, data: { expiresAt: new Date("2026-01-31T00:00:00Z") } });
    clearCustomerCache();
    const expired = await request(`/v2/${name}/manifests/1.0`, { auth: basic(licenseId) });
    expect(expired.status).toBe(403);
    expect(await errorOf(expired)).toMatchObject({ code: "DENIED", message: "This license expired on 2026-01-31. Ask your vendor to renew it." });
    expect((await request("/v2/token", { auth: basic(licenseId) })).status).toBe(401);

    await prisma.customer.update({ where: { id: customer.id }, data: { expiresAt: null } });
    clearCustomerCache();
    const token = await bearer(licenseId, name);
    await revokeCustomer(vendor.team.id, vendor.actor, customer.id);
    clearCustomerCache();
    const revoked = await request(`/v2/${name}/manifests/1.0`, { auth: token });
    expect(revoked.status).toBe(403);
    expect(await errorOf(revoked)).toMatchObject({ code: "DENIED", message: "This license has been revoked. Ask your vendor for a new license." });
  });

  it("refuses another application's names, registries without access to the application, another team's registry and unknown hostnames alike", async () => {
    const { vendor, licenseId } = await pullSetup();
    const other = await newVendorTeam();
    await iamRegistry(world, other, { test: false });
    const auth = basic(licenseId);
    const wrongApp = await request(`/v2/${proxyName(world, "someone-elses-app", "app")}/manifests/1.0`, { auth });
    expect(wrongApp.status).toBe(403);
    expect((await errorOf(wrongApp)).code).toBe("DENIED");

    // The vendor's second application has a registry of its own; this customer's application has no access to it.
    const { createApplication } = await import("@/lib/applications/service");
    const secondApp = await createApplication(vendor.team.id, vendor.actor, { name: "Second" });
    const restricted = await newVendorTeam();
    await iamRegistry(world, restricted, { applicationIds: [restricted.application.id], test: false });
    const { licenseId: restrictedLicense } = await newCustomer(restricted, { applicationId: (await createApplication(restricted.team.id, restricted.actor, { name: "No access" })).id });
    const noAccess = await request(`/v2/proxy/no-access/${world.hostname}/app/manifests/1.0`, { auth: basic(restrictedLicense) });
    expect(noAccess.status).toBe(404);
    const noAccessError = await errorOf(noAccess);
    expect(noAccessError.code).toBe("NAME_UNKNOWN");
    expect(secondApp.slug).toBe("second");

    // Another team's registry hostname (here: the customer's vendor has none for it) and a hostname nobody has: the same answer.
    const strangerHost = "999999999999.dkr.ecr.us-east-1.amazonaws.com";
    const { licenseId: loneLicense, customer: lone } = await newCustomer(other);
    await prisma.registry.deleteMany({ where: { teamId: other.team.id } });
    clearRegistryCache();
    const otherTeams = await request(`/v2/proxy/${other.application.slug}/${world.hostname}/app/manifests/1.0`, { auth: basic(loneLicense) });
    const unknownHost = await request(`/v2/proxy/${other.application.slug}/${strangerHost}/app/manifests/1.0`, { auth: basic(loneLicense) });
    expect(otherTeams.status).toBe(404);
    expect(unknownHost.status).toBe(404);
    const [a, b] = [await errorOf(otherTeams), await errorOf(unknownHost)];
    expect(a.code).toBe("NAME_UNKNOWN");
    expect(a.message.replace(world.hostname, "H")).toBe(b.message.replace(strangerHost, "H"));
    expect(lone.id).toBeTruthy();
  });

  it("refuses push, delete and catalog with the spec's errors", async () => {
    const { licenseId, name } = await pullSetup();
    const auth = basic(licenseId);
    const push = await request(`/v2/${name}/blobs/uploads/`, { auth, method: "POST" });
    expect(push.status).toBe(405);
    expect((await errorOf(push)).code).toBe("UNSUPPORTED");
    const put = await request(`/v2/${name}/manifests/1.0`, { auth, method: "PUT" });
    expect(put.status).toBe(405);
    const del = await request(`/v2/${name}/manifests/1.0`, { auth, method: "DELETE" });
    expect((await errorOf(del)).code).toBe("UNSUPPORTED");
    const catalog = await request("/v2/_catalog", { auth });
    expect(catalog.status).toBe(403);
    expect((await errorOf(catalog)).code).toBe("DENIED");
  });

  it("never uses an IAM registry whose role was not shown to refuse other teams, and says what the vendor must do", async () => {
    const vendor = await newVendorTeam();
    const { test } = await iamRegistry(world, vendor, { sub: null });
    expect(test?.verdict).toBe("unsafe");
    const { licenseId } = await newCustomer(vendor);
    world.aws.pushFixtureImage({ accountId: ACCOUNT.accountId, region: REGION, repository: "unsafe/app", tag: "1.0" });
    const before = world.aws.callCounts()["sts:AssumeRoleWithWebIdentity"] ?? 0;
    const response = await request(`/v2/${proxyName(world, vendor.application.slug, "unsafe/app")}/manifests/1.0`, { auth: basic(licenseId) });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).message).toContain("Ask your vendor to run Test");
    expect(world.aws.callCounts()["sts:AssumeRoleWithWebIdentity"] ?? 0).toBe(before);

    // Never tested at all: refused too.
    const untested = await newVendorTeam();
    await iamRegistry(world, untested, { test: false });
    const { licenseId: untestedLicense } = await newCustomer(untested);
    const refused = await request(`/v2/${proxyName(world, untested.application.slug, "unsafe/app")}/manifests/1.0`, { auth: basic(untestedLicense) });
    expect(refused.status).toBe(403);
  });

  it("re-checks a day-old negative check itself before using the role", async () => {
    const { registry, licenseId, name } = await pullSetup();
    await prisma.registry.update({ where: { id: registry.id }, data: { negativeCheckPassedAt: new Date(Date.now() - 25 * 3600_000) } });
    clearRegistryCache();
    const before = world.aws.callCounts()["sts:AssumeRoleWithWebIdentity"] ?? 0;
    const response = await request(`/v2/${name}/manifests/1.0`, { auth: basic(licenseId) });
    expect(response.status).toBe(200);
    // One refused stranger token, one real exchange.
    expect((world.aws.callCounts()["sts:AssumeRoleWithWebIdentity"] ?? 0) - before).toBe(2);
    const stored = await prisma.registry.findUniqueOrThrow({ where: { id: registry.id }, select: { negativeCheckPassedAt: true } });
    expect(stored.negativeCheckPassedAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it("limits requests per license", async () => {
    process.env.PROXY_RATE_LIMIT_PER_MINUTE = "3";
    resetEnvCache();
    try {
      const { licenseId, name } = await pullSetup();
      for (let i = 0; i < 3; i++) expect((await request(`/v2/${name}/manifests/1.0`, { auth: basic(licenseId), method: "HEAD" })).status).toBe(200);
      const limited = await request(`/v2/${name}/manifests/1.0`, { auth: basic(licenseId) });
      expect(limited.status).toBe(429);
      expect((await errorOf(limited)).code).toBe("TOOMANYREQUESTS");
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      delete process.env.PROXY_RATE_LIMIT_PER_MINUTE;
      resetEnvCache();
    }
  });

  it("does not follow a blob redirect to a private address it was not told to trust", async () => {
    const { licenseId, image, name } = await pullSetup();
    const saved = process.env.PROXY_ALLOWED_REDIRECT_ORIGINS;
    delete process.env.PROXY_ALLOWED_REDIRECT_ORIGINS;
    resetEnvCache();
    try {
      const response = await request(`/v2/${name}/blobs/${image.layerDigests[0]}`, { auth: basic(licenseId) });
      expect(response.status).toBe(403);
      expect((await errorOf(response)).code).toBe("DENIED");
    } finally {
      process.env.PROXY_ALLOWED_REDIRECT_ORIGINS = saved;
      resetEnvCache();
    }
  });

  it("hands the pre-signed URL to the client with PROXY_BLOB_MODE=redirect", async () => {
    const { licenseId, image, name } = await pullSetup();
    process.env.PROXY_BLOB_MODE = "redirect";
    resetEnvCache();
    try {
      const response = await request(`/v2/${name}/blobs/${image.layerDigests[0]}`, { auth: basic(licenseId) });
      expect(response.status).toBe(307);
      const location = response.headers.get("location")!;
      expect(location).toContain(`localhost:${world.aws.port}/_layers/`);
      const direct = await fetch(location);
      expect(sha256(new Uint8Array(await direct.arrayBuffer()))).toBe(image.layerDigests[0]);
    } finally {
      delete process.env.PROXY_BLOB_MODE;
      resetEnvCache();
    }
  });
});

describe("upstream credentials", () => {
  it("makes one STS and one ECR call for 100 concurrent cold pulls", async () => {
    const { licenseId, image, name } = await pullSetup();
    clearUpstreamLogins();
    const before = world.aws.callCounts();
    const responses = await Promise.all(Array.from({ length: 100 }, () => request(`/v2/${name}/manifests/1.0`, { auth: basic(licenseId), method: "HEAD" })));
    expect(responses.map((response) => response.status)).toEqual(Array(100).fill(200));
    expect(responses.every((response) => response.headers.get("docker-content-digest") === image.digest)).toBe(true);
    const after = world.aws.callCounts();
    expect((after["sts:AssumeRoleWithWebIdentity"] ?? 0) - (before["sts:AssumeRoleWithWebIdentity"] ?? 0)).toBe(1);
    expect((after["ecr:GetAuthorizationToken"] ?? 0) - (before["ecr:GetAuthorizationToken"] ?? 0)).toBe(1);
  });

  it("refreshes a login in the background once half its lifetime has passed, serving the old one meanwhile", async () => {
    const { registry } = await pullSetup();
    const stored = await prisma.registry.findUniqueOrThrow({ where: { id: registry.id }, select: { id: true, teamId: true, provider: true, hostname: true, authType: true, updatedAt: true, team: { select: { publicId: true } } } });
    const upstream = upstreamRegistryOf({ name: "", upstreamRepository: "", registry: { ...stored, teamPublicId: stored.team.publicId, settings: {}, negativeCheckTarget: null, negativeCheckPassedAt: null } });
    const first = await getUpstreamLogin(upstream);
    const before = world.aws.callCounts()["ecr:GetAuthorizationToken"] ?? 0;
    const halfway = first.obtainedAt + (first.expiresAt - first.obtainedAt) * 0.6;
    expect(await getUpstreamLogin(upstream, halfway)).toBe(first);
    await expect.poll(async () => getUpstreamLogin(upstream), { timeout: 10_000 }).not.toBe(first);
    expect((world.aws.callCounts()["ecr:GetAuthorizationToken"] ?? 0) - before).toBe(1);
  });

  it("refreshes once after the registry refuses an expired login, and the pull succeeds", async () => {
    const { licenseId, name } = await pullSetup();
    expect((await request(`/v2/${name}/manifests/1.0`, { auth: basic(licenseId), method: "HEAD" })).status).toBe(200);
    world.aws.expireRegistryTokens();
    // As once PROXY_MANIFEST_FRESH_SECONDS has passed: the next HEAD asks the registry.
    forgetFreshManifests();
    const before = world.aws.callCounts();
    // HEAD first, as docker does: its 403 has no body to tell expiry from a missing permission.
    expect((await request(`/v2/${name}/manifests/1.0`, { auth: basic(licenseId), method: "HEAD" })).status).toBe(200);
    const response = await request(`/v2/${name}/manifests/1.0`, { auth: basic(licenseId) });
    expect(response.status).toBe(200);
    const after = world.aws.callCounts();
    expect((after["sts:AssumeRoleWithWebIdentity"] ?? 0) - (before["sts:AssumeRoleWithWebIdentity"] ?? 0)).toBe(1);
    expect((after["ecr:GetAuthorizationToken"] ?? 0) - (before["ecr:GetAuthorizationToken"] ?? 0)).toBe(1);
  });
});

describe("when the upstream is down", () => {
  it("serves manifests by digest from the store, a tag's last digest with a Warning, and UNAVAILABLE otherwise", async () => {
    const { licenseId, image, name, customer } = await pullSetup();
    const auth = basic(licenseId);
    expect((await request(`/v2/${name}/manifests/1.0`, { auth })).status).toBe(200);
    // The store is written off the request path.
    await expect.poll(async () => prisma.proxyManifest.count({ where: { digest: image.digest } }), { timeout: 10_000 }).toBe(1);
    await expect.poll(async () => prisma.proxyTagDigest.count({ where: { digest: image.digest } }), { timeout: 10_000 }).toBe(1);
    world.aws.setRegistryFault("unavailable");
    // As once PROXY_MANIFEST_FRESH_SECONDS has passed: the proxy asks the registry, which fails.
    forgetFreshManifests();

    const byDigest = await request(`/v2/${name}/manifests/${image.digest}`, { auth });
    expect(byDigest.status).toBe(200);
    expect(await byDigest.text()).toBe(image.manifest);
    const byTag = await request(`/v2/${name}/manifests/1.0`, { auth });
    expect(byTag.status).toBe(200);
    expect(byTag.headers.get("warning")).toMatch(/^110 - "Response is stale/);
    expect(byTag.headers.get("docker-content-digest")).toBe(image.digest);
    const unknown = await request(`/v2/${name}/manifests/2.0`, { auth });
    expect(unknown.status).toBe(503);
    expect((await errorOf(unknown)).code).toBe("UNAVAILABLE");

    await flushAccessLog();
    const logged = await prisma.pullEvent.findFirstOrThrow({ where: { customerId: customer.id, reference: "2.0" } });
    expect(logged).toMatchObject({ status: 503, upstreamStatus: 503, action: "manifest" });
  });
});

describe("the manifest freshness window (PROXY_MANIFEST_FRESH_SECONDS)", () => {
  async function withWindow<T>(seconds: string, run: () => Promise<T>): Promise<T> {
    process.env.PROXY_MANIFEST_FRESH_SECONDS = seconds;
    resetEnvCache();
    try {
      return await run();
    } finally {
      delete process.env.PROXY_MANIFEST_FRESH_SECONDS;
      resetEnvCache();
    }
  }

  it("answers a tag from the registry's answer of the last few seconds, then asks the registry again", async () => {
    await withWindow("4", async () => {
      const repository = `fresh${Math.random().toString(36).slice(2, 8)}`;
      const { licenseId, image, name } = await pullSetup(repository);
      const auth = basic(licenseId);
      const first = await request(`/v2/${name}/manifests/1.0`, { auth });
      const answeredAt = Date.now();
      expect(first.headers.get("docker-content-digest")).toBe(image.digest);
      await first.arrayBuffer();
      // The vendor moves the tag; within the window the proxy still serves the answer it had, without asking.
      const moved = world.aws.pushFixtureImage({ accountId: ACCOUNT.accountId, region: REGION, repository, tag: "1.0", layers: [{ "moved.txt": "the tag moved\n" }] });
      expect(moved.digest).not.toBe(image.digest);
      const head = await request(`/v2/${name}/manifests/1.0`, { auth, method: "HEAD" });
      const get = await request(`/v2/${name}/manifests/1.0`, { auth });
      expect(Date.now() - answeredAt).toBeLessThan(4_000);
      expect(head.status).toBe(200);
      expect(head.headers.get("docker-content-digest")).toBe(image.digest);
      expect(head.headers.get("content-length")).toBe(String(Buffer.byteLength(image.manifest)));
      expect(head.headers.get("content-type")).toBe(image.mediaType);
      expect(get.headers.get("docker-content-digest")).toBe(image.digest);
      expect(await get.text()).toBe(image.manifest);
      // Past the window the registry is asked again and the moved tag is served.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, answeredAt + 4_100 - Date.now())));
      const after = await request(`/v2/${name}/manifests/1.0`, { auth });
      expect(after.headers.get("docker-content-digest")).toBe(moved.digest);
      expect(await after.text()).toBe(moved.manifest);
    });
  });

  it("asks the registry every time when the window is 0", async () => {
    await withWindow("0", async () => {
      const repository = `nofresh${Math.random().toString(36).slice(2, 8)}`;
      const { licenseId, image, name } = await pullSetup(repository);
      const auth = basic(licenseId);
      expect((await request(`/v2/${name}/manifests/1.0`, { auth })).headers.get("docker-content-digest")).toBe(image.digest);
      const moved = world.aws.pushFixtureImage({ accountId: ACCOUNT.accountId, region: REGION, repository, tag: "1.0", layers: [{ "moved.txt": "moved at once\n" }] });
      expect((await request(`/v2/${name}/manifests/1.0`, { auth, method: "HEAD" })).headers.get("docker-content-digest")).toBe(moved.digest);
    });
  });

  it("asks the registry once for 50 concurrent requests of the same manifest, and logs the others as answered from memory", async () => {
    await withWindow("30", async () => {
      const { licenseId, image, name, customer } = await pullSetup();
      const responses = await Promise.all(Array.from({ length: 50 }, () => request(`/v2/${name}/manifests/1.0`, { auth: basic(licenseId), method: "HEAD" })));
      expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
      expect(responses.every((response) => response.headers.get("docker-content-digest") === image.digest)).toBe(true);
      await flushAccessLog();
      const events = await prisma.pullEvent.findMany({ where: { customerId: customer.id, action: "manifest" }, select: { upstreamStatus: true, status: true, digest: true } });
      expect(events).toHaveLength(50);
      expect(events.filter((event) => event.upstreamStatus === 200)).toHaveLength(1);
      expect(events.every((event) => event.status === 200 && event.digest === image.digest)).toBe(true);
    });
  });

  it("still checks the license on every request within the window", async () => {
    await withWindow("30", async () => {
      const { vendor, customer, licenseId, name } = await pullSetup();
      expect((await request(`/v2/${name}/manifests/1.0`, { auth: basic(licenseId) })).status).toBe(200);
      await revokeCustomer(vendor.team.id, vendor.actor, customer.id);
      clearCustomerCache();
      const refused = await request(`/v2/${name}/manifests/1.0`, { auth: basic(licenseId), method: "HEAD" });
      expect(refused.status).toBe(403);
    });
  });

  it("starts afresh when the vendor edits the registry", async () => {
    await withWindow("30", async () => {
      const repository = `edited${Math.random().toString(36).slice(2, 8)}`;
      const { registry, licenseId, image, name } = await pullSetup(repository);
      expect((await request(`/v2/${name}/manifests/1.0`, { auth: basic(licenseId), method: "HEAD" })).headers.get("docker-content-digest")).toBe(image.digest);
      const moved = world.aws.pushFixtureImage({ accountId: ACCOUNT.accountId, region: REGION, repository, tag: "1.0", layers: [{ "moved.txt": "edited\n" }] });
      await prisma.registry.update({ where: { id: registry.id }, data: { updatedAt: new Date(Date.now() + 1_000) } });
      clearRegistryCache();
      expect((await request(`/v2/${name}/manifests/1.0`, { auth: basic(licenseId), method: "HEAD" })).headers.get("docker-content-digest")).toBe(moved.digest);
    });
  });
});

describe("reused blob locations", () => {
  it("fetches a blob again from the storage location the registry gave, and asks the registry once storage refuses it", async () => {
    const repository = `located${Math.random().toString(36).slice(2, 8)}`;
    const { licenseId, image, name } = await pullSetup(repository);
    const auth = basic(licenseId);
    const layer = image.layerDigests[0]!;
    const first = await request(`/v2/${name}/blobs/${layer}`, { auth });
    expect(sha256(new Uint8Array(await first.arrayBuffer()))).toBe(layer);
    // The registry endpoint is down, its storage is not: the known location still serves the blob, verified.
    world.aws.setRegistryFault("unavailable");
    const again = await request(`/v2/${name}/blobs/${layer}`, { auth });
    expect(again.status).toBe(200);
    expect(sha256(new Uint8Array(await again.arrayBuffer()))).toBe(layer);
    // Storage no longer has it there: the location is dropped and the registry asked (down: 503).
    const stored = world.aws.state.repositories[repositoryKey(ACCOUNT.accountId, REGION, repository)]!;
    const blob = stored.blobs[layer]!;
    delete stored.blobs[layer];
    const refused = await request(`/v2/${name}/blobs/${layer}`, { auth });
    expect(refused.status).toBe(503);
    expect((await errorOf(refused)).code).toBe("UNAVAILABLE");
    stored.blobs[layer] = blob;
    world.aws.setRegistryFault(null);
    const restored = await request(`/v2/${name}/blobs/${layer}`, { auth });
    expect(sha256(new Uint8Array(await restored.arrayBuffer()))).toBe(layer);
  });

  it("still cuts a blob that does not match its digest when it comes from a known location", async () => {
    const repository = `locatedbad${Math.random().toString(36).slice(2, 8)}`;
    const { licenseId, image, name } = await pullSetup(repository);
    const layer = image.layerDigests[0]!;
    await (await request(`/v2/${name}/blobs/${layer}`, { auth: basic(licenseId) })).arrayBuffer();
    world.aws.corruptBlob({ accountId: ACCOUNT.accountId, region: REGION, repository, digest: layer });
    const outcome = await request(`/v2/${name}/blobs/${layer}`, { auth: basic(licenseId) })
      .then((response) => response.arrayBuffer())
      .then(
        () => "complete",
        () => "aborted",
      );
    expect(outcome).toBe("aborted");
  });

  it("refuses at once a registry whose role was found unsafe since, fresh manifest answer or known blob location", async () => {
    process.env.PROXY_MANIFEST_FRESH_SECONDS = "30";
    resetEnvCache();
    try {
      const { registry, licenseId, image, name } = await pullSetup();
      const auth = basic(licenseId);
      expect((await request(`/v2/${name}/manifests/1.0`, { auth, method: "HEAD" })).status).toBe(200);
      await (await request(`/v2/${name}/blobs/${image.layerDigests[0]}`, { auth })).arrayBuffer();
      // What the Test records when AWS accepts a stranger: no passed negative check (the registry's version stays).
      const { updatedAt } = await prisma.registry.findUniqueOrThrow({ where: { id: registry.id }, select: { updatedAt: true } });
      await prisma.registry.update({ where: { id: registry.id }, data: { negativeCheckPassedAt: null, testStatus: "unsafe", updatedAt } });
      clearRegistryCache();
      const manifest = await request(`/v2/${name}/manifests/1.0`, { auth, method: "HEAD" });
      expect(manifest.status).toBe(403);
      const blob = await request(`/v2/${name}/blobs/${image.layerDigests[0]}`, { auth });
      expect(blob.status).toBe(403);
      expect((await errorOf(blob)).message).toContain("Ask your vendor to run Test");
    } finally {
      delete process.env.PROXY_MANIFEST_FRESH_SECONDS;
      resetEnvCache();
    }
  });
});

describe("the blob cache (PROXY_BLOB_CACHE_DIR)", () => {
  async function withCache<T>(run: (dir: string) => Promise<T>, maxMb = "64"): Promise<T> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "proxy-blob-cache-"));
    Object.assign(process.env, { PROXY_BLOB_CACHE_DIR: dir, PROXY_BLOB_CACHE_MAX_MB: maxMb });
    resetEnvCache();
    resetBlobCache();
    try {
      return await run(dir);
    } finally {
      delete process.env.PROXY_BLOB_CACHE_DIR;
      delete process.env.PROXY_BLOB_CACHE_MAX_MB;
      resetEnvCache();
      resetBlobCache();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /** A vendor, customer and an image whose first layer is above the cache's 1 MiB minimum (and stored, so it can be corrupted). */
  async function largeLayerSetup(prefix: string) {
    const repository = `${prefix}${Math.random().toString(36).slice(2, 8)}`;
    const vendor = await newVendorTeam();
    await iamRegistry(world, vendor);
    const { customer, licenseId } = await newCustomer(vendor);
    // Random bytes do not compress: the gzipped layer stays above 1 MiB.
    const image = world.aws.pushFixtureImage({ accountId: ACCOUNT.accountId, region: REGION, repository, tag: "1.0", layers: [{ "data.bin": randomBytes(1536 * 1024).toString("base64") }, { "small.txt": "small\n" }] });
    return { vendor, customer, licenseId, image, repository, name: proxyName(world, vendor.application.slug, repository) };
  }

  /** Files in the cache directory: complete ones and temporary ones. */
  function cachedFiles(dir: string): { complete: string[]; temporary: string[] } {
    const files = fs.readdirSync(dir).flatMap((scope) => fs.readdirSync(path.join(dir, scope)));
    return { complete: files.filter((name) => !name.endsWith(".tmp")), temporary: files.filter((name) => name.endsWith(".tmp")) };
  }

  it("keeps a verified blob in a private file and serves the next pull from it once the registry confirms the blob", async () => {
    await withCache(async (dir) => {
      const { licenseId, image, name, customer, repository } = await largeLayerSetup("cached");
      const layer = image.layerDigests[0]!;
      const first = await request(`/v2/${name}/blobs/${layer}`, { auth: basic(licenseId) });
      const bytes = new Uint8Array(await first.arrayBuffer());
      expect(sha256(bytes)).toBe(layer);
      // Kept once the response has ended.
      await expect.poll(() => cachedFiles(dir).complete, { timeout: 5_000 }).toEqual([layer.replace(":", "-")]);
      const scope = fs.readdirSync(dir)[0]!;
      expect(fs.statSync(path.join(dir, scope, layer.replace(":", "-"))).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.join(dir, scope)).mode & 0o777).toBe(0o700);
      // Storage now holds different bytes under the digest: streamed, they would be cut; the cached ones are whole and right.
      world.aws.corruptBlob({ accountId: ACCOUNT.accountId, region: REGION, repository, digest: layer });
      const second = await request(`/v2/${name}/blobs/${layer}`, { auth: basic(licenseId) });
      expect(second.status).toBe(200);
      expect(second.headers.get("content-length")).toBe(String(bytes.length));
      expect(second.headers.get("docker-content-digest")).toBe(layer);
      expect(sha256(new Uint8Array(await second.arrayBuffer()))).toBe(layer);
      await flushAccessLog();
      const events = await prisma.pullEvent.findMany({ where: { customerId: customer.id, action: "blob" }, orderBy: { id: "asc" } });
      expect(events.map((event) => [event.status, Number(event.bytes), event.upstreamStatus])).toEqual([
        [200, bytes.length, 200],
        [200, bytes.length, 200],
      ]);
    });
  });

  it("serves nothing from the cache once the registry no longer has the blob, or refuses the license", async () => {
    await withCache(async (dir) => {
      const first = await largeLayerSetup("uncached");
      const { vendor, customer, licenseId, repository } = first;
      const layer = first.image.layerDigests[0]!;
      const name = first.name;
      // A second image of the same repository, so the revocation below is tried on a blob that is still upstream.
      const second = world.aws.pushFixtureImage({ accountId: ACCOUNT.accountId, region: REGION, repository, tag: "2.0", layers: [{ "data.bin": randomBytes(1536 * 1024).toString("base64") }] });
      const other = second.layerDigests[0]!;
      for (const digest of [layer, other]) await (await request(`/v2/${name}/blobs/${digest}`, { auth: basic(licenseId) })).arrayBuffer();
      await expect.poll(() => cachedFiles(dir).complete.length, { timeout: 5_000 }).toBe(2);
      delete world.aws.state.repositories[repositoryKey(ACCOUNT.accountId, REGION, repository)]!.blobs[layer];
      const gone = await request(`/v2/${name}/blobs/${layer}`, { auth: basic(licenseId) });
      expect(gone.status).toBe(404);
      expect((await errorOf(gone)).code).toBe("BLOB_UNKNOWN");
      await revokeCustomer(vendor.team.id, vendor.actor, customer.id);
      clearCustomerCache();
      expect((await request(`/v2/${name}/blobs/${other}`, { auth: basic(licenseId) })).status).toBe(403);
    });
  });

  it("never keeps a blob that did not match its digest", async () => {
    await withCache(async (dir) => {
      const { licenseId, image, name, repository } = await largeLayerSetup("badcache");
      const layer = image.layerDigests[0]!;
      world.aws.corruptBlob({ accountId: ACCOUNT.accountId, region: REGION, repository, digest: layer });
      const outcome = await request(`/v2/${name}/blobs/${layer}`, { auth: basic(licenseId) })
        .then((response) => response.arrayBuffer())
        .then(
          () => "complete",
          () => "aborted",
        );
      expect(outcome).toBe("aborted");
      await expect.poll(() => cachedFiles(dir), { timeout: 5_000 }).toEqual({ complete: [], temporary: [] });
      // Corrupting again flips the byte back: now it matches and is kept.
      world.aws.corruptBlob({ accountId: ACCOUNT.accountId, region: REGION, repository, digest: layer });
      expect(sha256(new Uint8Array(await (await request(`/v2/${name}/blobs/${layer}`, { auth: basic(licenseId) })).arrayBuffer()))).toBe(layer);
      await expect.poll(() => cachedFiles(dir).complete, { timeout: 5_000 }).toEqual([layer.replace(":", "-")]);
    });
  });

  it("stays within PROXY_BLOB_CACHE_MAX_MB, the least recently used blob out first", async () => {
    await withCache(async (dir) => {
      const repository = `bounded${Math.random().toString(36).slice(2, 8)}`;
      const vendor = await newVendorTeam();
      await iamRegistry(world, vendor);
      const { licenseId } = await newCustomer(vendor);
      const image = world.aws.pushSyntheticImage({ accountId: ACCOUNT.accountId, region: REGION, repository, tag: "1", layerSizes: Array.from({ length: 6 }, () => 1100 * 1024) });
      const name = proxyName(world, vendor.application.slug, repository);
      const pull = async (digest: string) => {
        const digestOfBody = sha256(new Uint8Array(await (await request(`/v2/${name}/blobs/${digest}`, { auth: basic(licenseId) })).arrayBuffer()));
        // Each blob is kept once its response has ended: wait for it, so the order of use is the order of pulls.
        await expect.poll(() => cachedFiles(dir).complete, { timeout: 5_000 }).toContain(digest.replace(":", "-"));
        return digestOfBody;
      };
      const [first, second, ...rest] = image.layerDigests as [string, string, ...string[]];
      expect(await pull(first)).toBe(first);
      expect(await pull(second)).toBe(second);
      expect(await pull(first)).toBe(first);
      for (const digest of rest) expect(await pull(digest)).toBe(digest);
      // 6 x 1.1 MiB > 6 MiB: the second blob (used least recently) went; the first, used again, stayed.
      await expect.poll(() => cachedFiles(dir).complete.length, { timeout: 5_000 }).toBe(5);
      const kept = cachedFiles(dir).complete;
      expect(kept).not.toContain(second.replace(":", "-"));
      expect(kept).toContain(first.replace(":", "-"));
    }, "6");
  });

  it("does not keep blobs under 1 MiB, which known storage locations serve as cheaply", async () => {
    await withCache(async (dir) => {
      const { licenseId, image, name } = await pullSetup();
      for (const digest of image.layerDigests) expect(sha256(new Uint8Array(await (await request(`/v2/${name}/blobs/${digest}`, { auth: basic(licenseId) })).arrayBuffer()))).toBe(digest);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(fs.readdirSync(dir)).toEqual([]);
    });
  });
});

describe("the access log", () => {
  it("records token, manifest and blob requests with customer, registry, digest, bytes, address and user agent", async () => {
    const { vendor, registry, customer, licenseId, image, name } = await pullSetup();
    const auth = await bearer(licenseId, name);
    await request(`/v2/${name}/manifests/1.0`, { auth, headers: { "user-agent": "proxy-test/1.0" } });
    const blob = await request(`/v2/${name}/blobs/${image.layerDigests[0]}`, { auth });
    const size = (await blob.arrayBuffer()).byteLength;
    await flushAccessLog();
    const events = await prisma.pullEvent.findMany({ where: { teamId: vendor.team.id, customerId: customer.id }, orderBy: { id: "asc" } });
    expect(events.map((event) => event.action)).toEqual(["token", "manifest", "blob"]);
    const [token, manifest, layer] = events as [(typeof events)[0], (typeof events)[0], (typeof events)[0]];
    expect(token).toMatchObject({ status: 200, applicationId: vendor.application.id, registryId: null });
    expect(manifest).toMatchObject({ status: 200, registryId: registry.id, repository: name, reference: "1.0", digest: image.digest, upstreamStatus: 200, userAgent: "proxy-test/1.0", method: "GET" });
    expect(manifest.clientAddress).toMatch(/127\.0\.0\.1/);
    expect(Number(manifest.bytes)).toBe(Buffer.byteLength(image.manifest));
    expect(layer).toMatchObject({ status: 200, digest: image.layerDigests[0], upstreamStatus: 200 });
    expect(Number(layer.bytes)).toBe(size);
    expect(layer.durationMs).toBeGreaterThanOrEqual(0);
    // Written as UTC, like every other timestamp Prisma stores.
    expect(Math.abs(layer.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  });
});
