// The Test against each provider's stand-in (tools/registry-standins), over
// real HTTP with the provider's own login flow: Docker Hub's auth.docker.io
// realm reached through AUTH_ENDPOINT_OVERRIDES, GHCR, Quay's robot, GitLab's
// deploy token, Azure's Entra ID + /oauth2/exchange + refresh token, and
// Google's `_json_key`; plus each flow's characteristic refusal.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegistryCredentials } from "@/lib/registries/credentials";
import { PROVIDERS, type RegistryProvider } from "@/lib/registries/providers";
import { parseServiceAccountKey } from "@/lib/registries/providers/google";
import { trustedOriginsOf, type AuthEndpoints } from "@/lib/registry-auth/endpoints";
import { runOciRegistryTest } from "@/lib/registry-test/run-oci-test";
import type { RegistryTestResult } from "@/lib/registry-test/steps";
import { createServiceAccountKey, startAzureStandIn, startDockerHubStandIn, startGhcrStandIn, startGitlabStandIn, startGoogleStandIn, startQuayStandIn, type StandIn } from "@/tools/registry-standins";

const stepOf = (result: RegistryTestResult, id: string) => result.steps.find((step) => step.id === id)!;

async function testAgainst(standIn: StandIn, provider: RegistryProvider, hostname: string, credentials: RegistryCredentials, image: string, authHosts: string[] = []): Promise<RegistryTestResult> {
  const registryOverrides = [{ hostname: PROVIDERS[provider].apiHostname(hostname), baseUrl: standIn.url }];
  const authOverrides = authHosts.map((host) => ({ hostname: host, baseUrl: standIn.url }));
  const endpoints: AuthEndpoints = { registryOverrides, authOverrides, trustedOrigins: trustedOriginsOf(registryOverrides, authOverrides, undefined) };
  const [repository, reference] = image.split(":");
  return (await runOciRegistryTest({ provider: PROVIDERS[provider], hostname, credentials }, { endpoints, image: { repository: repository!, reference: reference! } })).result;
}

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

describe("Docker Hub", () => {
  const ACCOUNT = { username: "acmevendor", token: "dckr_pat_acme-vendor-token-1", access: [{ repository: "acmevendor/*", actions: ["pull" as const] }] };
  let hub: StandIn;
  beforeAll(async () => {
    hub = await startDockerHubStandIn({ accounts: [ACCOUNT], realmOrigin: "https://auth.docker.io" });
    closers.push(() => hub.close());
    await hub.push("acmevendor/app", "1.0");
  });

  it("is green through registry-1.docker.io and auth.docker.io, both overridden", async () => {
    const result = await testAgainst(hub, "docker-hub", "docker.io", { authType: "basic", username: ACCOUNT.username, password: ACCOUNT.token }, "acmevendor/app:1.0", ["auth.docker.io"]);
    expect(result.verdict, JSON.stringify(result.steps)).toBe("verified");
  });

  it("names a wrong token in Docker Hub's terms, with its answer unchanged", async () => {
    const result = await testAgainst(hub, "docker-hub", "docker.io", { authType: "basic", username: ACCOUNT.username, password: "dckr_pat_wrong" }, "acmevendor/app:1.0", ["auth.docker.io"]);
    const login = stepOf(result, "registry-login");
    expect(login.diagnosis?.summary).toBe(PROVIDERS["docker-hub"].terms.wrongCredentials.summary);
    expect(login.diagnosis?.awsMessage).toBe("incorrect username or password");
  });
});

describe("GHCR, Quay and GitLab", () => {
  let ghcr: StandIn;
  let quay: StandIn;
  let gitlab: StandIn;
  beforeAll(async () => {
    ghcr = await startGhcrStandIn({ tokens: [{ username: "octo-vendor", token: "ghp_classicReadPackages000000000000000001" }] });
    quay = await startQuayStandIn({ robots: [{ name: "acme+puller", token: "QUAYROBOTTOKEN0001", access: [{ repository: "acme/app", actions: ["pull"] }] }] });
    gitlab = await startGitlabStandIn({ tokens: [{ username: "gitlab+deploy-token-42", token: "gldt-deploytoken0001", projects: ["acme/app"] }] });
    closers.push(() => ghcr.close(), () => quay.close(), () => gitlab.close());
    await Promise.all([ghcr.push("octo-vendor/app", "1.0"), quay.push("acme/app", "1.0"), quay.push("acme/secret", "1.0"), gitlab.push("acme/app/backend", "1.0")]);
  });

  it("is green for each with its credential", async () => {
    const results = await Promise.all([
      testAgainst(ghcr, "ghcr", "ghcr.io", { authType: "basic", username: "octo-vendor", password: "ghp_classicReadPackages000000000000000001" }, "octo-vendor/app:1.0"),
      testAgainst(quay, "quay", "quay.io", { authType: "basic", username: "acme+puller", password: "QUAYROBOTTOKEN0001" }, "acme/app:1.0"),
      testAgainst(gitlab, "gitlab", "registry.gitlab.com", { authType: "basic", username: "gitlab+deploy-token-42", password: "gldt-deploytoken0001" }, "acme/app/backend:1.0"),
    ]);
    for (const result of results) expect(result.verdict, JSON.stringify(result.steps)).toBe("verified");
  });

  it("says a Quay robot has no read permission on a repository in Quay's terms", async () => {
    const result = await testAgainst(quay, "quay", "quay.io", { authType: "basic", username: "acme+puller", password: "QUAYROBOTTOKEN0001" }, "acme/secret:1.0");
    const failed = result.steps.find((step) => step.status === "failed")!;
    expect(failed.diagnosis?.summary).toBe(PROVIDERS.quay.terms.noPullPermission("acme/secret").summary);
  });
});

