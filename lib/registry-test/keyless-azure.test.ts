// Azure Container Registry, keyless: the setup commands the registry page
// shows, applied to the Azure stand-in (Entra ID checks the portal's token
// against the issuer's live discovery document and JWKS, then the app's
// federated credentials), the Test, its diagnoses in Entra's terms, the
// negative check, and skopeo pulling through the proxy with a license.
import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { clearUpstreamLogins } from "@/lib/proxy/upstream-credentials";
import { getRegistryOidcSetup } from "@/lib/registries/oidc-setup";
import { PROVIDERS } from "@/lib/registries/providers";
import { ZCreateRegistryInput, ZUpdateRegistryInput } from "@/lib/registries/schema";
import { createRegistry, updateRegistry } from "@/lib/registries/service";
import { testRegistry } from "@/lib/registry-test/service";
import type { RegistryTestResult } from "@/lib/registry-test/steps";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { newCustomer, newVendorTeam, startProxyWorld, type ProxyWorld } from "@/test/support/proxy-world";
import type { PushedImage } from "@/tools/reference-registry/push-image";
import { startAzureStandIn, type AzureStandIn, type EntraApplication, type FederatedCredential } from "@/tools/registry-standins";
import { applyAzScript } from "@/tools/registry-standins/az";

const run = promisify(execFile);
const TENANT = "5d1c2b3a-4e5f-4a6b-9c8d-7e6f5a4b3c2d";

let world: ProxyWorld;
let azure: AzureStandIn;
let pushed: PushedImage;
let home: string;

beforeAll(async () => {
  await useIsolatedDatabase("keyless_azure");
  world = await startProxyWorld();
  azure = await startAzureStandIn({ registryName: "keylessvendor", applications: [] });
  pushed = await azure.push("acme/app", "1.0", { layers: 2 });
  await azure.push("acme/tool", "1.0");
  Object.assign(process.env, {
    REGISTRY_ENDPOINT_OVERRIDES: `${azure.hostname}=${azure.url},${process.env.REGISTRY_ENDPOINT_OVERRIDES}`,
    AUTH_ENDPOINT_OVERRIDES: `login.microsoftonline.com=${azure.url}`,
  });
  resetEnvCache();
  clearUpstreamLogins();
  home = fs.mkdtempSync(path.join(os.tmpdir(), "keyless-azure-skopeo-"));
});

