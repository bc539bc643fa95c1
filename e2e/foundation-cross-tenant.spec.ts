// Team B tries team A's application by URL and by calling A's server actions
// directly with A's IDs: every attempt is a 404 or a not-found error, and
// A's data is unchanged.
import { createVendor, expect, signedInContext, test } from "./support/fixtures";
import { recordServerActions, replayServerAction } from "./support/server-actions";
import { applyServerEnvironment } from "./support/environment";

test("team B cannot read, rename or delete team A's application", async ({ browser }) => {
  // Two users, two contexts and replayed actions: more than a minute on a loaded machine.
  test.setTimeout(120_000);
  const alice = await createVendor("alice");
  const bob = await createVendor("bob");
  const aliceContext = await signedInContext(browser, alice);
  const bobContext = await signedInContext(browser, bob);
  const page = await aliceContext.newPage();
  const actions = recordServerActions(page);

  await page.goto("/apps");
  await page.getByLabel("Application name").fill("Secret Product");
  await page.getByRole("button", { name: "Create application" }).click();
  await expect(page).toHaveURL(/\/apps\/secret-product$/);
  await page.goto("/apps/secret-product/settings");
  await page.getByLabel("Application name").fill("Secret Product 2");
  await page.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByRole("navigation", { name: "Breadcrumb" })).toContainText("Secret Product 2");
  const rename = actions.at(-1)!;

  // By URL: the same slug under Bob's session is a 404, and shows nothing of Alice's.
  const bobPage = await bobContext.newPage();
  const response = await bobPage.goto("/apps/secret-product");
  expect(response?.status()).toBe(404);
  expect((await bobPage.goto("/apps/secret-product/settings"))?.status()).toBe(404);
  await expect(bobPage.getByText("Secret Product")).toHaveCount(0);

  // By calling Alice's rename action with Bob's cookies and Alice's app ID.
  const renamed = await replayServerAction(bobContext.request, rename, (body) => body.replace("Secret Product 2", "Pwned"));
  expect(renamed.text).toContain("not_found");
  expect(renamed.text).not.toContain("Secret Product");

  // Alice deletes a throwaway app, which records the delete action; Bob
  // replays it with the ID of the app Alice kept.
  applyServerEnvironment();
  const { prisma } = await import("@/lib/db");
  const app = await prisma.application.findFirstOrThrow({ where: { teamId: alice.teamId, slug: "secret-product" } });
  await page.goto("/apps");
  await page.getByRole("button", { name: "New application" }).click();
  await page.getByLabel("Application name").fill("Throwaway");
  await page.getByRole("button", { name: "Create application" }).click();
  await expect(page).toHaveURL(/\/apps\/throwaway$/);
  await page.goto("/apps/throwaway/settings");
  const throwaway = await prisma.application.findFirstOrThrow({ where: { teamId: alice.teamId, slug: "throwaway" } });
  await page.getByRole("button", { name: "Delete application" }).click();
  await page.getByRole("dialog").getByRole("textbox").fill("Throwaway");
  await page.getByRole("dialog").getByRole("button", { name: "Delete permanently" }).click();
  await expect(page).toHaveURL(/\/apps$/);
  const remove = actions.find((action) => action.body.includes(throwaway.id))!;
  expect(remove).toBeDefined();
  const deleteAttempt = await replayServerAction(bobContext.request, remove, (body) => body.replace(throwaway.id, app.id));
  expect(deleteAttempt.text).toContain("not_found");

  const after = await prisma.application.findUniqueOrThrow({ where: { id: app.id } });
  expect(after.name).toBe("Secret Product 2");
  await aliceContext.close();
  await bobContext.close();
});
