// Every provider other than ECR, in Chromium against the production build and
// the providers' stand-ins (e2e/support/provider-registries.ts): the vendor
// picks the provider, fills in what its card asks for, saves, and the Test is
// green against the stand-in. The credential's secret never comes back to the
// browser (HTML, RSC payloads, action results, the Test's stream) and never
// appears in the portal's log; another team gets 404s for every registry.
import type { BrowserContext, Page } from "@playwright/test";
import { createTeamApplication, createVendor, expect, signedInContext, test, type Vendor } from "./support/fixtures";
import { applyServerEnvironment, E2E_PORTAL_LOG_FILE, readE2eEnvironment } from "./support/environment";
import type { E2eProviderRegistry } from "./support/provider-registries";
import { recordServerActions, replayServerAction } from "./support/server-actions";
import fs from "node:fs";

const environment = readE2eEnvironment();
const REGISTRY_PAGE = /\/registries\/(?!new\b)[\w-]+(\?tab=setup)?$/;

async function providerModules() {
  applyServerEnvironment();
  return import("@/lib/registries/providers");
}

function captureResponses(context: BrowserContext) {
  const bodies: Promise<string>[] = [];
  context.on("response", (response) => {
    bodies.push(response.text().catch(() => ""));
  });
  return async () => Promise.all(bodies);
}

/** Fills the add form for `registry` as a vendor would, from the provider's own field labels. */
async function fillProviderForm(page: Page, registry: E2eProviderRegistry) {
  const { PROVIDERS } = await providerModules();
  const provider = PROVIDERS[registry.provider];
  await page.getByRole("radio", { name: provider.label, exact: true }).check();
  const hostname = page.getByRole("textbox", { name: "Hostname" });
  if (provider.fixedHostname) await expect(hostname).toHaveValue(provider.fixedHostname);
  await hostname.fill(registry.hostname);
  await page.getByLabel("Name (optional)").fill(`${registry.key}-registry`);
  if (registry.flavor) await page.getByLabel("Registry software").selectOption(registry.flavor);
  const spec = provider.authTypes.find((candidate) => candidate.id === registry.authType)!;
  if (provider.authTypes.length > 1) await page.getByRole("radio", { name: spec.label, exact: true }).check();
  for (const field of spec.fields) await page.getByLabel(field.label, { exact: true }).fill(registry.fields[field.name] ?? "");
}

async function runTest(page: Page, image: string, expected: "verified" | "failing") {
  await page.getByLabel("Image to check (optional)").fill(image);
  await page.getByRole("button", { name: "Test", exact: true }).click();
  const verdict = page.getByTestId("registry-test-verdict");
  await expect(verdict).toHaveAttribute("data-verdict", expected, { timeout: 45_000 });
  return verdict;
}

function portalLog(): string {
  return fs.readFileSync(E2E_PORTAL_LOG_FILE, "utf8");
}

for (const registry of environment.providerRegistries) {
  test(`adds a ${registry.key} registry (${registry.provider}, ${registry.authType}) through the form; its Test is green and its secret never comes back`, async ({ browser, vendor }, testInfo) => {
    test.setTimeout(120_000);
    const application = await createTeamApplication(vendor, "Shop");
    const context = await signedInContext(browser, vendor);
    const responses = captureResponses(context);
    const page = await context.newPage();

    await page.goto(`/apps/${application.slug}/registries/new`);
    await fillProviderForm(page, registry);
    if (registry.authType === "json_key") {
      // Once pasted, the key is shown only as its account, project and key ID.
      const key = JSON.parse(registry.fields.jsonKey!) as { client_email: string; private_key_id: string };
      await expect(page.getByRole("status").getByText(key.client_email)).toBeVisible();
      await expect(page.getByText(key.private_key_id).first()).toBeVisible();
      await expect(page.getByRole("textbox", { name: "JSON key" })).toHaveCount(0);
    }
    await page.getByTestId("setup-preview-toggle").click();
    await expect(page.getByRole("heading", { name: /^Set up / })).toBeVisible();
    await page.getByRole("button", { name: "Save registry" }).click();
    await expect(page).toHaveURL(REGISTRY_PAGE, { timeout: 30_000 });
    await expect(page.getByRole("heading", { name: `${registry.key}-registry`, level: 1 })).toBeVisible();
    const registryId = new URL(page.url()).pathname.split("/").at(-1)!;

    const verdict = await runTest(page, registry.image, "verified");
    const screenshot = testInfo.outputPath(`${registry.key}-verified.png`);
    await page.getByRole("list", { name: "Test steps" }).screenshot({ path: screenshot });
    await testInfo.attach(`${registry.key} Test`, { path: screenshot, contentType: "image/png" });
    await expect(verdict).toBeVisible();

    if (registry.secret) {
      applyServerEnvironment();
      const [{ prisma }, { loadRegistryCredentials }] = await Promise.all([import("@/lib/db"), import("@/lib/registries/credentials")]);
      const stored = await prisma.registry.findUniqueOrThrow({ where: { id: registryId }, omit: { encryptedCredentials: false } });
      expect(stored.encryptedCredentials).not.toContain(registry.secret);
      expect(JSON.stringify(stored.settings)).not.toContain(registry.secret);
      expect(JSON.stringify(await loadRegistryCredentials(vendor.teamId, registryId))).toContain(registry.secret.slice(0, 20));

      // The edit form keeps the stored secret without showing it.
      await page.goto(`/apps/${application.slug}/registries/${registryId}?tab=settings`);
      await expect(page.getByRole("button", { name: /^Replace / })).toBeVisible();
      for (const path of [`/apps/${application.slug}/registries`, `/apps/${application.slug}/registries/${registryId}`]) {
        await page.goto(path);
        expect(await page.content()).not.toContain(registry.secret.slice(0, 20));
        const rsc = await context.request.get(path, { headers: { RSC: "1" } });
        expect(await rsc.text()).not.toContain(registry.secret.slice(0, 20));
      }
      const bodies = await responses();
      expect(bodies.length).toBeGreaterThan(5);
      for (const body of bodies) expect(body).not.toContain(registry.secret.slice(0, 20));
      await expect.poll(() => portalLog().includes(registryId), { timeout: 10_000 }).toBe(true);
      expect(portalLog().includes(registry.secret.slice(0, 20)), "the portal's log contains the secret").toBe(false);
    }
    await context.close();
  });
}

