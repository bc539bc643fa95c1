// Lists at scale (issue 12, items 8 and 9): the registries list's filters,
// derived statuses (stale, not tested since change), sort and pages from the
// URL; a Test from a row; cards instead of tables on a phone; the audit log's
// filters, links, what changed and its CSV export; the members and customers
// lists' filters.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import type { Page } from "@playwright/test";
import { createTeamApplication, createVendor, expect, signedInContext, test, type Vendor } from "./support/fixtures";
import { E2E_FIXTURE_IMAGE } from "./support/constants";
import { applyServerEnvironment, readE2eEnvironment } from "./support/environment";
import { VendorAws } from "./support/vendor-aws";

const environment = readE2eEnvironment();
const [registryAccount] = environment.localAws.accounts;
const HOUR = 3_600_000;

async function server() {
  applyServerEnvironment();
  const [{ prisma }, registries, schema] = await Promise.all([import("@/lib/db"), import("@/lib/registries/service"), import("@/lib/registries/schema")]);
  return { prisma, ...registries, ...schema };
}

/** `count` registries straight into the database, in every status. */
async function seedRegistries(vendor: Vendor, count: number) {
  const { prisma } = await server();
  const now = Date.now();
  const kinds = ["verified", "stale", "changed", "failing", "never"] as const;
  await prisma.registry.createMany({
    data: Array.from({ length: count }, (_, index) => {
      const kind = kinds[index % kinds.length]!;
      const testedAt = kind === "verified" ? new Date(now - HOUR) : kind === "stale" ? new Date(now - 30 * HOUR) : kind === "failing" ? new Date(now - 2 * HOUR) : null;
      return {
        teamId: vendor.teamId,
        provider: "ecr",
        name: `reg-${String(index).padStart(2, "0")}-${kind}`,
        hostname: `${String(300000000000 + index)}.dkr.ecr.eu-west-1.amazonaws.com`,
        authType: index % 2 === 0 ? "iam_role" : "access_key",
        settings: index % 2 === 0 ? { roleArn: `arn:aws:iam::${300000000000 + index}:role/PortalEcrPull` } : { accessKeyIdMasked: "AKIA…MPLE" },
        testStatus: kind === "stale" ? "verified" : kind === "changed" ? "never" : kind,
        lastTestedAt: testedAt,
        verifiedAt: kind === "verified" || kind === "stale" || kind === "failing" ? (testedAt ?? null) : null,
        failingSince: kind === "failing" ? testedAt : null,
        lastTestError: kind === "failing" ? "AWS refused to let the portal assume the role (AccessDenied)." : null,
        connectionChangedAt: kind === "changed" ? new Date(now - HOUR) : null,
      };
    }),
  });
}

async function noHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

test("the registries list filters by derived status, auth type and search, sorts and pages from the URL, with no clipped column at 1280 px", async ({ vendor, vendorPage: page }) => {
  // Seeds 60 registries and filters through many navigations: more than a minute on a loaded machine.
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  const application = await createTeamApplication(vendor, "Shop");
  await seedRegistries(vendor, 60);
  await page.goto(`/apps/${application.slug}/registries`);
  const table = page.getByRole("table", { name: "Registries Shop can use" });
  await expect(page.getByTestId("pager-summary")).toHaveText("Showing 1–25 of 60 registries · page 1 of 3");
  await expect(table.getByRole("row")).toHaveCount(26);
  // Every column fits: the table's scroll box does not scroll at 1280 px.
  const clipped = await table.evaluate((element) => element.parentElement!.scrollWidth - element.parentElement!.clientWidth);
  expect(clipped).toBeLessThanOrEqual(0);
  await noHorizontalScroll(page);

  await page.getByRole("navigation", { name: "Pages of registries" }).getByRole("link", { name: "Next page" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByTestId("pager-summary")).toHaveText("Showing 26–50 of 60 registries · page 2 of 3");

  const filters = page.getByRole("search", { name: "Filter registries" });
  // A choice applies at once: no Apply button.
  await expect(filters.getByRole("button", { name: "Apply" })).toHaveCount(0);
  await filters.getByLabel("Status").selectOption("stale");
  await expect(page).toHaveURL(/status=stale/);
  await expect(page).not.toHaveURL(/page=2/);
  await expect(page.getByTestId("pager-summary")).toHaveText("Showing 1–12 of 12 registries");
  const statuses = table.getByTestId("registry-status");
  await expect(statuses).toHaveCount(12);
  for (const status of await statuses.all()) await expect(status).toHaveAttribute("data-status", "stale");
  await expect(table.getByText("Stale", { exact: true }).first()).toBeVisible();

  await filters.getByLabel("Status").selectOption("changed");
  await expect(page).toHaveURL(/status=changed/);
  await filters.getByLabel("Auth type").selectOption("iam_role");
  await expect(page).toHaveURL(/auth=iam_role/);
  await expect(page.getByTestId("pager-summary")).toHaveText("Showing 1–6 of 6 registries");
  await expect(table.getByText("Not tested since change", { exact: true })).toHaveCount(6);

  await page.getByRole("link", { name: "Clear filters" }).first().click();
  await expect(page).toHaveURL(/\/registries$/);
  await expect(filters.getByLabel("Status")).toHaveValue("");
  // The search filters as you type (once typing pauses), and the URL keeps it.
  await page.getByRole("searchbox", { name: "Search" }).pressSequentially("reg-07");
  await expect(page).toHaveURL(/q=reg-07/);
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table.getByRole("link", { name: "reg-07-changed" })).toBeVisible();

  // Sorting by the registry column, twice: A→Z, then Z→A.
  await page.goto(`/apps/${application.slug}/registries`);
  await expect(table.getByRole("columnheader", { name: /Registry/ })).toHaveAttribute("aria-sort", "ascending");
  await table.getByRole("link", { name: /^Registry/ }).click();
  await expect(page).toHaveURL(/dir=desc/, { timeout: 30_000 });
  await expect(table.getByRole("row").nth(1)).toContainText("reg-59-never");
  await expect(table.getByRole("columnheader", { name: /Registry/ })).toHaveAttribute("aria-sort", "descending");
});

