// The Test of every provider against its stand-in (tools/registry-standins),
// over real HTTP with the providers' own token endpoints and error bodies:
// green with the right credential, and each error the provider documents
// diagnosed in the provider's terms, with its own code and message shown
// unchanged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegistryCredentials } from "@/lib/registries/credentials";
import { PROVIDERS, type RegistryProvider } from "@/lib/registries/providers";
import { trustedOriginsOf, type AuthEndpoints } from "@/lib/registry-auth/endpoints";
import { runOciRegistryTest } from "@/lib/registry-test/run-oci-test";
import type { RegistryTestResult, StepId } from "@/lib/registry-test/steps";
import {
  createServiceAccountKey,
  DOCKER_HUB_RATE_LIMIT,
  startAzureStandIn,
  startDockerHubStandIn,
  startGhcrStandIn,
  startGitlabStandIn,
  startGoogleStandIn,
  startHarborStandIn,
  startQuayStandIn,
  type AzureStandIn,
  type GoogleServiceAccount,
  type StandIn,
} from "@/tools/registry-standins";

function endpoints(registry: [string, StandIn], auth: [string, StandIn][] = []): AuthEndpoints {
  const registryOverrides = [{ hostname: registry[0], baseUrl: registry[1].url }];
  const authOverrides = auth.map(([hostname, standIn]) => ({ hostname, baseUrl: standIn.url }));
  return { registryOverrides, authOverrides, trustedOrigins: trustedOriginsOf(registryOverrides, authOverrides, undefined) };
}

async function runTest(provider: RegistryProvider, hostname: string, credentials: RegistryCredentials, image: string, via: AuthEndpoints): Promise<RegistryTestResult> {
  const [repository, reference] = image.split(":");
  const run = await runOciRegistryTest({ provider: PROVIDERS[provider], hostname, credentials }, { endpoints: via, image: { repository: repository!, reference: reference! } });
  return run.result;
}

/** The one failed step, checked against what the vendor must read. */
function failedStep(result: RegistryTestResult, id: StepId) {
  expect(result.verdict, JSON.stringify(result.steps)).toBe("failing");
  const step = result.steps.find((candidate) => candidate.id === id)!;
  expect(step.status, JSON.stringify(result.steps)).toBe("failed");
  return step.diagnosis!;
}

function expectGreen(result: RegistryTestResult) {
  expect(result.verdict, JSON.stringify(result.steps)).toBe("verified");
  expect(result.steps.every((step) => step.status === "passed")).toBe(true);
}

describe("Docker Hub", () => {
  const ACCOUNT = { username: "acmevendor", token: "dckr_pat_standInTest0001", access: [{ repository: "acmevendor/app", actions: ["pull" as const] }] };
  let hub: StandIn;
  let via: AuthEndpoints;
  const basic = (password = ACCOUNT.token): RegistryCredentials => ({ authType: "basic", username: ACCOUNT.username, password });

  beforeAll(async () => {
    hub = await startDockerHubStandIn({ accounts: [ACCOUNT], realmOrigin: "https://auth.docker.io" });
    await hub.push("acmevendor/app", "1.0");
    await hub.push("acmevendor/private", "1.0");
    via = endpoints(["registry-1.docker.io", hub], [["auth.docker.io", hub]]);
  });
  afterAll(() => hub?.close());

  it("is green for docker.io through registry-1.docker.io and auth.docker.io", async () => {
    expectGreen(await runTest("docker-hub", "docker.io", basic(), "acmevendor/app:1.0", via));
    expect(hub.requests.some((request) => request.path === "/token" && request.status === 200)).toBe(true);
  });

  it("says Docker Hub refused the token, with its own message", async () => {
    const diagnosis = failedStep(await runTest("docker-hub", "docker.io", basic("dckr_pat_wrong"), "acmevendor/app:1.0", via), "registry-login");
    expect(diagnosis.summary).toBe(PROVIDERS["docker-hub"].terms.wrongCredentials.summary);
    expect(diagnosis.awsMessage).toBe("incorrect username or password");
  });

  it("says the token may not pull a repository it was not given", async () => {
    const diagnosis = failedStep(await runTest("docker-hub", "docker.io", basic(), "acmevendor/private:1.0", via), "registry-token");
    expect(diagnosis.summary).toBe(PROVIDERS["docker-hub"].terms.noPullPermission("acmevendor/private").summary);
  });

  it("says Docker Hub is rate-limiting, with TOOMANYREQUESTS unchanged", async () => {
    hub.registryFault = DOCKER_HUB_RATE_LIMIT;
    try {
      const result = await runTest("docker-hub", "docker.io", basic(), "acmevendor/app:1.0", via);
      const failed = result.steps.find((step) => step.status === "failed")!;
      expect(failed.diagnosis!.summary).toMatch(/rate-limiting the portal \(429\)/);
      expect(failed.diagnosis!.awsCode).toBe("TOOMANYREQUESTS");
    } finally {
      hub.registryFault = null;
    }
  });
});