test("a wrong token is refused by the provider and the Test says so in the provider's terms", async ({ vendor, vendorPage: page }) => {
  test.setTimeout(90_000);
  const registry = environment.providerRegistries.find((candidate) => candidate.key === "ghcr")!;
  const application = await createTeamApplication(vendor, "Shop");
  await page.goto(`/apps/${application.slug}/registries/new`);
  await fillProviderForm(page, { ...registry, key: "ghcr-wrong", fields: { ...registry.fields, password: "ghp_wrongTokenForTheTest00000000000000001" } });
  await page.getByRole("button", { name: "Save registry" }).click();
  await expect(page).toHaveURL(REGISTRY_PAGE, { timeout: 30_000 });
  const verdict = await runTest(page, registry.image, "failing");
  // GHCR's own answer is shown unchanged next to the portal's explanation.
  await expect(page.getByText(/denied/).first()).toBeVisible();
  await expect(verdict).toBeVisible();
  await expect(verdict).toContainText("GHCR refused the username and token.");
  await expect(page.locator('[data-step="registry-login"]')).toHaveAttribute("data-status", "failed");
});

async function createEveryProviderRegistry(vendor: Vendor): Promise<{ id: string; registry: E2eProviderRegistry }[]> {
  applyServerEnvironment();
  const [{ createRegistry }, { ZCreateRegistryInput }] = await Promise.all([import("@/lib/registries/service"), import("@/lib/registries/schema")]);
  const created = [];
  for (const registry of environment.providerRegistries) {
    const input = ZCreateRegistryInput.parse({
      provider: registry.provider,
      name: `alice-${registry.key}`,
      hostname: registry.hostname,
      authType: registry.authType,
      ...(registry.flavor ? { flavor: registry.flavor } : {}),
      accessKeyId: "",
      secretAccessKey: "",
      roleArn: "",
      ...registry.fields,
      allApplications: true,
      applicationIds: [],
    });
    created.push({ id: (await createRegistry(vendor.teamId, { userId: vendor.userId, email: vendor.email }, input)).id, registry });
  }
  return created;
}