test("a row's Test runs the streamed test and the row shows the verdict; the registry page says stale and not tested since change", async ({ vendor, vendorPage: page }) => {
  const application = await createTeamApplication(vendor, "Shop");
  const key = await new VendorAws(environment.localAws.url, registryAccount!).createUserWithKey(`lists-${randomUUID().slice(0, 8)}`);
  const { createRegistry, updateRegistry, ZCreateRegistryInput, ZUpdateRegistryInput, prisma } = await server();
  const actor = { userId: vendor.userId, email: vendor.email };
  const hostname = `${registryAccount!.accountId}.dkr.ecr.${E2E_FIXTURE_IMAGE.region}.amazonaws.com`;
  const base = { provider: "ecr", name: "row-test", hostname, authType: "access_key", accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, roleArn: "", allApplications: true, applicationIds: [] };
  const registry = await createRegistry(vendor.teamId, actor, ZCreateRegistryInput.parse(base));

  await page.goto(`/apps/${application.slug}/registries`);
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: "row-test" }) });
  await expect(row.getByTestId("registry-status")).toHaveAttribute("data-status", "never");
  await row.getByRole("button", { name: "Test row-test" }).click();
  await expect(row.getByTestId("row-test-outcome")).toHaveAttribute("data-verdict", "verified", { timeout: 45_000 });
  await expect(row.getByTestId("row-test-outcome")).toHaveText("Passed");
  await expect(row.getByTestId("registry-status")).toHaveAttribute("data-status", "verified");

  // A day and more later, without a re-test: stale, on the list and on the registry's page.
  await prisma.registry.updateMany({ where: { id: registry.id, teamId: vendor.teamId }, data: { lastTestedAt: new Date(Date.now() - 25 * HOUR), verifiedAt: new Date(Date.now() - 25 * HOUR), updatedAt: registry.updatedAt } });
  await page.goto(`/apps/${application.slug}/registries/${registry.id}`);
  await expect(page.getByTestId("registry-status").first()).toHaveAttribute("data-status", "stale");
  await expect(page.getByText(/Last verified more than 24 hours ago/).first()).toBeVisible();

  // An edit of the connection (a new hostname): not tested since change.
  await updateRegistry(vendor.teamId, actor, ZUpdateRegistryInput.parse({ ...base, registryId: registry.id, hostname: `${registryAccount!.accountId}.dkr.ecr.eu-west-2.amazonaws.com`, accessKeyId: "", secretAccessKey: "", replaceAccessKey: false }));
  await page.reload();
  await expect(page.getByTestId("registry-status").first()).toHaveAttribute("data-status", "changed");
  await expect(page.getByText("Not tested since change").first()).toBeVisible();
});

