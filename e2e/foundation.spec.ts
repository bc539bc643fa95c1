// The vendor's first minutes: an account and team, sign out and in,
// applications, inviting a colleague, and the audit trail of all of it.
import { randomUUID } from "node:crypto";
import { createVendor, expect, signedInContext, test, TEST_PASSWORD } from "./support/fixtures";

test("signs up through the form, signs out, and signs back in", async ({ page }) => {
  const email = `new-${randomUUID().slice(0, 8)}@example.com`;
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill("Nora Vendor");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password").fill("short");
  await page.getByLabel("Team name").fill("Nora's Software");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Password must be at least 12 characters.")).toBeVisible();
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/apps$/);
  await expect(page.getByRole("heading", { name: "Applications" })).toBeVisible();

  await page.getByRole("button", { name: "Nora Vendor" }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/apps");
  await expect(page).toHaveURL(/\/sign-in/);

  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Wrong email or password.")).toBeVisible();
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/apps$/);
});

test("refuses a second account with the same email, next to the email field", async ({ page }) => {
  const existing = await createVendor("dup");
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill("Someone Else");
  await page.getByLabel("Email", { exact: true }).fill(existing.email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByLabel("Team name").fill("Other");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An account with this email already exists. Sign in instead.")).toBeVisible();
  await expect(page.getByText("This email already has an account.")).toBeVisible();
});

test("creates, renames and deletes an application, and the audit log records it", async ({ vendorPage: page }) => {
  await page.goto("/apps");
  await expect(page.getByText("No applications yet")).toBeVisible();
  await page.getByLabel("Application name").fill("Web Shop");
  await page.getByRole("button", { name: "Create application" }).click();
  await expect(page).toHaveURL(/\/apps\/web-shop$/);
  await expect(page.getByRole("link", { name: "Image Registries" })).toBeVisible();

  // The overview is a dashboard; rename and delete are under the application's Settings tab.
  await expect(page.getByRole("heading", { name: "Registries", exact: true })).toBeVisible();
  await page.getByRole("navigation", { name: "Application" }).getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/apps\/web-shop\/settings$/);
  await page.getByLabel("Application name").fill("Web Shop Pro");
  await page.getByRole("button", { name: "Rename" }).click();
  await page.getByRole("navigation", { name: "Application" }).getByRole("link", { name: "Overview" }).click();
  await expect(page.getByRole("heading", { name: "Web Shop Pro" })).toBeVisible();
  await page.getByRole("navigation", { name: "Application" }).getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Danger zone" })).toBeVisible();

  await page.getByRole("button", { name: "Delete application" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("button", { name: "Delete permanently" })).toBeDisabled();
  await dialog.getByRole("textbox").fill("Web Shop Pro");
  await dialog.getByRole("button", { name: "Delete permanently" }).click();
  await expect(page).toHaveURL(/\/apps$/);
  await expect(page.getByText("No applications yet")).toBeVisible();

  await page.goto("/team/audit");
  const events = page.getByRole("table", { name: "Audit events" });
  for (const text of [/created.*Web Shop/i, /renamed/i, /deleted.*Web Shop Pro/i]) await expect(events.getByText(text).first()).toBeVisible();
});

test("an admin invites a member, who joins the team through the link", async ({ browser, vendor, vendorPage: page }) => {
  const email = `colleague-${randomUUID().slice(0, 8)}@example.com`;
  await page.goto("/team/members");
  const invite = page.getByRole("form", { name: "Invite a member" });
  await invite.getByLabel("Email", { exact: true }).fill(email);
  await invite.getByLabel("Role", { exact: true }).selectOption("MEMBER");
  await page.getByRole("button", { name: /invite/i }).click();
  const link = await page.getByLabel("Invite link").inputValue();
  expect(link).toMatch(/\/invite\/[\w-]{43}$/);
  await page.getByRole("button", { name: "Copy link" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);

  const invitee = await browser.newContext();
  const invitePage = await invitee.newPage();
  await invitePage.goto(link);
  await invitePage.getByRole("link", { name: "Create an account" }).click();
  await invitePage.getByLabel("Your name").fill("Colin League");
  await expect(invitePage.getByLabel("Email", { exact: true })).toHaveValue(email);
  await invitePage.getByLabel("Password").fill(TEST_PASSWORD);
  await invitePage.getByRole("button", { name: "Create account" }).click();
  await expect(invitePage).toHaveURL(/\/apps$/);
  await expect(invitePage.getByRole("banner")).toContainText(vendor.teamName);
  await invitee.close();

  await page.reload();
  await expect(page.getByRole("cell", { name: email, exact: true })).toBeVisible();
});

test("works at 375 px wide with the navigation behind a menu button", async ({ browser, vendor }) => {
  const context = await signedInContext(browser, vendor);
  const page = await context.newPage();
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto("/apps");
  await page.getByRole("button", { name: "Menu" }).click();
  await page.getByRole("navigation", { name: "Portal" }).getByRole("link", { name: "Members" }).click();
  await expect(page).toHaveURL(/\/team\/members$/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await context.close();
});
