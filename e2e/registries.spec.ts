// Image Registries: adding Amazon ECR registries with an access key and with
// IAM authentication, the generated policies and their copy buttons, editing,
// deleting, what viewers may do, and that the secret never comes back.
import { randomUUID } from "node:crypto";
import type { BrowserContext, Page } from "@playwright/test";
import { addTeamMember, createTeamApplication, createVendor, expect, signedInContext, test } from "./support/fixtures";
import { readE2eEnvironment, applyServerEnvironment } from "./support/environment";
import { recordServerActions, replayServerAction } from "./support/server-actions";

const HOSTNAME = "111111111111.dkr.ecr.eu-west-1.amazonaws.com";
/** A registry's own page (not /registries/new). */
const REGISTRY_PAGE = /\/registries\/(?!new\b)[\w-]+(\?tab=setup)?$/;

async function serverCode() {
  applyServerEnvironment();
  const [{ prisma }, credentials, trust, permissions] = await Promise.all([
    import("@/lib/db"),
    import("@/lib/registries/credentials"),
    import("@/lib/aws/trust-policy"),
    import("@/lib/aws/permissions-policy"),
  ]);
  return { prisma, ...credentials, ...trust, ...permissions };
}

/** Every response body the context receives: HTML, RSC payloads, server-action results, API responses. */
function captureResponses(context: BrowserContext) {
  const bodies: Promise<string>[] = [];
  context.on("response", (response) => {
    bodies.push(response.text().catch(() => ""));
  });
  return async () => Promise.all(bodies);
}

async function fillAccessKeyRegistry(page: Page, values: { hostname: string; name?: string; accessKeyId: string; secret: string }) {
  await page.getByLabel("Hostname").fill(values.hostname);
  if (values.name) await page.getByLabel("Name (optional)").fill(values.name);
  await page.getByRole("radio", { name: /^Access key/ }).check();
  await page.getByRole("textbox", { name: "Access key ID" }).fill(values.accessKeyId);
  await page.getByLabel("Secret access key", { exact: true }).fill(values.secret);
}