test("on a phone the lists are cards, with no sideways scrolling", async ({ vendor, vendorPage: page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  const application = await createTeamApplication(vendor, "Shop");
  await seedRegistries(vendor, 30);
  await page.goto(`/apps/${application.slug}/registries`);
  await expect(page.getByTestId("registry-cards").getByRole("listitem")).toHaveCount(25);
  await expect(page.getByRole("table")).toBeHidden();
  await expect(page.getByTestId("registry-cards").getByRole("button", { name: /^Test / }).first()).toBeVisible();
  await noHorizontalScroll(page);

  await page.goto("/team/audit");
  await expect(page.getByTestId("audit-cards").getByRole("listitem").first()).toBeVisible();
  await expect(page.getByRole("table")).toBeHidden();
  await noHorizontalScroll(page);

  await page.goto("/team/members");
  await expect(page.getByTestId("member-cards").getByRole("listitem")).toHaveCount(1);
  await noHorizontalScroll(page);

  applyServerEnvironment();
  const { createCustomer } = await import("@/lib/customers/service");
  const { ZCreateCustomerInput } = await import("@/lib/customers/schema");
  await createCustomer(vendor.teamId, { userId: vendor.userId, email: vendor.email }, ZCreateCustomerInput.parse({ applicationId: application.id, name: "A customer with a rather long name, GmbH & Co. KG", email: "someone.with.a.long.address@customer.example", expiresOn: "" }));
  await page.goto(`/apps/${application.slug}/customers`);
  await expect(page.getByTestId("customer-cards").getByRole("listitem")).toHaveCount(1);
  await noHorizontalScroll(page);
});

test("the audit log filters by action, shows what an edit changed, links to the registry, and exports the same filters as CSV for this team only", async ({ browser, vendor, vendorPage: page }) => {
  const application = await createTeamApplication(vendor, "Shop");
  const { createRegistry, updateRegistry, ZCreateRegistryInput, ZUpdateRegistryInput } = await server();
  const actor = { userId: vendor.userId, email: vendor.email };
  const base = { provider: "ecr", name: "audited", hostname: "123456789012.dkr.ecr.eu-west-1.amazonaws.com", authType: "iam_role", accessKeyId: "", secretAccessKey: "", roleArn: "arn:aws:iam::123456789012:role/PortalEcrPull", allApplications: true, applicationIds: [] };
  const registry = await createRegistry(vendor.teamId, actor, ZCreateRegistryInput.parse(base));
  await updateRegistry(vendor.teamId, actor, ZUpdateRegistryInput.parse({ ...base, registryId: registry.id, name: "audited-renamed", roleArn: "arn:aws:iam::123456789012:role/OtherRole", replaceAccessKey: false }));

  // A short log with no filter set has no filter row; with one set, the row is there and applies as it changes.
  await page.goto("/team/audit");
  const filters = page.getByRole("search", { name: "Filter audit events" });
  await expect(filters).toHaveCount(0);
  await page.goto("/team/audit?target=registry");
  await filters.getByLabel("Action").selectOption("registry.updated");
  await expect(page).toHaveURL(/action=registry.updated/);
  const table = page.getByRole("table", { name: "Audit events" });
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table.getByText("Name: audited → audited-renamed")).toBeVisible();
  await expect(table.getByText("Role ARN: arn:aws:iam::123456789012:role/PortalEcrPull → arn:aws:iam::123456789012:role/OtherRole")).toBeVisible();

  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const download = await downloading;
  const csv = fs.readFileSync((await download.path())!, "utf8");
  const lines = csv.trimEnd().split("\r\n");
  expect(lines[0]).toBe("time_utc,actor,actor_user_id,actor_token_id,action,action_description,target_type,target_id,details");
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(`registry.updated,Changed a registry,Registry,${registry.id}`);

  await table.getByRole("link", { name: "audited-renamed" }).click();
  await expect(page).toHaveURL(new RegExp(`/apps/${application.slug}/registries/${registry.id}$`));

  // Another team's export, with this team's registry as the filter, has nothing of it.
  const stranger = await createVendor("stranger");
  const context = await signedInContext(browser, stranger);
  const response = await context.request.get(`/api/team/audit/export?targetId=${registry.id}`);
  expect(response.status()).toBe(200);
  expect((await response.text()).trimEnd().split("\r\n")).toHaveLength(1);
  await context.close();
  const anonymous = await page.context().browser()!.newContext();
  expect((await anonymous.request.get(`${environment.baseUrl}/api/team/audit/export`)).status()).toBe(401);
  await anonymous.close();
});

test("the members list searches and filters by role", async ({ vendor, vendorPage: page }) => {
  const { addTeamMember } = await import("./support/fixtures");
  const viewer = await addTeamMember(vendor, "VIEWER", "viewer");
  await addTeamMember(vendor, "MEMBER", "member");
  await page.goto("/team/members");
  const table = page.getByRole("table", { name: "Team members" });
  await expect(table.getByRole("row")).toHaveCount(4);
  // A team of three needs no filter row.
  const filters = page.getByRole("search", { name: "Filter members" });
  await expect(filters).toHaveCount(0);
  await page.goto("/team/members?role=VIEWER");
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table.getByRole("cell", { name: viewer.email, exact: true })).toBeVisible();
  await filters.getByLabel("Role").selectOption("MEMBER");
  await expect(page).toHaveURL(/role=MEMBER/);
  await expect(table.getByRole("cell", { name: viewer.email, exact: true })).toHaveCount(0);
  await page.goto(`/team/members?q=${encodeURIComponent(vendor.email)}`);
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table.getByRole("cell", { name: vendor.email, exact: true })).toBeVisible();
});
