// Operator material (key rotation, the portal-wide key history, configuration)
// is for OPERATOR_EMAILS only; vendors see their issuer values and when the
// keys last changed.
import { E2E_OPERATOR_EMAIL } from "./support/constants";
import { createVendor, expect, signedInContext, test } from "./support/fixtures";

test("a vendor admin sees the issuer values and when the keys changed, not the operator's material", async ({ vendorPage: page }) => {
  await page.goto("/team/identity-provider");
  await expect(page.getByRole("heading", { name: "AWS OIDC configuration" })).toBeVisible();
  await expect(page.getByTestId("keys-last-changed")).toContainText(/The keys (last changed|have not changed)/);
  await expect(page.getByText("oidc:rotate")).toHaveCount(0);
  await expect(page.getByRole("table", { name: "Key history" })).toHaveCount(0);
  await expect(page.getByText(/APP_URL|OIDC_ISSUER_URL/)).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Operator" })).toHaveCount(0);
  const response = await page.goto("/operator");
  expect(response?.status()).toBe(404);
});

test("the operator has an Operator area with the keys, how to rotate them and the configuration", async ({ browser }) => {
  const operator = await createVendor("operator", E2E_OPERATOR_EMAIL);
  const context = await signedInContext(browser, operator);
  const page = await context.newPage();
  await page.goto("/apps");
  await page.getByRole("link", { name: "Operator" }).click();
  await expect(page).toHaveURL(/\/operator$/);
  await expect(page.getByRole("table", { name: "Signing keys" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Key history" })).toBeVisible();
  await expect(page.getByText("npm run oidc:rotate -- --emergency")).toBeVisible();
  const configuration = page.getByRole("table", { name: "Configuration" });
  await expect(configuration).toContainText("oidcIssuerUrl");
  // Secrets only as set or missing.
  await expect(configuration.getByRole("row").filter({ hasText: "nextauthSecret" })).toContainText("set");
  await expect(page.getByRole("button", { name: "Recompute thumbprint" })).toBeVisible();
  await context.close();
});
