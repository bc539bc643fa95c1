import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureStandIn, type AzureStandIn } from "./azure";
import { createServiceAccountKey, startGoogleStandIn, type GoogleServiceAccount, type ServiceAccountKeyFile } from "./google";
import type { StandIn } from "./stand-in";
import { basic, expectChallenge, headManifest, skopeoInspect } from "./test-helpers";

describe("the Azure stand-in", () => {
  const TENANT = "11111111-2222-3333-4444-555555555555";
  const PULLER = { tenantId: TENANT, clientId: "aaaaaaaa-0000-0000-0000-000000000001", secrets: [{ value: "puller~secret" }, { value: "old~secret", expired: true }], acrPull: true };
  const NO_ROLE = { tenantId: TENANT, clientId: "aaaaaaaa-0000-0000-0000-000000000002", secrets: [{ value: "norole~secret" }], acrPull: false };
  const ACR_TOKEN = { username: "pull-token", password: "acr-token-password" };
  let acr: AzureStandIn;
  let digest: string;

  beforeAll(async () => {
    acr = await startAzureStandIn({ registryName: "acmevendor", applications: [PULLER, NO_ROLE], tokens: [ACR_TOKEN] });
    digest = (await acr.push("app", "1.0")).digest;
  });

  afterAll(async () => {
    await acr?.close();
  });

  function entraToken(input: { tenant?: string; clientId?: string; secret?: string; scope?: string }): Promise<Response> {
    return fetch(`${acr.url}/${input.tenant ?? TENANT}/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: input.clientId ?? PULLER.clientId, client_secret: input.secret ?? "puller~secret", scope: input.scope ?? "https://containerregistry.azure.net/.default" }),
    });
  }

  async function registryToken(application: { clientId: string; secrets: { value: string }[] }): Promise<string> {
    const entra = (await (await entraToken({ clientId: application.clientId, secret: application.secrets[0]!.value })).json()) as { access_token: string };
    const exchange = await fetch(`${acr.url}/oauth2/exchange`, { method: "POST", body: new URLSearchParams({ grant_type: "access_token", service: acr.hostname, tenant: TENANT, access_token: entra.access_token }) });
    expect(exchange.status).toBe(200);
    const { refresh_token } = (await exchange.json()) as { refresh_token: string };
    const answer = await fetch(`${acr.url}/oauth2/token`, { method: "POST", body: new URLSearchParams({ grant_type: "refresh_token", service: acr.hostname, scope: "repository:app:pull", refresh_token }) });
    expect(answer.status).toBe(200);
    return ((await answer.json()) as { access_token: string }).access_token;
  }

  it("challenges as ACR does and pulls with a service principal through Entra, /oauth2/exchange and /oauth2/token", async () => {
    await expectChallenge(acr, `Bearer realm="${acr.url}/oauth2/token",service="acmevendor.azurecr.io"`);
    const entra = await entraToken({});
    expect(entra.status).toBe(200);
    expect(await entra.json()).toMatchObject({ token_type: "Bearer", expires_in: 3599 });
    expect((await headManifest(acr, "app", "1.0", await registryToken(PULLER))).status).toBe(200);
  });

  it("gives a service principal without AcrPull a token the registry refuses, in ACR's words", async () => {
    const token = await registryToken(NO_ROLE);
    expect((await headManifest(acr, "app", "1.0", token)).status).toBe(401);
    const refused = await fetch(`${acr.url}/v2/app/manifests/1.0`, { headers: { Authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({
      errors: [{ code: "UNAUTHORIZED", message: "authentication required, visit https://aka.ms/acr/authorization for more information.", detail: [{ Type: "repository", Name: "app", Action: "pull" }] }],
    });
  });

  it("in ABAC mode ignores AcrPull and honours Container Registry Repository Reader, within its condition", async () => {
    const abac = await startAzureStandIn({ registryName: "abacvendor", applications: [{ ...PULLER }, { ...NO_ROLE }], roleAssignmentMode: "AbacRepositoryPermissions" });
    try {
      await abac.push("app", "1.0");
      const tokenOf = async (application: { clientId: string; secrets: { value: string }[] }) => {
        const entra = (await (
          await fetch(`${abac.url}/${TENANT}/oauth2/v2.0/token`, { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_id: application.clientId, client_secret: application.secrets[0]!.value, scope: "https://containerregistry.azure.net/.default" }) })
        ).json()) as { access_token: string };
        const { refresh_token } = (await (await fetch(`${abac.url}/oauth2/exchange`, { method: "POST", body: new URLSearchParams({ grant_type: "access_token", service: abac.hostname, tenant: TENANT, access_token: entra.access_token }) })).json()) as { refresh_token: string };
        return ((await (await fetch(`${abac.url}/oauth2/token`, { method: "POST", body: new URLSearchParams({ grant_type: "refresh_token", service: abac.hostname, scope: "repository:app:pull", refresh_token }) })).json()) as { access_token: string }).access_token;
      };
      // AcrPull alone: not honoured.
      expect((await headManifest(abac, "app", "1.0", await tokenOf(PULLER))).status).toBe(401);
      // The repository reader with a condition naming another repository: refused; naming this one: pulls.
      const condition = (name: string) =>
        `((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'}) AND !(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/metadata/read'})) OR (@Resource[Microsoft.ContainerRegistry/registries/repositories:name] StringEqualsIgnoreCase '${name}'))`;
      abac.assignRole(NO_ROLE.clientId, "Container Registry Repository Reader", condition("other"));
      expect((await headManifest(abac, "app", "1.0", await tokenOf(NO_ROLE))).status).toBe(401);
      expect(() => abac.assignRole(NO_ROLE.clientId, "Container Registry Repository Reader", condition("app"))).toThrow("RoleAssignmentExists");
      abac.removeRole(NO_ROLE.clientId, "Container Registry Repository Reader");
      abac.assignRole(NO_ROLE.clientId, "Container Registry Repository Reader", condition("app"));
      expect((await headManifest(abac, "app", "1.0", await tokenOf(NO_ROLE))).status).toBe(200);
      expect(() => abac.assignRole(PULLER.clientId, "Container Registry Repository Reader", "@Resource[x] StringEquals 'y'")).toThrow(/must exclude/);
    } finally {
      await abac.close();
    }
  });

  it.each([
    [{ tenant: "99999999-0000-0000-0000-000000000000" }, 400, "invalid_request", 90002],
    [{ clientId: "bbbbbbbb-0000-0000-0000-000000000009" }, 400, "unauthorized_client", 700016],
    [{ secret: "wrong" }, 401, "invalid_client", 7000215],
    [{ secret: "old~secret" }, 401, "invalid_client", 7000222],
    [{ scope: "https://example.com/.default" }, 400, "invalid_scope", 70011],
  ])("answers Entra's error for %o", async (input, status, error, code) => {
    const response = await entraToken(input);
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: string; error_codes: number[]; error_description: string };
    expect(body.error).toBe(error);
    expect(body.error_codes).toEqual([code]);
    expect(body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
  });

  it("refuses an exchange of a token Entra did not issue", async () => {
    const response = await fetch(`${acr.url}/oauth2/exchange`, { method: "POST", body: new URLSearchParams({ grant_type: "access_token", service: acr.hostname, tenant: TENANT, access_token: "eyJhbGciOiJub25lIn0.e30." }) });
    expect(response.status).toBe(401);
  });

  it("lets skopeo pull with an ACR token's username and password, and refuses a wrong password", async () => {
    expect((await skopeoInspect(acr, "app:1.0", ACR_TOKEN)).Digest).toBe(digest);
    const refused = await fetch(`${acr.url}/oauth2/token?service=${acr.hostname}&scope=repository:app:pull`, { headers: { Authorization: basic(ACR_TOKEN.username, "wrong") } });
    expect(refused.status).toBe(401);
  });
});

describe("the Google Artifact Registry stand-in", () => {
  let gar: StandIn & { hostname: string };
  let keyFile: ServiceAccountKeyFile;
  let account: GoogleServiceAccount;
  let digest: string;

  beforeAll(async () => {
    ({ keyFile, account } = createServiceAccountKey({ projectId: "acme-prod", name: "puller", access: [{ repository: "acme-prod/images/*", actions: ["pull"] }] }));
    gar = await startGoogleStandIn({ hostname: "europe-west1-docker.pkg.dev", serviceAccounts: [account] });
    digest = (await gar.push("acme-prod/images/app", "1.0")).digest;
  });

  afterAll(async () => {
    await gar?.close();
  });

  const tokenFor = (password: string, repository = "acme-prod/images/app", username = "_json_key") =>
    fetch(`${gar.url}/v2/token?service=${gar.hostname}&scope=repository:${repository}:pull`, { headers: { Authorization: basic(username, password) } });

  it("challenges as Artifact Registry does and lets skopeo pull with _json_key", async () => {
    await expectChallenge(gar, `Bearer realm="${gar.url}/v2/token",service="europe-west1-docker.pkg.dev"`);
    expect((await skopeoInspect(gar, "acme-prod/images/app:1.0", { username: "_json_key", password: JSON.stringify(keyFile) })).Digest).toBe(digest);
  });

  it("accepts _json_key_base64 too", async () => {
    const response = await tokenFor(Buffer.from(JSON.stringify(keyFile)).toString("base64"), "acme-prod/images/app", "_json_key_base64");
    expect(response.status).toBe(200);
    expect((await headManifest(gar, "acme-prod/images/app", "1.0", ((await response.json()) as { token: string }).token)).status).toBe(200);
  });

  it("refuses a disabled key and a private key that is not the one Google holds", async () => {
    const other = createServiceAccountKey({ projectId: "acme-prod", name: "puller" }).keyFile;
    const forged = { ...keyFile, private_key: other.private_key };
    expect(await (await tokenFor(JSON.stringify(forged))).json()).toEqual({ errors: [{ code: "UNAUTHORIZED", message: "invalid_grant: Invalid JWT Signature." }] });
    account.keys[0]!.disabled = true;
    try {
      const response = await tokenFor(JSON.stringify(keyFile));
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ errors: [{ code: "UNAUTHORIZED", message: "invalid_grant: Invalid JWT Signature." }] });
    } finally {
      account.keys[0]!.disabled = false;
    }
  });

  it("refuses text that is not a service account key", async () => {
    const response = await tokenFor(JSON.stringify({ type: "authorized_user" }));
    expect(response.status).toBe(401);
    expect(((await response.json()) as { errors: { message: string }[] }).errors[0]!.message).toContain("is not a service_account key");
  });

  it("denies a repository the account cannot read with Artifact Registry's message", async () => {
    const response = await tokenFor(JSON.stringify(keyFile), "acme-prod/other/app");
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      errors: [{ code: "DENIED", message: 'Permission "artifactregistry.repositories.downloadArtifacts" denied on resource "projects/acme-prod/locations/europe-west1/repositories/other" (or it may not exist)' }],
    });
  });
});
