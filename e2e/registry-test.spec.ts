// The Test button, the vendor's whole journey in Chromium against the
// production build and the local AWS: sign up, add a registry, follow the
// setup checklist in (local) AWS with the policies copied from the page, and
// read what the Test says at each stage. Screenshots of the result panels are
// saved as test artifacts.
import { randomUUID } from "node:crypto";
import type { Page, TestInfo } from "@playwright/test";
import { expect, test, TEST_PASSWORD } from "./support/fixtures";
import { E2E_FIXTURE_IMAGE } from "./support/constants";
import { readE2eEnvironment } from "./support/environment";
import { trustPolicyJson, VendorAws } from "./support/vendor-aws";

const environment = readE2eEnvironment();
const [registryAccount] = environment.localAws.accounts;
const HOSTNAME = `${registryAccount!.accountId}.dkr.ecr.${E2E_FIXTURE_IMAGE.region}.amazonaws.com`;
const IMAGE = `${E2E_FIXTURE_IMAGE.repository}:${E2E_FIXTURE_IMAGE.tag}`;

async function signUpWithApplication(page: Page): Promise<string> {
  const unique = randomUUID().slice(0, 8);
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill("Tess Vendor");
  await page.getByLabel("Email", { exact: true }).fill(`tess-${unique}@example.com`);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByLabel("Team name").fill(`Tess Software ${unique}`);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/apps$/);
  await page.getByLabel("Application name").fill("Shop");
  await page.getByRole("button", { name: "Create application" }).click();
  await expect(page).toHaveURL(/\/apps\/shop$/);
  return "shop";
}

async function runTest(page: Page, testInfo: TestInfo, name: string, expected: "verified" | "failing" | "unsafe") {
  await page.getByLabel("Image to check (optional)").fill(IMAGE);
  await page.getByRole("button", { name: /^Test( again)?$/ }).click();
  const verdict = page.getByTestId("registry-test-verdict");
  await expect(verdict).toHaveAttribute("data-verdict", expected, { timeout: 35_000 });
  const panel = page.getByRole("list", { name: "Test steps" });
  const screenshot = testInfo.outputPath(`${name}.png`);
  await page.locator("section, div").filter({ has: panel }).last().screenshot({ path: screenshot });
  await testInfo.attach(name, { path: screenshot, contentType: "image/png" });
  return { verdict, panel };
}

function step(page: Page, id: string) {
  return page.locator(`[data-step="${id}"]`);
}

test("IAM: the Test finds the unsafe trust policy before step 5, passes after it, and fails when the role trusts another team", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const appSlug = await signUpWithApplication(page);
  const vendor = new VendorAws(environment.localAws.url, registryAccount!);
  const roleName = `ShopPull-${randomUUID().slice(0, 8)}`;
  const roleArn = `arn:aws:iam::${registryAccount!.accountId}:role/${roleName}`;

  // Add the registry with IAM authentication and copy the trust policy generated for this team.
  await page.getByRole("link", { name: "Image Registries" }).click();
  await page.getByRole("link", { name: "Add external registry" }).first().click();
  await page.getByLabel("Hostname").fill(HOSTNAME);
  await page.getByRole("radio", { name: /^IAM Authentication/ }).check();
  await page.getByLabel("Role name").fill(roleArn);
  // The setup is a preview in the add form, one click away.
  await page.getByTestId("setup-preview-toggle").click();
  await page.getByRole("button", { name: "Copy trust policy" }).click();
  const copiedTrustPolicy = await page.evaluate(() => navigator.clipboard.readText());
  expect(JSON.parse(copiedTrustPolicy).Statement[0].Condition.StringEquals).toHaveProperty([`${environment.issuerUrl.replace("http://", "")}:sub`]);
  await page.getByRole("button", { name: "Save registry" }).click();
  await expect(page.getByRole("heading", { name: "Status and Test" })).toBeVisible();
  await expect(page.getByText("Never tested")).toBeVisible();

  // Steps 1-3 in AWS, the way the console's "Web identity" wizard creates the role: audience only, no subject yet.
  await vendor.createProvider(environment.issuerUrl).catch((error: { name?: string }) => {
    if (error.name !== "EntityAlreadyExistsException") throw error;
  });
  await vendor.createRole(roleName, trustPolicyJson({ accountId: registryAccount!.accountId, issuerUrl: environment.issuerUrl, sub: null }));

  const before = await runTest(page, testInfo, "iam-before-step-5", "unsafe");
  await expect(before.verdict).toContainText("trusts every team");
  await expect(step(page, "assume-role")).toHaveAttribute("data-status", "passed");
  await expect(step(page, "negative-check")).toHaveAttribute("data-status", "failed");
  await expect(step(page, "negative-check")).toContainText(/Step \d: Create the role with its trust policy/);
  await expect(step(page, "negative-check")).toContainText(":sub");

  // Step 5: apply the copied trust policy.
  await vendor.updateTrustPolicy(roleName, copiedTrustPolicy);
  await runTest(page, testInfo, "iam-verified", "verified");
  for (const id of ["sign-token", "assume-role", "negative-check", "ecr-token", "registry-login", "manifest"]) await expect(step(page, id)).toHaveAttribute("data-status", "passed");
  await expect(step(page, "manifest")).toContainText(/sha256:[a-f0-9]{64}/);
  await expect(step(page, "assume-role")).toContainText("Request ID");

  await page.getByRole("link", { name: "Image Registries" }).click();
  await expect(page.getByRole("row").filter({ hasText: HOSTNAME })).toContainText("Verified");

  // The role now trusts another team only: the Test fails at the role, pointing at step 5 with what was sent.
  await vendor.updateTrustPolicy(roleName, trustPolicyJson({ accountId: registryAccount!.accountId, issuerUrl: environment.issuerUrl, sub: "team_someoneelse00000000000000000" }));
  await page.getByRole("row").filter({ hasText: HOSTNAME }).getByRole("link").first().click();
  const after = await runTest(page, testInfo, "iam-other-team", "failing");
  await expect(after.verdict).toContainText("Get temporary AWS credentials for the role");
  await expect(step(page, "assume-role")).toContainText("AccessDenied");
  await expect(step(page, "assume-role")).toContainText(/Step \d: Create the role with its trust policy/);
  await expect(page.getByText("What the portal sent to AWS")).toBeVisible();

  await page.getByRole("link", { name: "Image Registries" }).click();
  await expect(page.getByRole("row").filter({ hasText: HOSTNAME })).toContainText("Failing");
  await page.goto("/team/audit");
  await expect(page.getByRole("table", { name: "Audit events" }).getByText(/tested/i).first()).toBeVisible();
  expect(appSlug).toBe("shop");
});

