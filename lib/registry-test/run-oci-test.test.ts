// The Test of an OCI registry against the real distribution registry
// (tools/reference-registry), in both of its auth modes, over real HTTP:
// green with the right credentials, and the right diagnosis for a wrong
// password, a credential without the pull scope and an unknown repository.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushImage, startReferenceRegistry, type ReferenceRegistry } from "@/tools/reference-registry";
import type { RegistryCredentials } from "@/lib/registries/credentials";
import { PROVIDERS } from "@/lib/registries/providers";
import { trustedOriginsOf, type AuthEndpoints } from "@/lib/registry-auth/endpoints";
import { runOciRegistryTest } from "@/lib/registry-test/run-oci-test";
import type { RegistryTestResult } from "@/lib/registry-test/steps";

const HOST = "registry.example.test:5000";
const VENDOR = { username: "vendor", password: "vendor-password-1" };
const READER = { username: "reader", password: "reader-password-1" };

function endpointsFor(registry: ReferenceRegistry, options: { trustRealm?: boolean } = {}): AuthEndpoints {
  const registryOverrides = [{ hostname: HOST, baseUrl: registry.baseUrl }];
  const realm = registry.tokenIssuer?.realm;
  const authOverrides = realm && options.trustRealm !== false ? [{ hostname: "auth.example.test", baseUrl: new URL(realm).origin }] : [];
  return { registryOverrides, authOverrides, trustedOrigins: trustedOriginsOf(registryOverrides, authOverrides, undefined) };
}

async function test(registry: ReferenceRegistry, credentials: RegistryCredentials, image?: string, options: { trustRealm?: boolean } = {}): Promise<RegistryTestResult> {
  const [repository, reference] = image ? image.split(":") : [];
  const run = await runOciRegistryTest(
    { provider: PROVIDERS.generic, hostname: HOST, credentials },
    { endpoints: endpointsFor(registry, options), ...(image ? { image: { repository: repository!, reference: reference! } } : {}) },
  );
  return run.result;
}

const basic = (user: { username: string; password: string }): RegistryCredentials => ({ authType: "basic", ...user });
const stepOf = (result: RegistryTestResult, id: string) => result.steps.find((step) => step.id === id)!;

describe("the Test of an OCI registry with htpasswd (Basic) auth", () => {
  let registry: ReferenceRegistry;
  beforeAll(async () => {
    registry = await startReferenceRegistry({ auth: "htpasswd", users: [VENDOR] });
    await pushImage(registry, "vendor/app", "1.0", VENDOR, { layers: 2 });
  });
  afterAll(() => registry?.stop());

  it("passes with the right password and finds the image", async () => {
    const result = await test(registry, basic(VENDOR), "vendor/app:1.0");
    expect(result.verdict, JSON.stringify(result.steps)).toBe("verified");
    expect(stepOf(result, "registry-login").detail).toMatch(/accepted the credentials \(Basic\)/);
    expect(stepOf(result, "manifest").detail).toMatch(/vendor\/app:1\.0 found: sha256:/);
  });

  it("fails at the login for a wrong password, saying the registry refused the credentials", async () => {
    const result = await test(registry, basic({ username: "vendor", password: "wrong" }), "vendor/app:1.0");
    expect(result.verdict).toBe("failing");
    const login = stepOf(result, "registry-login");
    expect(login.status).toBe("failed");
    expect(login.diagnosis?.summary).toBe(PROVIDERS.generic.terms.wrongCredentials.summary);
    expect(login.diagnosis?.setupStep).toBe("credential");
    expect(stepOf(result, "manifest").status).toBe("skipped");
  });

  it("fails at the manifest for an unknown repository, with the registry's own code and message", async () => {
    const result = await test(registry, basic(VENDOR), "vendor/missing:1.0");
    const manifest = stepOf(result, "manifest");
    expect(manifest.status).toBe("failed");
    expect(manifest.diagnosis?.summary).toBe(PROVIDERS.generic.terms.unknownRepository("vendor/missing").summary);
    expect(manifest.diagnosis?.awsCode).toBe("NAME_UNKNOWN");
    expect(manifest.diagnosis?.awsMessage).toMatch(/repository name not known to registry/);
  });

  it("fails at the manifest for an unknown tag, naming the repository's tags", async () => {
    const manifest = stepOf(await test(registry, basic(VENDOR), "vendor/app:2.0"), "manifest");
    expect(manifest.diagnosis?.summary).toMatch(/vendor\/app:2\.0 was not found/);
    expect(manifest.diagnosis?.fix).toMatch(/Tags in vendor\/app: 1\.0\./);
    expect(manifest.diagnosis?.awsCode).toBe("MANIFEST_UNKNOWN");
  });

  it("says an anonymous login is refused by a registry that needs credentials", async () => {
    const result = await test(registry, { authType: "anonymous" }, "vendor/app:1.0");
    expect(stepOf(result, "registry-login").diagnosis?.summary).toMatch(/requires a username and password/);
  });
});