test("adds an ECR registry with an access key; the secret never reaches the browser again", async ({ browser, vendor }) => {
  const application = await createTeamApplication(vendor, "Web Shop");
  const context = await signedInContext(browser, vendor);
  const responses = captureResponses(context);
  const page = await context.newPage();
  const canary = `Canary${randomUUID().replace(/-/g, "")}Zz`;
  expect(canary).toHaveLength(40);

  await page.goto(`/apps/${application.slug}`);
  await page.getByRole("link", { name: "Image Registries" }).click();
  await expect(page.getByText("No registries yet")).toBeVisible();
  await page.getByRole("link", { name: "Add external registry" }).first().click();
  await expect(page.getByRole("heading", { name: "Add external registry" })).toBeVisible();

  // Every error sits next to its field and says what a valid value looks like.
  await page.getByRole("radio", { name: /^Access key/ }).check();
  await page.getByLabel("Hostname").fill(`${HOSTNAME}.evil.example`);
  await page.getByLabel("Name (optional)").fill("Prod_ECR");
  await page.getByRole("textbox", { name: "Access key ID" }).fill("AKIA123");
  await page.getByLabel("Secret access key", { exact: true }).fill("short");
  await page.getByRole("button", { name: "Save registry" }).click();
  await expect(page.getByText(/must end in \.amazonaws\.com.*continues past it/)).toBeVisible();
  await expect(page.getByText(/lower-case letters, digits and single dashes/)).toBeVisible();
  await expect(page.getByText(/AKIA or ASIA followed by 16 upper-case letters or digits, e\.g\./)).toBeVisible();
  await expect(page.getByText(/must be the 40 characters AWS showed/)).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Hostname" })).toHaveAttribute("aria-invalid", "true");

  // A pasted https:// URL is normalised; account, region and partition are read from it.
  await fillAccessKeyRegistry(page, { hostname: `https://${HOSTNAME}/`, name: "prod-ecr", accessKeyId: "AKIAE2EACCOUNTA00001", secret: canary });
  const derived = page.getByRole("definition").filter({ hasText: "111111111111" });
  await expect(derived.first()).toBeVisible();
  await page.getByRole("button", { name: "Save registry" }).click();
  await expect(page).toHaveURL(REGISTRY_PAGE);
  await expect(page.getByRole("heading", { name: "prod-ecr", level: 1 })).toBeVisible();
  // A new registry opens on its Setup tab; its details are on Overview.
  await expect(page.getByRole("tab", { name: "Setup" })).toHaveAttribute("aria-selected", "true");
  await page.getByRole("tab", { name: "Overview" }).click();
  await expect(page.getByText("AKIA…0001").first()).toBeVisible();
  await expect(page.getByText("secret set").first()).toBeVisible();
  const registryId = new URL(page.url()).pathname.split("/").at(-1)!;

  const server = await serverCode();
  const stored = await server.prisma.registry.findUniqueOrThrow({ where: { id: registryId }, omit: { encryptedCredentials: false } });
  expect(stored.hostname).toBe(HOSTNAME);
  expect(stored.encryptedCredentials).not.toContain(canary);
  expect(await server.loadRegistryCredentials(vendor.teamId, registryId)).toMatchObject({ secretAccessKey: canary });

  // Editing other fields keeps the secret.
  await page.getByRole("tab", { name: "Settings" }).click();
  await page.getByLabel("Name (optional)").fill("prod-ecr-eu");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { name: "prod-ecr-eu", level: 1 })).toBeVisible();
  expect(await server.loadRegistryCredentials(vendor.teamId, registryId)).toMatchObject({ accessKeyId: "AKIAE2EACCOUNTA00001", secretAccessKey: canary });

  // The list shows the registry and its status.
  await page.getByRole("link", { name: "Image Registries" }).click();
  const row = page.getByRole("row").filter({ hasText: "prod-ecr-eu" });
  await expect(row.getByText("Never tested")).toBeVisible();
  await expect(row.getByText("Access key")).toBeVisible();
  await row.getByRole("link", { name: "prod-ecr-eu" }).click();

  // Replacing the key is explicit.
  await page.getByRole("tab", { name: "Settings" }).click();
  await page.getByRole("button", { name: "Replace access key" }).click();
  await page.getByRole("textbox", { name: "Access key ID" }).fill("AKIAE2EACCOUNTB00002");
  await page.getByLabel("Secret access key", { exact: true }).fill(`${canary.slice(0, 39)}Q`);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("tabpanel").getByText("AKIA…0002").first()).toBeVisible();
  expect(await server.loadRegistryCredentials(vendor.teamId, registryId)).toMatchObject({ accessKeyId: "AKIAE2EACCOUNTB00002" });

  await page.goto("/team/audit");
  for (const text of ["Added a registry", "Changed a registry", "Replaced a registry's credentials"]) await expect(page.getByRole("table", { name: "Audit events" }).getByText(text).first()).toBeVisible();

  // Not in any HTML, RSC payload, server-action result or API response the browser received.
  for (const path of [`/apps/${application.slug}/registries`, `/apps/${application.slug}/registries/${registryId}`]) {
    await page.goto(path);
    expect(await page.content()).not.toContain(canary.slice(0, 30));
    const rsc = await context.request.get(path, { headers: { RSC: "1" } });
    expect(await rsc.text()).not.toContain(canary.slice(0, 30));
  }
  const bodies = await responses();
  expect(bodies.length).toBeGreaterThan(10);
  for (const body of bodies) {
    expect(body).not.toContain(canary);
    expect(body).not.toContain(canary.slice(0, 30));
    expect(body).not.toContain("AKIAE2EACCOUNTA00001");
  }
  await context.close();
});