describe("Azure Container Registry", () => {
  const TENANT = "11111111-2222-3333-4444-555555555555";
  const PULLER = { tenantId: TENANT, clientId: "aaaaaaaa-0000-0000-0000-000000000001", secrets: [{ value: "puller~secret" }], acrPull: true };
  const NO_ROLE = { tenantId: TENANT, clientId: "aaaaaaaa-0000-0000-0000-000000000002", secrets: [{ value: "norole~secret" }], acrPull: false };
  let acr: Awaited<ReturnType<typeof startAzureStandIn>>;
  beforeAll(async () => {
    acr = await startAzureStandIn({ registryName: "acmevendor", applications: [PULLER, NO_ROLE], tokens: [{ username: "pull-token", password: "acr-token-password" }] });
    closers.push(() => acr.close());
    await acr.push("app", "1.0");
  });
  const principal = (clientId: string, clientSecret: string): RegistryCredentials => ({ authType: "service_principal", tenantId: TENANT, clientId, clientSecret });

  it("is green with a service principal: Entra ID, /oauth2/exchange, then a refresh-token grant", async () => {
    const result = await testAgainst(acr, "azure", acr.hostname, principal(PULLER.clientId, "puller~secret"), "app:1.0", ["login.microsoftonline.com"]);
    expect(result.verdict, JSON.stringify(result.steps)).toBe("verified");
    expect(stepOf(result, "credential-exchange").status).toBe("passed");
  });

  it("is green with an ACR token (username and password)", async () => {
    const result = await testAgainst(acr, "azure", acr.hostname, { authType: "basic", username: "pull-token", password: "acr-token-password" }, "app:1.0");
    expect(result.verdict, JSON.stringify(result.steps)).toBe("verified");
  });

  it("explains a wrong client secret with Entra ID's AADSTS code", async () => {
    const result = await testAgainst(acr, "azure", acr.hostname, principal(PULLER.clientId, "wrong"), "app:1.0", ["login.microsoftonline.com"]);
    const exchange = stepOf(result, "credential-exchange");
    expect(exchange.diagnosis?.summary).toMatch(/AADSTS7000215/);
    expect(exchange.diagnosis?.awsCode).toBe("invalid_client");
  });

  it("says a service principal without AcrPull may not pull", async () => {
    const result = await testAgainst(acr, "azure", acr.hostname, principal(NO_ROLE.clientId, "norole~secret"), "app:1.0", ["login.microsoftonline.com"]);
    const failed = result.steps.find((step) => step.status === "failed")!;
    expect(failed.diagnosis?.fix).toMatch(/AcrPull/);
  });
});

describe("Google Artifact Registry", () => {
  const { keyFile, account } = createServiceAccountKey({ projectId: "acme-prod", name: "puller", access: [{ repository: "acme-prod/images/*", actions: ["pull"] }] });
  let gar: Awaited<ReturnType<typeof startGoogleStandIn>>;
  beforeAll(async () => {
    gar = await startGoogleStandIn({ hostname: "europe-west1-docker.pkg.dev", serviceAccounts: [account] });
    closers.push(() => gar.close());
    await gar.push("acme-prod/images/app", "1.0");
  });

  it("is green with the JSON key as _json_key, a key the form accepts", async () => {
    expect(parseServiceAccountKey(JSON.stringify(keyFile)).ok).toBe(true);
    const result = await testAgainst(gar, "google", "europe-west1-docker.pkg.dev", { authType: "json_key", jsonKey: JSON.stringify(keyFile) }, "acme-prod/images/app:1.0");
    expect(result.verdict, JSON.stringify(result.steps)).toBe("verified");
  });

  it("says a disabled key was refused, with Google's answer unchanged", async () => {
    account.keys[0]!.disabled = true;
    try {
      const result = await testAgainst(gar, "google", "europe-west1-docker.pkg.dev", { authType: "json_key", jsonKey: JSON.stringify(keyFile) }, "acme-prod/images/app:1.0");
      const login = stepOf(result, "registry-login");
      expect(login.diagnosis?.summary).toBe(PROVIDERS.google.terms.wrongCredentials.summary);
      expect(login.diagnosis?.fix).toMatch(/disabled/);
      expect(login.diagnosis?.awsMessage).toBe("invalid_grant: Invalid JWT Signature.");
    } finally {
      account.keys[0]!.disabled = false;
    }
  });
});