describe("GitHub Container Registry", () => {
  let ghcr: StandIn;
  let via: AuthEndpoints;
  const basic = (password: string): RegistryCredentials => ({ authType: "basic", username: "octo-vendor", password });

  beforeAll(async () => {
    ghcr = await startGhcrStandIn({
      tokens: [
        { username: "octo-vendor", token: "ghp_classic0001", access: [{ repository: "octo-vendor/*", actions: ["pull"] }] },
        { username: "octo-vendor", token: "github_pat_fine0001", kind: "fine-grained" },
        { username: "octo-vendor", token: "ghp_repoOnly0001", scopes: ["repo"] },
      ],
    });
    await ghcr.push("octo-vendor/app", "1.0");
    via = endpoints(["ghcr.io", ghcr]);
  });
  afterAll(() => ghcr?.close());

  it("is green with a classic token with read:packages", async () => {
    expectGreen(await runTest("ghcr", "ghcr.io", basic("ghp_classic0001"), "octo-vendor/app:1.0", via));
  });

  it.each(["ghp_wrong0001", "github_pat_fine0001"])("says GHCR refused %s, pointing at classic tokens", async (token) => {
    const diagnosis = failedStep(await runTest("ghcr", "ghcr.io", basic(token), "octo-vendor/app:1.0", via), "registry-login");
    expect(diagnosis.summary).toBe(PROVIDERS.ghcr.terms.wrongCredentials.summary);
    expect(diagnosis.fix).toMatch(/fine-grained tokens do not work/);
    expect(diagnosis).toMatchObject({ awsCode: "DENIED", awsMessage: "denied" });
  });

  it("says a classic token without read:packages may not pull, with GHCR's scope message", async () => {
    const diagnosis = failedStep(await runTest("ghcr", "ghcr.io", basic("ghp_repoOnly0001"), "octo-vendor/app:1.0", via), "registry-token");
    expect(diagnosis.summary).toBe(PROVIDERS.ghcr.terms.noPullPermission("octo-vendor/app").summary);
    expect(diagnosis.fix).toMatch(/read:packages/);
    expect(diagnosis.awsMessage).toBe("permission_denied: The token provided does not match expected scopes.");
  });
});

describe("Quay", () => {
  let quay: StandIn;
  let via: AuthEndpoints;
  const robot = (password = "QUAYROBOT0001"): RegistryCredentials => ({ authType: "basic", username: "acme+puller", password });

  beforeAll(async () => {
    quay = await startQuayStandIn({ robots: [{ name: "acme+puller", token: "QUAYROBOT0001", access: [{ repository: "acme/app", actions: ["pull"] }] }] });
    await quay.push("acme/app", "1.0");
    await quay.push("acme/secret", "1.0");
    via = endpoints(["quay.io", quay]);
  });
  afterAll(() => quay?.close());

  it("is green with a robot account", async () => {
    expectGreen(await runTest("quay", "quay.io", robot(), "acme/app:1.0", via));
  });

  it("says Quay refused the robot token, with Quay's message", async () => {
    const diagnosis = failedStep(await runTest("quay", "quay.io", robot("wrong"), "acme/app:1.0", via), "registry-login");
    expect(diagnosis.summary).toBe(PROVIDERS.quay.terms.wrongCredentials.summary);
    expect(diagnosis.awsMessage).toBe("Could not find robot with username: acme+puller and supplied password.");
  });

  it("says the robot has no read permission on a repository", async () => {
    const diagnosis = failedStep(await runTest("quay", "quay.io", robot(), "acme/secret:1.0", via), "registry-token");
    expect(diagnosis.summary).toBe("The robot has no Read permission on acme/secret.");
  });
});

