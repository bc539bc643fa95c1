// Team B tries team A's customers by URL, through the CSV export and through
// every customer server action with A's IDs; a viewer of team A tries every
// action too. Each attempt is a 404, not_found or forbidden; nothing of A's
// leaks, and A's customer is unchanged.
import { addTeamMember, createTeamApplication, createVendor, expect, signedInContext, test } from "./support/fixtures";
import { applyServerEnvironment } from "./support/environment";
import { recordServerActions, replayServerAction } from "./support/server-actions";

test("team B and a viewer of team A cannot read or change team A's customers and pull activity", async ({ browser }) => {
  test.setTimeout(240_000);
  const alice = await createVendor("alice");
  const bob = await createVendor("bob");
  const viewer = await addTeamMember(alice, "VIEWER");
  const aliceApp = await createTeamApplication(alice, "Alice Shop");
  const bobApp = await createTeamApplication(bob, "Bob Shop");
  const aliceContext = await signedInContext(browser, alice);
  const bobContext = await signedInContext(browser, bob);
  const viewerContext = await signedInContext(browser, viewer);
  const page = await aliceContext.newPage();
  const actions = recordServerActions(page);

  // Alice adds a customer, edits it, regenerates its license, revokes and restores it.
  await page.goto(`/apps/${aliceApp.slug}/customers/new`);
  await page.getByLabel("Name").fill("alice-secret-customer");
  await page.getByRole("button", { name: "Add customer" }).click();
  await expect(page.getByRole("heading", { name: /alice-secret-customer/, level: 1 })).toBeVisible();
  const customerId = page.url().split("/").at(-1)!;
  const firstLicense = (await page.getByTestId("license-id").textContent())!.trim();
  await page.getByLabel("Name").fill("alice-renamed");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { name: /alice-renamed/, level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Regenerate license" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Regenerate license" }).click();
  await expect(page.getByTestId("license-id")).not.toHaveText(firstLicense);
  const license = (await page.getByTestId("license-id").textContent())!.trim();
  await page.getByRole("button", { name: "Revoke license" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke license" }).click();
  await expect(page.getByText("This license is revoked")).toBeVisible();
  await page.getByRole("button", { name: "Restore license" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Restore license" }).click();
  await expect(page.getByText("This license is revoked")).toHaveCount(0);

  const find = (needle: string) => actions.find((action) => action.body.includes(needle))!;
  const create = find("alice-secret-customer");
  const update = find("alice-renamed");
  const idOnly = actions.filter((action) => action.body.includes(customerId) && !action.body.includes("alice-renamed"));
  expect(create && update).toBeTruthy();
  expect(idOnly).toHaveLength(3); // regenerate, revoke, restore

  // By URL, under Bob's own application and under Alice's; and the CSV export.
  const bobPage = await bobContext.newPage();
  for (const path of [
    `/apps/${bobApp.slug}/customers/${customerId}`,
    `/apps/${aliceApp.slug}/customers/${customerId}`,
    `/apps/${aliceApp.slug}/customers`,
    `/apps/${aliceApp.slug}/customers/new`,
    `/apps/${aliceApp.slug}/pull-activity`,
  ]) {
    const response = await bobPage.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(bobPage.getByText("alice-renamed")).toHaveCount(0);
  }
  const exported = await bobContext.request.get(`/api/apps/${aliceApp.slug}/pull-activity/export?customer=${customerId}`);
  expect(exported.status()).toBe(404);
  const ownExport = await bobContext.request.get(`/api/apps/${bobApp.slug}/pull-activity/export?customer=${customerId}`);
  expect((await ownExport.text()).trim().split("\r\n")).toHaveLength(1);
  const anonymous = await browser.newContext();
  expect((await anonymous.request.get(`/api/apps/${aliceApp.slug}/pull-activity/export`)).status()).toBe(401);
  await anonymous.close();
  // Searching his own customers with Alice's license finds nothing.
  await bobPage.goto(`/apps/${bobApp.slug}/customers?q=${license}`);
  await expect(bobPage.getByText("No matching customers")).toBeVisible();

  // Through every action with Alice's IDs and Bob's cookies.
  for (const action of [update, ...idOnly]) {
    const replayed = await replayServerAction(bobContext.request, action);
    expect(replayed.text).toContain("not_found");
    expect(replayed.text).not.toContain("alice");
    expect(replayed.text).not.toContain(license);
  }
  // Creating a customer in Bob's team for Alice's application: refused.
  const created = await replayServerAction(bobContext.request, create, (body) => body.replace("alice-secret-customer", "bob-sneaky"));
  expect(created.text).toContain("not_found");

  // Alice's viewer reads the customer but never sees the license, and every write is forbidden.
  const viewerPage = await viewerContext.newPage();
  await viewerPage.goto(`/apps/${aliceApp.slug}/customers/${customerId}`);
  await expect(viewerPage.getByRole("heading", { name: /alice-renamed/, level: 1 })).toBeVisible();
  await expect(viewerPage.getByText("Only members and admins of the team can see the license.")).toBeVisible();
  await expect(viewerPage.getByText(license)).toHaveCount(0);
  expect(await viewerPage.content()).not.toContain(license);
  await expect(viewerPage.getByRole("button", { name: /Revoke license|Regenerate license|Save changes/ })).toHaveCount(0);
  for (const action of [create, update, ...idOnly]) {
    const replayed = await replayServerAction(viewerContext.request, action, (body) => body.replace("alice-renamed", "viewer-was-here"));
    expect(replayed.text).toContain("forbidden");
  }

  applyServerEnvironment();
  const { prisma } = await import("@/lib/db");
  const { findCustomerByLicense } = await import("@/lib/customers/license");
  expect(await prisma.customer.count({ where: { teamId: bob.teamId } })).toBe(0);
  expect(await prisma.customer.count({ where: { teamId: alice.teamId } })).toBe(1);
  expect(await findCustomerByLicense(license)).toMatchObject({ id: customerId, teamId: alice.teamId, name: "alice-renamed", revokedAt: null });
  expect(await findCustomerByLicense(firstLicense)).toBeNull();
  await aliceContext.close();
  await bobContext.close();
  await viewerContext.close();
});
