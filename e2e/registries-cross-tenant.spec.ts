// Team B tries team A's registry by URL and through every registry server
// action with A's IDs: each attempt is a 404 or a not-found / invalid-input
// error, nothing of A's leaks into the response, and A's data is unchanged.
import { createTeamApplication, createVendor, expect, signedInContext, test } from "./support/fixtures";
import { applyServerEnvironment } from "./support/environment";
import { recordServerActions, replayServerAction } from "./support/server-actions";

test("team B cannot read, edit, delete or share team A's registry", async ({ browser }) => {
  // Two teams, two registries and every replayed action: over a minute on a loaded two-core machine.
  test.setTimeout(150_000);
  const alice = await createVendor("alice");
  const bob = await createVendor("bob");
  const aliceApp = await createTeamApplication(alice, "Alice Shop");
  const bobApp = await createTeamApplication(bob, "Bob Shop");
  const aliceContext = await signedInContext(browser, alice);
  const bobContext = await signedInContext(browser, bob);
  const page = await aliceContext.newPage();
  const actions = recordServerActions(page);

  // Alice adds a registry limited to her application, renames it, and deletes a throwaway one.
  await page.goto(`/apps/${aliceApp.slug}/registries/new`);
  await page.getByLabel("Hostname").fill("111111111111.dkr.ecr.eu-west-1.amazonaws.com");
  await page.getByLabel("Name (optional)").fill("alice-secret-registry");
  await page.getByRole("radio", { name: /^IAM Authentication/ }).check();
  await page.getByLabel("Role name").fill("arn:aws:iam::111111111111:role/AlicePull");
  await page.getByRole("radio", { name: "Only the applications I choose" }).check();
  await page.getByRole("checkbox", { name: "Alice Shop" }).check();
  await page.getByRole("button", { name: "Save registry" }).click();
  await expect(page.getByRole("heading", { name: "alice-secret-registry", level: 1 })).toBeVisible();
  const registryId = new URL(page.url()).pathname.split("/").at(-1)!;
  await page.getByRole("tab", { name: "Settings" }).click();
  await page.getByLabel("Name (optional)").fill("alice-renamed");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { name: "alice-renamed", level: 1 })).toBeVisible();

  await page.goto(`/apps/${aliceApp.slug}/registries/new`);
  await page.getByLabel("Hostname").fill("public.ecr.aws");
  await page.getByLabel("Name (optional)").fill("throwaway");
  await page.getByRole("radio", { name: /^IAM Authentication/ }).check();
  await page.getByLabel("Role name").fill("arn:aws:iam::111111111111:role/AlicePull");
  await page.getByRole("button", { name: "Save registry" }).click();
  await expect(page.getByRole("heading", { name: "throwaway", level: 1 })).toBeVisible();
  const throwawayId = new URL(page.url()).pathname.split("/").at(-1)!;
  await page.getByRole("tab", { name: "Settings" }).click();
  await page.getByRole("button", { name: "Delete registry" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete registry" }).click();
  await expect(page).toHaveURL(/\/registries$/);

  const create = actions.find((action) => action.body.includes("alice-secret-registry"))!;
  const update = actions.find((action) => action.body.includes("alice-renamed"))!;
  const remove = actions.find((action) => action.body.includes(throwawayId) && !action.body.includes("throwaway\""))!;
  expect(create && update && remove).toBeTruthy();

  // By URL, under Bob's own application and under Alice's.
  const bobPage = await bobContext.newPage();
  for (const path of [`/apps/${bobApp.slug}/registries/${registryId}`, `/apps/${aliceApp.slug}/registries/${registryId}`, `/apps/${aliceApp.slug}/registries`]) {
    const response = await bobPage.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(bobPage.getByText("alice-renamed")).toHaveCount(0);
    await expect(bobPage.getByText("AlicePull")).toHaveCount(0);
  }
  await bobPage.goto(`/apps/${bobApp.slug}/registries`);
  await expect(bobPage.getByText("No registries yet")).toBeVisible();
  await expect(bobPage.getByText("alice-renamed")).toHaveCount(0);

  // Through every action with Alice's IDs and Bob's cookies.
  const updated = await replayServerAction(bobContext.request, update, (body) => body.replace("alice-renamed", "pwned"));
  expect(updated.text).toContain("not_found");
  expect(updated.text).not.toContain("alice");
  const deleted = await replayServerAction(bobContext.request, remove, (body) => body.replace(throwawayId, registryId));
  expect(deleted.text).toContain("not_found");
  // Creating in Bob's team, but sharing it with Alice's application: refused.
  const created = await replayServerAction(bobContext.request, create, (body) => body.replace("alice-secret-registry", "bob-sneaky"));
  expect(created.text).toContain("invalid_input");
  expect(created.text).toContain("not in this team");

  applyServerEnvironment();
  const { prisma } = await import("@/lib/db");
  expect(await prisma.registry.count({ where: { teamId: bob.teamId } })).toBe(0);
  const after = await prisma.registry.findUniqueOrThrow({ where: { id: registryId }, include: { applications: true } });
  expect(after).toMatchObject({ teamId: alice.teamId, name: "alice-renamed" });
  expect(after.applications.map((access) => access.applicationId)).toEqual([aliceApp.id]);
  await aliceContext.close();
  await bobContext.close();
});