describe("GitLab", () => {
  let gitlab: StandIn;
  let via: AuthEndpoints;
  const token = (username: string, password: string): RegistryCredentials => ({ authType: "basic", username, password });

  beforeAll(async () => {
    gitlab = await startGitlabStandIn({
      tokens: [
        { username: "gitlab+deploy-token-1", token: "gldt-right0001", projects: ["acme/app"] },
        { username: "gitlab+deploy-token-2", token: "gldt-noregistry0001", scopes: ["read_repository"], projects: ["acme/app"] },
      ],
      realmOrigin: "https://gitlab.com",
    });
    await gitlab.push("acme/app/backend", "1.0");
    via = endpoints(["registry.gitlab.com", gitlab], [["gitlab.com", gitlab]]);
  });
  afterAll(() => gitlab?.close());

  it("is green with a deploy token through the realm on gitlab.com", async () => {
    expectGreen(await runTest("gitlab", "registry.gitlab.com", token("gitlab+deploy-token-1", "gldt-right0001"), "acme/app/backend:1.0", via));
  });

  it("says GitLab refused the token, with its HTTP Basic message", async () => {
    const diagnosis = failedStep(await runTest("gitlab", "registry.gitlab.com", token("gitlab+deploy-token-1", "wrong"), "acme/app/backend:1.0", via), "registry-login");
    expect(diagnosis.summary).toBe(PROVIDERS.gitlab.terms.wrongCredentials.summary);
    expect(diagnosis.awsMessage).toMatch(/^HTTP Basic: Access denied/);
  });

  it("says a token without read_registry may not pull", async () => {
    const diagnosis = failedStep(await runTest("gitlab", "registry.gitlab.com", token("gitlab+deploy-token-2", "gldt-noregistry0001"), "acme/app/backend:1.0", via), "registry-token");
    expect(diagnosis.summary).toBe(PROVIDERS.gitlab.terms.noPullPermission("acme/app/backend").summary);
    expect(diagnosis.fix).toMatch(/read_registry/);
    expect(diagnosis.awsMessage).toBe("access forbidden");
  });
});

describe("Google Artifact Registry", () => {
  const HOST = "europe-west1-docker.pkg.dev";
  let gar: StandIn;
  let via: AuthEndpoints;
  let account: GoogleServiceAccount;
  let jsonKey: string;

  beforeAll(async () => {
    const created = createServiceAccountKey({ projectId: "acme-prod", name: "puller", access: [{ repository: "acme-prod/images/*", actions: ["pull"] }] });
    account = created.account;
    jsonKey = JSON.stringify(created.keyFile);
    gar = await startGoogleStandIn({ hostname: HOST, serviceAccounts: [account] });
    await gar.push("acme-prod/images/app", "1.0");
    via = endpoints([HOST, gar]);
  });
  afterAll(() => gar?.close());

  it("is green with the service account's JSON key as _json_key", async () => {
    expectGreen(await runTest("google", HOST, { authType: "json_key", jsonKey }, "acme-prod/images/app:1.0", via));
  });

  it("says Google refused a disabled key", async () => {
    account.keys[0]!.disabled = true;
    try {
      const diagnosis = failedStep(await runTest("google", HOST, { authType: "json_key", jsonKey }, "acme-prod/images/app:1.0", via), "registry-login");
      expect(diagnosis.summary).toBe(PROVIDERS.google.terms.wrongCredentials.summary);
      expect(diagnosis.fix).toMatch(/disabled or deleted/);
      expect(diagnosis.awsMessage).toBe("invalid_grant: Invalid JWT Signature.");
    } finally {
      account.keys[0]!.disabled = false;
    }
  });

  it("says the service account may not pull, with Artifact Registry's permission message", async () => {
    const diagnosis = failedStep(await runTest("google", HOST, { authType: "json_key", jsonKey }, "acme-prod/other/app:1.0", via), "registry-token");
    expect(diagnosis.summary).toBe(PROVIDERS.google.terms.noPullPermission("acme-prod/other/app").summary);
    expect(diagnosis.awsCode).toBe("DENIED");
    expect(diagnosis.awsMessage).toMatch(/^Permission "artifactregistry\.repositories\.downloadArtifacts" denied on resource "projects\/acme-prod\/locations\/europe-west1\/repositories\/other"/);
  });

  it("says the image is not there when the repository is unknown", async () => {
    const diagnosis = failedStep(await runTest("google", HOST, { authType: "json_key", jsonKey }, "acme-prod/images/missing:1.0", via), "manifest");
    expect(diagnosis.summary).toBe(PROVIDERS.google.terms.unknownRepository("acme-prod/images/missing").summary);
    expect(diagnosis.awsCode).toBe("NAME_UNKNOWN");
  });
});

