// The REST API against the production build: an admin creates a token in the
// portal (shown once, copied), a script uses it, the token list shows its
// use, revoking it stops it; session cookies are refused on /api/v1; members
// cannot manage tokens; the reference renders. Then a client generated from
// the OpenAPI document drives the IAM journey to a green Test with the local AWS.
import { randomUUID } from "node:crypto";
import { request as playwrightRequest } from "@playwright/test";
import createClient from "openapi-fetch";
import type { paths } from "../test/support/api-schema";
import { E2E_FIXTURE_IMAGE } from "./support/constants";
import { applyServerEnvironment, readE2eEnvironment } from "./support/environment";
import { addTeamMember, expect, signedInContext, test } from "./support/fixtures";
import { VendorAws } from "./support/vendor-aws";

const environment = readE2eEnvironment();
const account = environment.localAws.accounts[0]!;
const API = `${environment.baseUrl}/api/v1`;

test("an admin creates a token shown once, a script uses it, revoking it stops it; cookies are refused and members cannot manage tokens", async ({ vendor, vendorPage: page, browser }) => {
  test.setTimeout(150_000);
  await page.goto("/team/api-tokens");
  await expect(page.getByRole("heading", { name: "API tokens", level: 1 })).toBeVisible();
  await page.getByLabel("Token name").fill("ci-deploy");
  await page.getByLabel("Role").selectOption("MEMBER");
  await page.getByLabel("Expires").selectOption("30");
  await page.getByRole("button", { name: "Create API token" }).click();
  const shown = page.getByLabel("New API token");
  await expect(shown).toHaveValue(/^rp_[A-Za-z0-9_-]{43}$/);
  const token = await shown.inputValue();
  await page.getByRole("button", { name: "Copy API token" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  const row = page.getByRole("row").filter({ hasText: "ci-deploy" });
  await expect(row).toContainText("Member");
  await expect(row).toContainText("Never used");
  await expect(row).toContainText(token.slice(0, 9));

  // Shown once: after a reload the page holds no trace of it beyond its prefix.
  await page.reload();
  expect(await page.content()).not.toContain(token);

  // A script with the token, and no cookies.
  const script = await playwrightRequest.newContext({ extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  const me = await script.get(`${API}/token`);
  expect(me.status()).toBe(200);
  expect((await me.json()).data).toMatchObject({ team: { id: vendor.teamId }, role: "MEMBER", token: { name: "ci-deploy" } });
  await page.reload();
  await expect(page.getByRole("row").filter({ hasText: "ci-deploy" })).not.toContainText("Never used");

  // The signed-in browser's own cookies are no credential for the API, for reads or writes.
  const withCookies = await page.request.get(`${API}/applications`);
  expect(withCookies.status()).toBe(401);
  expect((await withCookies.json()).error.message).toMatch(/does not accept browser sessions/);
  const writeWithCookies = await page.request.post(`${API}/applications`, { data: { name: "Via cookie" }, headers: { origin: environment.baseUrl } });
  expect(writeWithCookies.status()).toBe(401);

  // Revoke: the script's next request is refused.
  await page.getByRole("button", { name: "Revoke ci-deploy" }).click();
  await page.getByRole("button", { name: "Revoke token" }).click();
  await expect(page.getByRole("row").filter({ hasText: "ci-deploy" })).toContainText("Revoked");
  expect((await script.get(`${API}/token`)).status()).toBe(401);
  await script.dispose();

  // The audit log names the token as the actor of its calls.
  await page.goto("/team/audit");
  await expect(page.getByRole("row").filter({ hasText: "Called the API" }).first()).toContainText("API token “ci-deploy”");

  // A member sees no token management, in the navigation or on the page.
  const member = await addTeamMember(vendor, "MEMBER");
  const memberContext = await signedInContext(browser, member);
  const memberPage = await memberContext.newPage();
  await memberPage.goto("/team/api-tokens");
  await expect(memberPage.getByText("Only admins manage API tokens")).toBeVisible();
  await expect(memberPage.getByRole("navigation", { name: "Portal" }).getByRole("link", { name: "API tokens" })).toHaveCount(0);
  await expect(memberPage.getByLabel("Token name")).toHaveCount(0);
  await memberContext.close();
});

test("the API reference renders the OpenAPI document in the portal, and the document is served", async ({ vendorPage: page }) => {
  await page.goto("/api-reference");
  await expect(page.getByRole("heading", { name: "API reference", level: 1 })).toBeVisible();
  const operation = page.locator("#createRegistry");
  await expect(operation).toContainText("/api/v1/registries");
  await expect(operation).toContainText("Requires the Member role or higher.");
  await expect(page.locator("#schema-RegistrySetup")).toContainText("trustPolicy");
  await expect(page.locator("#schema-Registry")).toContainText("accessKeyIdMasked");
  await expect(page.getByRole("table", { name: "Error codes" })).toContainText("rate_limited");
  const document = await page.request.get("/api/v1/openapi.json");
  expect(document.status()).toBe(200);
  expect((await document.json()).openapi).toBe("3.1.0");
  const unknown = await page.request.get("/api/v1/nothing/here");
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error.code).toBe("not_found");
  // An unsupported method: 405 with Allow and the JSON error body, from the production server.
  for (const [method, path, allow] of [
    ["DELETE", "/api/v1/applications", "GET, HEAD, OPTIONS, POST"],
    ["POST", "/api/v1/openapi.json", "GET, HEAD, OPTIONS"],
  ] as const) {
    const answer = await page.request.fetch(path, { method });
    expect(answer.status(), `${method} ${path}`).toBe(405);
    expect(answer.headers()["allow"]).toBe(allow);
    expect((await answer.json()).error.code).toBe("method_not_allowed");
  }
  const challenged = await playwrightRequest.newContext();
  const refused = await challenged.get(`${API}/applications`, { headers: { authorization: "Bearer rp_not-a-real-token" } });
  expect(refused.status()).toBe(401);
  expect(refused.headers()["www-authenticate"]).toBe('Bearer realm="Registry portal API", error="invalid_token"');
  await challenged.dispose();
});

test("a client generated from the OpenAPI document adds an IAM registry, applies its trust policy in AWS and gets a green Test", async ({ vendor }) => {
  test.setTimeout(120_000);
  applyServerEnvironment();
  const { createApiToken } = await import("@/lib/api-tokens/service");
  const { token } = await createApiToken(vendor.teamId, { userId: vendor.userId, role: "ADMIN" }, { userId: vendor.userId, email: vendor.email }, { name: "journey", role: "MEMBER", expiresInDays: 1 });
  const api = createClient<paths>({ baseUrl: API, headers: { authorization: `Bearer ${token}` } });

  // A create retried with the same Idempotency-Key makes one application.
  const key = randomUUID();
  const application = await api.POST("/applications", { params: { header: { "Idempotency-Key": key } }, body: { name: "Journey" } });
  expect(application.response.status).toBe(201);
  const retried = await api.POST("/applications", { params: { header: { "Idempotency-Key": key } }, body: { name: "Journey" } });
  expect(retried.response.headers.get("idempotent-replayed")).toBe("true");
  expect(retried.data!.data.id).toBe(application.data!.data.id);
  const roleName = `ApiJourney-${randomUUID().slice(0, 8)}`;
  const created = await api.POST("/registries", {
    body: {
      provider: "ecr",
      name: "",
      hostname: `${account.accountId}.dkr.ecr.${E2E_FIXTURE_IMAGE.region}.amazonaws.com`,
      authType: "iam_role",
      accessKeyId: "",
      secretAccessKey: "",
      roleArn: `arn:aws:iam::${account.accountId}:role/${roleName}`,
      allApplications: false,
      applicationIds: [application.data!.data.id],
    },
  });
  expect(created.error).toBeUndefined();
  const registryId = created.data!.data.id;
  const read = await api.GET("/registries/{registryId}", { params: { path: { registryId } } });
  const { oidc, setup } = read.data!.data;
  expect(oidc!.issuerUrl).toBe(environment.issuerUrl);

  // A merge patch names the one field to change, on the version read; a second writer with that version is refused.
  const etag = read.response.headers.get("etag")!;
  const mergePatch = { "content-type": "application/merge-patch+json" };
  const renamed = await api.PATCH("/registries/{registryId}", { params: { path: { registryId }, header: { "If-Match": etag } }, headers: mergePatch, body: { name: "journey-ecr" } });
  expect(renamed.error).toBeUndefined();
  expect(renamed.data!.data).toMatchObject({ name: "journey-ecr", roleArn: `arn:aws:iam::${account.accountId}:role/${roleName}`, allApplications: false });
  expect(renamed.response.headers.get("etag")).not.toBe(etag);
  const stale = await api.PATCH("/registries/{registryId}", { params: { path: { registryId }, header: { "If-Match": etag } }, headers: mergePatch, body: { name: "lost-update" } });
  expect(stale.response.status).toBe(412);
  expect(stale.error!.error.code).toBe("precondition_failed");
  expect((await api.GET("/registries/{registryId}", { params: { path: { registryId } } })).data!.data.name).toBe("journey-ecr");

  const vendorAws = new VendorAws(environment.localAws.url, account);
  await vendorAws.createProvider(oidc!.issuerUrl, [oidc!.audience]).catch((error: { name?: string }) => {
    if (error.name !== "EntityAlreadyExistsException") throw error;
  });
  await vendorAws.createRole(roleName, JSON.stringify(setup.trustPolicy), { pullPolicy: false });
  const { PutRolePolicyCommand } = await import("@aws-sdk/client-iam");
  await vendorAws.iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: "PortalPull", PolicyDocument: JSON.stringify(setup.permissionsPolicy) }));

  const run = await api.POST("/registries/{registryId}/test", { params: { path: { registryId } }, body: { image: `${E2E_FIXTURE_IMAGE.repository}:${E2E_FIXTURE_IMAGE.tag}` } });
  expect(run.error).toBeUndefined();
  expect(run.data!.data.verdict, run.data!.data.headline).toBe("verified");
  expect((await api.GET("/registries/{registryId}", { params: { path: { registryId } } })).data!.data.testStatus).toBe("verified");
});