describe("the Test of an OCI registry with token auth", () => {
  let registry: ReferenceRegistry;
  beforeAll(async () => {
    registry = await startReferenceRegistry({ auth: "token", users: [VENDOR, { ...READER, access: [{ repository: "vendor/*", actions: ["pull"] }] }] });
    await pushImage(registry, "vendor/app", "1.0", VENDOR, { layers: 2 });
    await pushImage(registry, "other/app", "1.0", VENDOR, { layers: 1 });
  });
  afterAll(() => registry?.stop());

  it("passes: the token server's token logs in, carries the pull scope, and finds the image", async () => {
    const result = await test(registry, basic(READER), "vendor/app:1.0");
    expect(result.verdict, JSON.stringify(result.steps)).toBe("verified");
    expect(stepOf(result, "registry-token").detail).toMatch(/repository:vendor\/app:pull \(granted: pull\)/);
    const requests = registry.tokenIssuer!.requests.filter((request) => request.username === "reader");
    expect(requests.some((request) => request.scopes.includes("repository:vendor/app:pull"))).toBe(true);
  });

  it("fails at the login for a wrong password, showing the token server's error unchanged", async () => {
    const result = await test(registry, basic({ username: "reader", password: "wrong" }), "vendor/app:1.0");
    const login = stepOf(result, "registry-login");
    expect(login.status).toBe("failed");
    expect(login.diagnosis?.summary).toBe(PROVIDERS.generic.terms.wrongCredentials.summary);
    expect(login.diagnosis?.awsCode).toBe("UNAUTHORIZED");
  });

  it("fails at the token for a repository the credential may not pull", async () => {
    const result = await test(registry, basic(READER), "other/app:1.0");
    const token = stepOf(result, "registry-token");
    expect(token.status).toBe("failed");
    expect(token.diagnosis?.summary).toBe(PROVIDERS.generic.terms.noPullPermission("other/app").summary);
    expect(stepOf(result, "manifest").status).toBe("skipped");
  });

  it("fails at the manifest for an unknown repository the credential may pull", async () => {
    const result = await test(registry, basic(READER), "vendor/missing:1.0");
    expect(stepOf(result, "registry-token").status).toBe("passed");
    expect(stepOf(result, "manifest").diagnosis?.awsCode).toBe("NAME_UNKNOWN");
  });

  it("refuses a token realm on an http:// or private address the operator did not allow, and sends it no credentials", async () => {
    const before = registry.tokenIssuer!.requests.length;
    const result = await test(registry, basic(READER), "vendor/app:1.0", { trustRealm: false });
    const login = stepOf(result, "registry-login");
    expect(login.status).toBe("failed");
    expect(login.diagnosis?.summary).toMatch(/refused to connect/);
    expect(registry.tokenIssuer!.requests.length).toBe(before);
  });
});