test("adds an ECR registry with IAM authentication; the trust policy is the generator's and the copy buttons copy it", async ({ vendor, vendorPage: page }) => {
  const application = await createTeamApplication(vendor, "Api");
  const server = await serverCode();
  const environment = readE2eEnvironment();
  const team = await server.prisma.team.findUniqueOrThrow({ where: { id: vendor.teamId } });

  await page.goto(`/apps/${application.slug}/registries/new`);
  await page.getByLabel("Hostname").fill(HOSTNAME);
  await page.getByRole("radio", { name: /^IAM Authentication/ }).check();

  // The AWS OIDC Configuration panel, in the setup preview.
  await page.getByTestId("setup-preview-toggle").click();
  const panel = page.getByRole("region", { name: "AWS OIDC Configuration" });
  await expect(panel.getByText(environment.issuerUrl, { exact: true })).toBeVisible();
  await expect(panel.getByText("sts.amazonaws.com", { exact: true })).toBeVisible();
  await expect(panel.getByText("team", { exact: true })).toBeVisible();
  await expect(panel.getByText(team.publicId, { exact: true })).toBeVisible();
  await panel.getByRole("button", { name: "Copy subject (this team)" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(team.publicId);

  // Same account first; the trust policy follows the ARN as it is typed.
  // A pasted full ARN still works in the role field.
  const roleArn = page.getByLabel("Role name");
  await roleArn.fill("arn:aws:iam::111111111111:role/PortalEcrPull");
  const trustPolicy = page.getByRole("region", { name: "Trust policy" }).locator("pre");
  const expectedSameAccount = server.buildTrustPolicy({ issuerUrl: environment.issuerUrl, subject: team.publicId, partition: "aws", accountId: "111111111111" });
  await expect(trustPolicy).toHaveText(server.formatPolicyJson(expectedSameAccount));
  await expect(page.getByRole("region", { name: "Cross-account access" })).toHaveCount(0);

  // A role in another account: the provider is the role account's, and the repository policy is explained.
  await roleArn.fill("arn:aws:iam::222222222222:role/PortalEcrPull");
  const expected = server.buildTrustPolicy({ issuerUrl: environment.issuerUrl, subject: team.publicId, partition: "aws", accountId: "222222222222" });
  await expect(trustPolicy).toHaveText(server.formatPolicyJson(expected));
  expect(JSON.parse((await trustPolicy.textContent())!)).toEqual(expected);
  const crossAccount = page.getByRole("region", { name: "Cross-account access" });
  await expect(crossAccount).toContainText("each repository the portal pulls from must also allow the role");
  await crossAccount.getByRole("button", { name: "Copy repository policy" }).click();
  expect(JSON.parse(await page.evaluate(() => navigator.clipboard.readText()))).toEqual(server.buildCrossAccountRepositoryPolicy({ roleArn: "arn:aws:iam::222222222222:role/PortalEcrPull" }));

  await page.getByRole("button", { name: "Copy trust policy" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(server.formatPolicyJson(expected));
  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download JSON of the trust policy" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe("trust-policy.json");
  const { readFile } = await import("node:fs/promises");
  expect(JSON.parse(await readFile((await download.path())!, "utf8"))).toEqual(expected);

  await page.getByRole("button", { name: "Copy permissions policy" }).click();
  const permissions = server.buildPermissionsPolicy({ partition: "aws", region: "eu-west-1", accountId: "111111111111", scope: { kind: "registry" } });
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(server.formatPolicyJson(permissions));
  await page.getByRole("radio", { name: "Any repository (*)" }).check();
  await page.getByRole("button", { name: "Copy permissions policy" }).click();
  expect(JSON.parse(await page.evaluate(() => navigator.clipboard.readText())).Statement[1].Resource).toBe("*");

  // The numbered checklist with the CLI commands, real values filled in.
  const checklist = page.getByRole("region", { name: "Setup checklist" });
  await expect(checklist.getByRole("listitem")).toHaveCount(5);
  await checklist.getByText("AWS CLI command for step 1").click();
  await checklist.getByRole("button", { name: "Copy step 1 command" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(`aws iam create-open-id-connect-provider \\\n  --url '${environment.issuerUrl}'`);

  // Save before the AWS side is ready: allowed.
  await page.getByRole("button", { name: "Save registry" }).click();
  await expect(page).toHaveURL(REGISTRY_PAGE);
  await page.getByRole("tab", { name: "Overview" }).click();
  await expect(page.getByRole("heading", { name: "Details" })).toBeVisible();
  await expect(page.getByText("arn:aws:iam::222222222222:role/PortalEcrPull").first()).toBeVisible();
  const registryId = new URL(page.url()).pathname.split("/").at(-1)!;
  await page.getByRole("tab", { name: "Setup" }).click();
  await expect(page.getByRole("region", { name: "Trust policy" }).locator("pre")).toHaveText(server.formatPolicyJson(expected));
  expect(await server.loadRegistryCredentials(vendor.teamId, registryId)).toEqual({ authType: "iam_role", roleArn: "arn:aws:iam::222222222222:role/PortalEcrPull" });

  // A role in another partition is refused next to the field.
  await page.getByRole("tab", { name: "Settings" }).click();
  await roleArn.fill("arn:aws-cn:iam::222222222222:role/PortalEcrPull");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText(/partition aws-cn but the registry is in aws/)).toBeVisible();
});

test("edits app access, then deletes the registry after confirmation; the audit log records it", async ({ vendor, vendorPage: page }) => {
  const web = await createTeamApplication(vendor, "Web");
  const api = await createTeamApplication(vendor, "Backend");
  await page.goto(`/apps/${web.slug}/registries/new`);
  await page.getByLabel("Hostname").fill("public.ecr.aws");
  await page.getByRole("radio", { name: /^IAM Authentication/ }).check();
  await page.getByLabel("Role name").fill("arn:aws:iam::222222222222:role/PublicPull");
  await page.getByRole("button", { name: "Save registry" }).click();
  await expect(page.getByRole("heading", { name: "public.ecr.aws", level: 1 })).toBeVisible();
  await page.getByRole("tab", { name: "Settings" }).click();

  // App access: only Backend; Web's list then says the team has one registry Web may not use.
  await page.getByRole("radio", { name: "Only the applications I choose" }).check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Choose at least one application, or give all applications access.")).toBeVisible();
  await page.getByRole("checkbox", { name: "Backend" }).check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("tab", { name: "Overview" }).click();
  await expect(page.getByRole("definition").filter({ hasText: /^Backend$/ })).toBeVisible();
  await page.goto(`/apps/${web.slug}/registries`);
  await expect(page.getByText("No registries yet")).toBeVisible();
  await expect(page.getByText("1 other registry of the team is not shared with Web.")).toBeVisible();
  await page.getByRole("link", { name: "Show all of the team's registries" }).click();
  await expect(page.getByRole("table", { name: "Registries of the team" }).getByText("public.ecr.aws")).toBeVisible();
  await page.goto(`/apps/${api.slug}/registries`);
  await page.getByRole("table", { name: "Registries Backend can use" }).getByRole("link", { name: "public.ecr.aws" }).click();

  await page.getByRole("tab", { name: "Settings" }).click();
  await page.getByRole("button", { name: "Delete registry" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete public.ecr.aws?" });
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole("button", { name: "Delete registry" }).click();
  await dialog.getByRole("button", { name: "Delete registry" }).click();
  await expect(page).toHaveURL(new RegExp(`/apps/${api.slug}/registries$`));
  await expect(page.getByText("No registries yet")).toBeVisible();

  await page.goto("/team/audit");
  const events = page.getByRole("table", { name: "Audit events" });
  for (const text of ["Added a registry", "Changed a registry", "Removed a registry"]) await expect(events.getByText(text).first()).toBeVisible();
});

test("a viewer sees registries without edit controls, and the server refuses their actions", async ({ browser }) => {
  const admin = await createVendor("regadmin");
  const viewer = await addTeamMember(admin, "VIEWER");
  const application = await createTeamApplication(admin, "Shop");
  const adminContext = await signedInContext(browser, admin);
  const viewerContext = await signedInContext(browser, viewer);
  const page = await adminContext.newPage();
  const actions = recordServerActions(page);

  await page.goto(`/apps/${application.slug}/registries/new`);
  await fillAccessKeyRegistry(page, { hostname: HOSTNAME, name: "viewer-test", accessKeyId: "AKIAE2EACCOUNTA00001", secret: "e2eViewerTestSecretKey000000000000000001" });
  await page.getByRole("button", { name: "Save registry" }).click();
  await expect(page.getByRole("heading", { name: "viewer-test", level: 1 })).toBeVisible();
  const registryId = new URL(page.url()).pathname.split("/").at(-1)!;
  await page.getByRole("tab", { name: "Settings" }).click();
  await page.getByLabel("Name (optional)").fill("viewer-test-2");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { name: "viewer-test-2", level: 1 })).toBeVisible();
  const [create, update] = [actions.find((action) => action.body.includes("viewer-test\"")), actions.find((action) => action.body.includes("viewer-test-2"))];
  expect(create && update).toBeTruthy();

  const viewerPage = await viewerContext.newPage();
  await viewerPage.goto(`/apps/${application.slug}/registries`);
  await expect(viewerPage.getByRole("link", { name: "viewer-test-2" })).toBeVisible();
  await expect(viewerPage.getByRole("link", { name: "Add external registry" })).toHaveCount(0);
  await viewerPage.getByRole("link", { name: "viewer-test-2" }).click();
  await expect(viewerPage.getByRole("heading", { name: "viewer-test-2", level: 1 })).toBeVisible();
  await expect(viewerPage.getByText("AKIA…0001")).toBeVisible();
  for (const name of ["Save changes", "Delete registry", "Replace access key"]) await expect(viewerPage.getByRole("button", { name })).toHaveCount(0);
  // The only text box is How customers pull's converter, which changes nothing.
  await expect(viewerPage.getByRole("textbox")).toHaveCount(1);
  await expect(viewerPage.getByRole("textbox")).toHaveAccessibleName("Upstream image reference");
  await viewerPage.getByRole("tab", { name: "Setup" }).click();
  await expect(viewerPage.getByRole("region", { name: "Permissions policy" })).toBeVisible();
  await viewerPage.getByRole("tab", { name: "Settings" }).click();
  await expect(viewerPage.getByText("Viewers cannot change registries")).toBeVisible();
  for (const name of ["Save changes", "Delete registry", "Replace access key"]) await expect(viewerPage.getByRole("button", { name })).toHaveCount(0);
  await viewerPage.goto(`/apps/${application.slug}/registries/new`);
  await expect(viewerPage.getByText("Viewers cannot add registries")).toBeVisible();
  await expect(viewerPage.getByRole("button", { name: "Save registry" })).toHaveCount(0);

  // Calling the actions directly with the viewer's session.
  const updated = await replayServerAction(viewerContext.request, update!, (body) => body.replace("viewer-test-2", "viewer-pwned"));
  expect(updated.text).toContain("forbidden");
  const created = await replayServerAction(viewerContext.request, create!, (body) => body.replace("viewer-test", "viewer-made"));
  expect(created.text).toContain("forbidden");
  await page.getByRole("button", { name: "Delete registry" }).click();
  // Record the delete action's request without letting it reach the server.
  await page.route("**/*", (route) => (route.request().headers()["next-action"] ? route.abort() : route.continue()));
  await page.getByRole("dialog").getByRole("button", { name: "Delete registry" }).click();
  await expect.poll(() => actions.some((action) => action.body.includes(registryId) && !action.body.includes("viewer-test"))).toBe(true);
  const remove = actions.find((action) => action.body.includes(registryId) && !action.body.includes("viewer-test"))!;
  const deleted = await replayServerAction(viewerContext.request, remove);
  expect(deleted.text).toContain("forbidden");

  const server = await serverCode();
  const registries = await server.prisma.registry.findMany({ where: { teamId: admin.teamId } });
  expect(registries.map((registry) => registry.name)).toEqual(["viewer-test-2"]);
  await adminContext.close();
  await viewerContext.close();
});