test("team B cannot read, test, edit or delete team A's registry of any provider", async ({ browser }) => {
  test.setTimeout(120_000);
  const alice = await createVendor("alice");
  const bob = await createVendor("bob");
  const aliceApp = await createTeamApplication(alice, "Alice Shop");
  const bobApp = await createTeamApplication(bob, "Bob Shop");
  const registries = await createEveryProviderRegistry(alice);
  const [aliceContext, bobContext] = await Promise.all([signedInContext(browser, alice), signedInContext(browser, bob)]);

  // Alice edits and deletes through the form once, so that Bob can replay both actions.
  const alicePage = await aliceContext.newPage();
  const actions = recordServerActions(alicePage);
  const [first] = registries;
  await alicePage.goto(`/apps/${aliceApp.slug}/registries/${first!.id}?tab=settings`);
  // Wait for the hydrated form before typing into it.
  await expect(alicePage.getByLabel("Name (optional)")).toHaveValue(`alice-${first!.registry.key}`);
  await alicePage.getByLabel("Name (optional)").fill("alice-edited");
  await alicePage.getByRole("button", { name: "Save changes" }).click();
  await expect(alicePage.getByRole("heading", { name: "alice-edited", level: 1 })).toBeVisible();
  const update = actions.find((action) => action.body.includes("alice-edited"))!;
  expect(update).toBeTruthy();

  const bobPage = await bobContext.newPage();
  for (const { id, registry } of registries) {
    for (const path of [`/apps/${bobApp.slug}/registries/${id}`, `/apps/${aliceApp.slug}/registries/${id}`]) {
      const response = await bobPage.goto(path);
      expect(response?.status(), path).toBe(404);
      expect(await bobPage.content()).not.toContain(registry.hostname);
    }
    const tested = await bobContext.request.post(`/api/registries/${id}/test`, { data: { image: registry.image }, headers: { origin: environment.baseUrl } });
    expect(tested.status(), registry.key).toBe(404);
    expect(await tested.text()).not.toContain(registry.hostname);
    const updated = await replayServerAction(bobContext.request, update, (body) => body.replaceAll(first!.id, id).replace("alice-edited", "pwned"));
    expect(updated.text, registry.key).toContain("not_found");
    for (const value of Object.values(registry.fields)) if (value.length > 8) expect(updated.text).not.toContain(value.slice(0, 20));
  }

  applyServerEnvironment();
  const { prisma } = await import("@/lib/db");
  expect(await prisma.registry.count({ where: { teamId: bob.teamId } })).toBe(0);
  const after = await prisma.registry.findMany({ where: { teamId: alice.teamId }, select: { name: true } });
  expect(after.map((row) => row.name).sort()).toEqual(["alice-edited", ...registries.slice(1).map(({ registry }) => `alice-${registry.key}`)].sort());
  await Promise.all([aliceContext.close(), bobContext.close()]);
});

test("points to the right provider for another provider's hostname, and replaces a stored token only when asked", async ({ vendor, vendorPage: page }) => {
  test.setTimeout(180_000);
  const quay = environment.providerRegistries.find((candidate) => candidate.key === "quay")!;
  const application = await createTeamApplication(vendor, "Shop");
  await page.goto(`/apps/${application.slug}/registries/new`);
  await fillProviderForm(page, { ...quay, hostname: "acmevendor.azurecr.io" });
  await page.getByRole("button", { name: "Save registry" }).click();
  await expect(page.getByText("This is an Azure Container Registry hostname; pick Azure Container Registry as the provider.")).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Hostname" })).toHaveAttribute("aria-invalid", "true");

  await page.getByRole("textbox", { name: "Hostname" }).fill(quay.hostname);
  await page.getByLabel("Robot token", { exact: true }).fill("WRONGROBOTTOKEN000000000000000001");
  await page.getByRole("button", { name: "Save registry" }).click();
  await expect(page).toHaveURL(REGISTRY_PAGE, { timeout: 30_000 });
  const registryId = new URL(page.url()).pathname.split("/").at(-1)!;
  await runTest(page, quay.image, "failing");
  await expect(page.getByText("Could not find robot with username: acme+puller and supplied password.").first()).toBeVisible();

  // The stored token shows masked; renaming keeps it; replacing it stores the new one.
  await page.goto(`/apps/${application.slug}/registries/${registryId}?tab=settings`);
  await expect(page.getByLabel("Name (optional)")).toHaveValue("quay-registry");
  await page.getByLabel("Name (optional)").fill("quay-renamed");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { name: "quay-renamed", level: 1 })).toBeVisible();
  applyServerEnvironment();
  const { loadRegistryCredentials } = await import("@/lib/registries/credentials");
  expect(await loadRegistryCredentials(vendor.teamId, registryId)).toMatchObject({ password: "WRONGROBOTTOKEN000000000000000001" });
  await page.getByRole("button", { name: /^Replace / }).click();
  const { PROVIDERS } = await providerModules();
  const secretField = PROVIDERS.quay.authTypes.find((spec) => spec.id === "basic")!.fields.find((field) => field.secret)!;
  await page.getByLabel(secretField.label, { exact: true }).fill(quay.fields.password!);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Registry saved with the new secret")).toBeVisible();
  expect(await loadRegistryCredentials(vendor.teamId, registryId)).toMatchObject({ password: quay.fields.password });
  // The old token's failure is no longer shown as the result; the Test with the new token is green.
  await expect(page.getByText("Could not find robot with username")).toHaveCount(0);
  await runTest(page, quay.image, "verified");
});