describe("Azure Container Registry", () => {
  const TENANT = "11111111-2222-3333-4444-555555555555";
  const PULLER = { tenantId: TENANT, clientId: "aaaaaaaa-0000-4000-8000-000000000001", secrets: [{ value: "puller~secret" }, { value: "old~secret", expired: true }], acrPull: true };
  const NO_ROLE = { tenantId: TENANT, clientId: "aaaaaaaa-0000-4000-8000-000000000002", secrets: [{ value: "norole~secret" }], acrPull: false };
  let acr: AzureStandIn;
  let via: AuthEndpoints;
  const principal = (overrides: Partial<{ tenantId: string; clientId: string; clientSecret: string }> = {}): RegistryCredentials => ({
    authType: "service_principal",
    tenantId: TENANT,
    clientId: PULLER.clientId,
    clientSecret: "puller~secret",
    ...overrides,
  });

  beforeAll(async () => {
    acr = await startAzureStandIn({ registryName: "acmevendor", applications: [PULLER, NO_ROLE], tokens: [{ username: "pull-token", password: "acr-token-password" }] });
    await acr.push("acme/app", "1.0");
    via = endpoints([acr.hostname, acr], [["login.microsoftonline.com", acr]]);
  });
  afterAll(() => acr?.close());

  it("is green with a service principal: Entra ID, /oauth2/exchange, /oauth2/token", async () => {
    const result = await runTest("azure", acr.hostname, principal(), "acme/app:1.0", via);
    expectGreen(result);
    expect(result.steps.map((step) => step.id)).toEqual(["credential-exchange", "registry-login", "registry-token", "manifest"]);
    for (const path of [`/${TENANT}/oauth2/v2.0/token`, "/oauth2/exchange", "/oauth2/token"]) expect(acr.requests.some((request) => request.path === path && request.status === 200), path).toBe(true);
  });

  it("is green with an ACR token's username and password", async () => {
    expectGreen(await runTest("azure", acr.hostname, { authType: "basic", username: "pull-token", password: "acr-token-password" }, "acme/app:1.0", via));
  });

  it.each([
    ["a wrong client secret", { clientSecret: "wrong" }, "AADSTS7000215"],
    ["an expired client secret", { clientSecret: "old~secret" }, "AADSTS7000222"],
    ["an unknown client ID", { clientId: "bbbbbbbb-0000-4000-8000-000000000009" }, "AADSTS700016"],
    ["an unknown tenant", { tenantId: "99999999-0000-4000-8000-000000000000" }, "AADSTS90002"],
  ])("explains Entra ID's answer to %s", async (_case, overrides, code) => {
    const diagnosis = failedStep(await runTest("azure", acr.hostname, principal(overrides), "acme/app:1.0", via), "credential-exchange");
    expect(diagnosis.summary).toContain(code);
    expect(diagnosis.awsMessage).toMatch(new RegExp(`^${code}: `));
  });

  it("says a service principal without AcrPull may not pull", async () => {
    const diagnosis = failedStep(await runTest("azure", acr.hostname, principal({ clientId: NO_ROLE.clientId, clientSecret: "norole~secret" }), "acme/app:1.0", via), "registry-token");
    expect(diagnosis.summary).toBe(PROVIDERS.azure.terms.noPullPermission("acme/app").summary);
    expect(diagnosis.fix).toMatch(/AcrPull/);
  });

  it("says ACR refused a wrong ACR token password", async () => {
    const diagnosis = failedStep(await runTest("azure", acr.hostname, { authType: "basic", username: "pull-token", password: "wrong" }, "acme/app:1.0", via), "registry-login");
    expect(diagnosis.summary).toBe(PROVIDERS.azure.terms.wrongCredentials.summary);
    expect(diagnosis.awsCode).toBe("UNAUTHORIZED");
  });
});

describe("Harbor (any OCI registry)", () => {
  const HOST = "harbor.example.test";
  let harbor: StandIn;
  let via: AuthEndpoints;

  beforeAll(async () => {
    harbor = await startHarborStandIn({ accounts: [{ username: "robot$acme+portal", password: "harbor-secret", access: [{ repository: "acme/*", actions: ["pull"] }] }], publicProjects: ["library"] });
    await harbor.push("acme/app", "1.0");
    await harbor.push("library/base", "1.0");
    via = endpoints([HOST, harbor]);
  });
  afterAll(() => harbor?.close());

  it("is green with a robot account, and anonymously for a public project", async () => {
    expectGreen(await runTest("generic", HOST, { authType: "basic", username: "robot$acme+portal", password: "harbor-secret" }, "acme/app:1.0", via));
    expectGreen(await runTest("generic", HOST, { authType: "anonymous" }, "library/base:1.0", via));
  });

  it("says an anonymous pull of a private project is not allowed", async () => {
    const diagnosis = failedStep(await runTest("generic", HOST, { authType: "anonymous" }, "acme/app:1.0", via), "registry-token");
    expect(diagnosis.summary).toBe(PROVIDERS.generic.terms.noPullPermission("acme/app").summary);
  });
});