test("access key: the Test quotes the missing permission, passes once it is granted, and names a wrong secret", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await signUpWithApplication(page);
  const vendor = new VendorAws(environment.localAws.url, registryAccount!);
  const userName = `portal-${randomUUID().slice(0, 8)}`;
  const key = await vendor.createUserWithKey(userName, { pullPolicy: false });

  await page.getByRole("link", { name: "Image Registries" }).click();
  await page.getByRole("link", { name: "Add external registry" }).first().click();
  await page.getByLabel("Hostname").fill(HOSTNAME);
  await page.getByRole("radio", { name: /^Access key/ }).check();
  await page.getByRole("textbox", { name: "Access key ID" }).fill(key.accessKeyId);
  await page.getByLabel("Secret access key", { exact: true }).fill(key.secretAccessKey);
  await page.getByRole("button", { name: "Save registry" }).click();
  await expect(page.getByRole("heading", { name: "Status and Test" })).toBeVisible();

  await runTest(page, testInfo, "access-key-no-permission", "failing");
  await expect(step(page, "caller-identity")).toContainText(`user/${userName}`);
  await expect(step(page, "ecr-token")).toHaveAttribute("data-status", "failed");
  await expect(step(page, "ecr-token")).toContainText("ecr:GetAuthorizationToken");

  await vendor.putUserPullPolicy(userName);
  await runTest(page, testInfo, "access-key-verified", "verified");
  await expect(step(page, "manifest")).toContainText(/sha256:[a-f0-9]{64}/);
  const registryUrl = page.url();
  await page.getByRole("link", { name: "Image Registries" }).click();
  await expect(page.getByRole("row").filter({ hasText: HOSTNAME })).toContainText("Verified");

  // A mistyped secret on replacement: the Test says the secret, not the key ID, is wrong.
  await page.goto(registryUrl);
  await page.getByRole("tab", { name: "Settings" }).click();
  await page.getByRole("button", { name: "Replace access key" }).click();
  await page.getByRole("textbox", { name: "Access key ID" }).fill(key.accessKeyId);
  await page.getByLabel("Secret access key", { exact: true }).fill(`${key.secretAccessKey.slice(0, 39)}${key.secretAccessKey.endsWith("A") ? "B" : "A"}`);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Not tested since change").first()).toBeVisible();
  const wrongSecret = await runTest(page, testInfo, "access-key-wrong-secret", "failing");
  await expect(step(page, "caller-identity")).toContainText("SignatureDoesNotMatch");
  // The cause is said once, in the banner; the step keeps AWS's own error.
  await expect(wrongSecret.verdict).toContainText("secret access key is wrong");
});