afterAll(async () => {
  await world?.close();
  await azure?.close();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

function skopeo(args: string[]) {
  return run("skopeo", args, { env: { NODE_ENV: "test", PATH: process.env.PATH, HOME: home }, maxBuffer: 16 * 1024 * 1024 });
}

/** A vendor with an app registration in Entra (no secret, no federated credential, no role yet) and a keyless registry for it. */
async function keylessVendor(permissions: { acrPermissionsMode?: "" | "abac"; abacRepositories?: string } = {}) {
  const vendor = await newVendorTeam();
  const application: EntraApplication = { tenantId: TENANT, clientId: randomUUID(), secrets: [], acrPull: false, federatedCredentials: [] };
  azure.applications.push(application);
  const registry = await createRegistry(
    vendor.team.id,
    vendor.actor,
    ZCreateRegistryInput.parse({ provider: "azure", name: "", hostname: azure.hostname, authType: "federated", tenantId: TENANT.toUpperCase(), clientId: application.clientId, ...permissions, allApplications: true, applicationIds: [] }),
  );
  return { vendor, application, registry };
}

/** The commands as the registry page shows them for this registry (the same function, the same values). */
async function shownCommands(vendor: Awaited<ReturnType<typeof keylessVendor>>["vendor"], clientId: string, permissions: { acrPermissionsMode?: string; abacRepositories?: string } = {}): Promise<string[]> {
  const { oidc } = await getRegistryOidcSetup(vendor.team.publicId);
  const guide = PROVIDERS.azure.federation!.setupGuide({
    issuerUrl: oidc.issuerUrl,
    subject: oidc.subject,
    hostname: azure.hostname,
    settings: { tenantId: TENANT, clientId, ...permissions },
    localEndpoints: oidc.keylessLocalEndpoints ?? {},
  });
  return guide.steps.flatMap((step) => (step.command ? [step.command] : []));
}

/** The commands applied to the stand-in as the az CLI would (tools/registry-standins/az.ts), optionally with the credential altered. */
function applyAzCommands(commands: string[], editCredential?: (credential: FederatedCredential) => FederatedCredential) {
  applyAzScript(commands.join("\n"), azure, editCredential ? { editCredential } : {});
}

function step(result: RegistryTestResult, id: string) {
  return result.steps.find((candidate) => candidate.id === id)!;
}

function expectBlobsMatchTheirNames(directory: string, digests: string[]) {
  for (const digest of digests) {
    const file = path.join(directory, digest.slice("sha256:".length));
    expect(`sha256:${createHash("sha256").update(fs.readFileSync(file)).digest("hex")}`).toBe(digest);
  }
}

describe("Azure keyless (federated identity credential)", () => {
  it("follows the page's setup to a green Test with no secret stored, then customers pull through the proxy", async () => {
    const { vendor, application, registry } = await keylessVendor();
    const commands = await shownCommands(vendor, application.clientId);
    applyAzCommands(commands);
    expect(application.federatedCredentials).toEqual([expect.objectContaining({ issuer: world.issuer.url, subject: vendor.team.publicId, audiences: ["api://AzureADTokenExchange"] })]);

    const { result } = await testRegistry(vendor.team, vendor.actor, registry.id, { image: "acme/app:1.0" });
    expect(result.verdict, JSON.stringify(result.steps)).toBe("verified");
    expect(step(result, "sign-token").detail).toContain("audience api://AzureADTokenExchange");
    expect(step(result, "credential-exchange").requestId).toMatch(/^[0-9a-f-]{36}$/);
    // The stranger was refused where Entra decides, with its code unchanged.
    expect(step(result, "negative-check")).toMatchObject({ status: "passed", detail: expect.stringContaining("AADSTS70021") });
    // Entra's check, not an AWS call: no STS API named under it.
    expect(step(result, "negative-check")).not.toHaveProperty("api");
    expect(result.sentClaims).toMatchObject({ iss: world.issuer.url, sub: vendor.team.publicId, aud: "api://AzureADTokenExchange" });
    const stored = await prisma.registry.findUniqueOrThrow({ where: { id: registry.id }, select: { encryptedCredentials: true, negativeCheckTarget: true, testStatus: true } });
    expect(stored).toMatchObject({ encryptedCredentials: null, negativeCheckTarget: `azure:${TENANT}/${application.clientId}`, testStatus: "verified" });

    const { licenseId } = await newCustomer(vendor);
    const target = path.join(home, "copied");
    await skopeo(["copy", "--src-tls-verify=false", "--src-creds", `${licenseId}:${licenseId}`, `docker://${world.proxyHost}/proxy/${vendor.application.slug}/${azure.hostname}/acme/app:1.0`, `dir:${target}`]);
    expect(fs.readFileSync(path.join(target, "manifest.json"), "utf8")).toBe(pushed.manifest);
    expectBlobsMatchTheirNames(target, [pushed.configDigest!, ...pushed.layerDigests]);
  });

  it("makes the keyless exchange once for concurrent pulls of several repositories (single-flight, cached per registry)", async () => {
    const { vendor, application, registry } = await keylessVendor();
    applyAzCommands(await shownCommands(vendor, application.clientId));
    expect((await testRegistry(vendor.team, vendor.actor, registry.id, {})).result.verdict).toBe("verified");
    clearUpstreamLogins();
    const { licenseId } = await newCustomer(vendor);
    const count = (pattern: RegExp) => azure.requests.filter((request) => pattern.test(request.path)).length;
    const [entraBefore, exchangeBefore] = [count(/\/oauth2\/v2\.0\/token$/), count(/^\/oauth2\/exchange$/)];
    await Promise.all(
      ["acme/app", "acme/tool", "acme/app"].map((repository) =>
        skopeo(["inspect", "--tls-verify=false", "--no-tags", "--creds", `${licenseId}:${licenseId}`, `docker://${world.proxyHost}/proxy/${vendor.application.slug}/${azure.hostname}/${repository}:1.0`]),
      ),
    );
    expect(count(/\/oauth2\/v2\.0\/token$/) - entraBefore).toBe(1);
    expect(count(/^\/oauth2\/exchange$/) - exchangeBefore).toBe(1);
  });

  it("says Entra found no federated credential for the team's subject (AADSTS70021) when the credential names another subject", async () => {
    const { vendor, application, registry } = await keylessVendor();
    applyAzCommands(await shownCommands(vendor, application.clientId), (parameters) => ({ ...parameters, subject: "another-team-subject" }));
    const { result } = await testRegistry(vendor.team, vendor.actor, registry.id, { image: "acme/app:1.0" });
    const exchange = step(result, "credential-exchange");
    expect(exchange.status).toBe("failed");
    expect(exchange.diagnosis!.summary).toMatch(/AADSTS70021/);
    expect(exchange.diagnosis!.fix).toContain(vendor.team.publicId);
    expect(exchange.diagnosis!.awsMessage).toMatch(/^AADSTS70021: No matching federated identity record found for presented assertion\. Assertion Issuer/);
    expect(exchange.requestId).toBeDefined();
  });

  it("says the credential's audience is wrong (AADSTS700212)", async () => {
    const { vendor, application, registry } = await keylessVendor();
    applyAzCommands(await shownCommands(vendor, application.clientId), (parameters) => ({ ...parameters, audiences: ["api://SomethingElse"] }));
    const { result } = await testRegistry(vendor.team, vendor.actor, registry.id, { image: "acme/app:1.0" });
    const exchange = step(result, "credential-exchange");
    expect(exchange.diagnosis!.summary).toMatch(/audience is not api:\/\/AzureADTokenExchange \(AADSTS700212\)/);
    expect(exchange.diagnosis!.awsMessage).toMatch(/^AADSTS700212:/);
  });

  it("says Entra ID cannot reach the portal's issuer (AADSTS50166) when the issuer does not answer from Entra's side", async () => {
    const { vendor, application, registry } = await keylessVendor();
    applyAzCommands(await shownCommands(vendor, application.clientId));
    // Entra's network sends the issuer's origin to a closed port; the portal itself still serves its documents.
    const issuerOrigin = new URL(world.issuer.url).origin;
    azure.network.set(issuerOrigin, "http://127.0.0.1:9");
    try {
      expect((await fetch(`${world.issuer.url}/.well-known/openid-configuration`)).status).toBe(200);
      const { result } = await testRegistry(vendor.team, vendor.actor, registry.id, { image: "acme/app:1.0" });
      expect(result.verdict).toBe("failing");
      const exchange = step(result, "credential-exchange");
      expect(exchange.status).toBe("failed");
      expect(exchange.diagnosis!.summary).toBe("Entra ID could not fetch the portal's OpenID Connect documents (AADSTS50166).");
      expect(exchange.diagnosis!.fix).toMatch(/reachable from the internet/);
      expect(exchange.diagnosis!.awsCode).toBe("invalid_request");
      expect(exchange.diagnosis!.awsMessage).toMatch(/^AADSTS50166: Request to External OIDC endpoint failed\.\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
      expect(exchange.requestId).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      azure.network.delete(issuerOrigin);
    }
    // Reachable again: the same registry goes green with nothing changed in Entra.
    expect((await testRegistry(vendor.team, vendor.actor, registry.id, { image: "acme/app:1.0" })).result.verdict).toBe("verified");
  });

  it("says the identity may not pull without AcrPull", async () => {
    const { vendor, application, registry } = await keylessVendor();
    applyAzCommands((await shownCommands(vendor, application.clientId)).filter((command) => !command.includes("az role assignment")));
    const { result } = await testRegistry(vendor.team, vendor.actor, registry.id, { image: "acme/app:1.0" });
    expect(result.verdict).toBe("failing");
    expect(step(result, "negative-check").status).toBe("passed");
    expect(step(result, "registry-token").diagnosis!.summary).toBe("The identity may not pull acme/app: ACR found no pull role for it on the registry.");
    expect(step(result, "registry-token").diagnosis!.snippet).toMatch(/^az role assignment create --assignee \S+ --role AcrPull/);
    expect(step(result, "registry-token").diagnosis!.fix).toMatch(/AcrPull/);
  });

  it("reports a wildcard (flexible) credential unsafe, and the proxy refuses it, even after an earlier pass", async () => {
    const { vendor, application, registry } = await keylessVendor();
    applyAzCommands(await shownCommands(vendor, application.clientId));
    expect((await testRegistry(vendor.team, vendor.actor, registry.id, {})).result.verdict).toBe("verified");
    // Someone adds a flexible credential trusting every subject of the issuer.
    application.federatedCredentials!.push({ name: "anyone", issuer: world.issuer.url, claimsMatchingExpression: "claims['sub'] matches '*'", audiences: ["api://AzureADTokenExchange"] });

    // The proxy's daily re-check (the last pass is over a day old) finds it and refuses the pull.
    await prisma.registry.update({ where: { id: registry.id }, data: { negativeCheckPassedAt: new Date(Date.now() - 25 * 3600_000) } });
    clearUpstreamLogins();
    const { licenseId } = await newCustomer(vendor);
    const reference = `docker://${world.proxyHost}/proxy/${vendor.application.slug}/${azure.hostname}/acme/app:1.0`;
    const refused = await skopeo(["inspect", "--tls-verify=false", "--no-tags", "--creds", `${licenseId}:${licenseId}`, reference]).then(
      () => null,
      (error: { stderr?: string }) => error.stderr ?? "",
    );
    expect(refused).toMatch(/denied/i);
    expect(refused).toMatch(/keyless federation has not passed the portal's safety check/);
    expect(await prisma.registry.findUniqueOrThrow({ where: { id: registry.id } })).toMatchObject({ testStatus: "unsafe", negativeCheckPassedAt: null });

    // The Test says so too, with what to fix, and uses nothing further.
    const { result } = await testRegistry(vendor.team, vendor.actor, registry.id, { image: "acme/app:1.0" });
    expect(result.verdict).toBe("unsafe");
    expect(step(result, "negative-check").diagnosis!.summary).toMatch(/^Unsafe: Entra ID accepted a token for \S+, which is not your team/);
    expect(step(result, "negative-check").diagnosis!.fix).toContain(vendor.team.publicId);
    expect(step(result, "registry-login").status).toBe("skipped");
  });
});

describe("Azure keyless on a registry with ABAC repository permissions", () => {
  /** The stand-in's registry in "RBAC Registry + ABAC Repository Permissions" mode for the duration of `body`. */
  async function onAbacRegistry(body: () => Promise<void>) {
    azure.roleAssignmentMode = "AbacRepositoryPermissions";
    clearUpstreamLogins();
    try {
      await body();
    } finally {
      azure.roleAssignmentMode = "LegacyRegistryPermissions";
      clearUpstreamLogins();
    }
  }

  it("assigns Container Registry Repository Reader limited to the listed repositories: the page's commands applied, Test green, and another repository refused by the condition until the diagnosis's command adds it", async () => {
    await onAbacRegistry(async () => {
      const permissions = { acrPermissionsMode: "abac", abacRepositories: "acme/app" } as const;
      const { vendor, application, registry } = await keylessVendor(permissions);
      const commands = await shownCommands(vendor, application.clientId, permissions);
      expect(commands.join("\n")).toContain("--role 'Container Registry Repository Reader'");
      applyAzCommands(commands);
      expect(application.acrPull).toBe(false);
      expect(application.repositoryReader).toEqual({ repositories: [{ operator: "StringEqualsIgnoreCase", value: "acme/app" }] });

      const { result } = await testRegistry(vendor.team, vendor.actor, registry.id, { image: "acme/app:1.0" });
      expect(result.verdict, JSON.stringify(result.steps)).toBe("verified");

      // A repository the condition does not name: ACR refuses it, and the diagnosis says so with the command that adds it.
      const other = (await testRegistry(vendor.team, vendor.actor, registry.id, { image: "acme/tool:1.0" })).result;
      expect(other.verdict).toBe("failing");
      const refused = other.steps.find((candidate) => candidate.status === "failed")!;
      expect(refused.diagnosis!.summary).toBe("The registry uses ABAC repository permissions and the role assignment's condition does not name acme/tool, so ACR refuses the pull.");
      expect(refused.diagnosis!.snippet).toMatch(/^az role assignment delete --assignee \S+ --role 'Container Registry Repository Reader'/);
      expect(refused.diagnosis!.snippet).toContain("StringEqualsIgnoreCase '\\''acme/app'\\'' OR @Resource[Microsoft.ContainerRegistry/registries/repositories:name] StringEqualsIgnoreCase '\\''acme/tool'\\''");
      applyAzCommands([commands[0]!, refused.diagnosis!.snippet!]);
      expect((await testRegistry(vendor.team, vendor.actor, registry.id, { image: "acme/tool:1.0" })).result.verdict).toBe("verified");
    });
  });

  it("says the registry uses ABAC and needs Container Registry Repository Reader when only AcrPull is assigned, and goes green with the command it gives", async () => {
    await onAbacRegistry(async () => {
      const { vendor, application, registry } = await keylessVendor();
      applyAzCommands(await shownCommands(vendor, application.clientId));
      expect(application.acrPull).toBe(true);
      const { result } = await testRegistry(vendor.team, vendor.actor, registry.id, { image: "acme/app:1.0" });
      expect(result.verdict).toBe("failing");
      expect(step(result, "credential-exchange").status).toBe("passed");
      const refused = result.steps.find((candidate) => candidate.status === "failed")!;
      expect(refused.diagnosis!.summary).toBe("The identity may not pull acme/app: ACR found no pull role for it on the registry.");
      expect(refused.diagnosis!.fix).toMatch(/RBAC Registry \+ ABAC Repository Permissions, AcrPull is not honoured: the registry uses ABAC, so assign Container Registry Repository Reader instead/);

      // The vendor marks the registry as ABAC: the diagnosis is then ABAC's, and its command is the fix.
      await updateRegistry(vendor.team.id, vendor.actor, ZUpdateRegistryInput.parse({ registryId: registry.id, provider: "azure", name: "", hostname: azure.hostname, authType: "federated", tenantId: TENANT, clientId: application.clientId, acrPermissionsMode: "abac", replaceAccessKey: false, allApplications: true, applicationIds: [] }));
      const abac = (await testRegistry(vendor.team, vendor.actor, registry.id, { image: "acme/app:1.0" })).result;
      const diagnosis = abac.steps.find((candidate) => candidate.status === "failed")!.diagnosis!;
      expect(diagnosis.summary).toMatch(/^The registry uses ABAC repository permissions: assign Container Registry Repository Reader\. ACR refuses the pull of acme\/app/);
      expect(diagnosis.snippet).toMatch(/^az role assignment create --assignee \S+ --role 'Container Registry Repository Reader'/);
      applyAzCommands([(await shownCommands(vendor, application.clientId))[0]!, diagnosis.snippet!]);
      expect((await testRegistry(vendor.team, vendor.actor, registry.id, { image: "acme/app:1.0" })).result.verdict).toBe("verified");
    });
  });
});
