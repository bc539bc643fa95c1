// Keyless Google Artifact Registry in Chromium against the production build:
// the vendor adds a Google registry with the keyless auth type (offered
// first), copies the gcloud commands the form shows (the portal's issuer and
// the team's subject filled in), runs them against the Google stand-in (no
// gcloud CLI here: the stand-in parses the exact text and applies it, so a
// wrong value in a shown command fails), saves, and the Test is green with
// the negative check passed. Nothing secret is asked for or stored.
import { createTeamApplication, expect, test } from "./support/fixtures";
import { applyServerEnvironment, readE2eEnvironment } from "./support/environment";

const environment = readE2eEnvironment();
const google = environment.keylessRegistries.google!;
const REGISTRY_PAGE = /\/registries\/(?!new\b)[\w-]+(\?tab=setup)?$/;

test("a vendor adds a keyless Google registry, applies the setup the form shows, and the Test is green", async ({ vendor, vendorPage: page }) => {
  test.setTimeout(120_000);
  applyServerEnvironment();
  const { prisma } = await import("@/lib/db");
  const { publicId: subject } = await prisma.team.findUniqueOrThrow({ where: { id: vendor.teamId }, select: { publicId: true } });
  const application = await createTeamApplication(vendor, "Shop");
  await page.goto(`/apps/${application.slug}/registries/new`);
  await page.getByRole("radio", { name: "Google Artifact Registry", exact: true }).check();
  await page.getByRole("textbox", { name: "Hostname" }).fill(google.hostname);
  await page.getByLabel("Name (optional)").fill("gar-keyless");
  const keyless = page.getByRole("radio", { name: /^Keyless \(the portal's identity\)/ });
  await expect(keyless).toBeChecked();
  await page.getByLabel("Project number", { exact: true }).fill(google.projectNumber);
  await page.getByLabel("Pool ID", { exact: true }).fill("e2e-portal-pool");
  await page.getByLabel("Provider ID", { exact: true }).fill("e2e-portal-oidc");

  // The guide is there before anything exists in Google (a preview, one click away), with this portal's issuer and the team's subject.
  await page.getByTestId("setup-preview-toggle").click();
  const guide = page.getByTestId("keyless-setup-guide");
  await expect(guide).toContainText(`--issuer-uri="${environment.issuerUrl}"`);
  await expect(guide).toContainText(`--attribute-condition="assertion.sub=='${subject}'"`);
  await expect(guide).toContainText("google_iam_workload_identity_pool_provider");
  await expect(guide).toContainText("--jwk-json-path=portal-jwks.json");
  // Local mode: the first command points gcloud at the stand-in (gcloud's own endpoint overrides), so the rest reach nothing else.
  const commands = (await guide.getByTestId("setup-command").allInnerTexts()).filter((command) => command.startsWith("gcloud ") || command.startsWith("export CLOUDSDK_API_ENDPOINT_OVERRIDES_"));
  expect(commands).toHaveLength(4);
  expect(commands[0]).toContain(`export CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM=${new URL(google.gcloudUrl).origin}/`);
  expect(commands[2]).toContain("--workload-identity-pool=e2e-portal-pool");

  // What the vendor runs in Cloud Shell, with their repository's ID in place of <repository>.
  const script = commands.map((command) => command.replaceAll("<repository>", "images")).join("\n");
  const applied = await fetch(google.gcloudUrl, { method: "POST", body: script });
  expect(applied.status, await applied.clone().text()).toBe(200);

  await page.getByRole("button", { name: "Save registry" }).click();
  await expect(page).toHaveURL(REGISTRY_PAGE, { timeout: 30_000 });
  const registryId = new URL(page.url()).pathname.split("/").at(-1)!;
  await page.getByLabel("Image to check (optional)").fill(google.image);
  await page.getByRole("button", { name: "Test", exact: true }).click();
  const verdict = page.getByTestId("registry-test-verdict");
  await expect(verdict).toHaveAttribute("data-verdict", "verified", { timeout: 45_000 });
  const steps = page.getByRole("list", { name: "Test steps" });
  await expect(steps).toContainText("refused a token for another subject");
  await expect(steps).toContainText("The given credential is rejected by the attribute condition.");

  // Keyless: nothing secret stored for the registry.
  const stored = await prisma.registry.findUniqueOrThrow({ where: { id: registryId }, omit: { encryptedCredentials: false } });
  expect(stored.encryptedCredentials).toBeNull();
  expect(stored.authType).toBe("federated");
  expect(stored.negativeCheckPassedAt).not.toBeNull();
});
