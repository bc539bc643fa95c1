// Keyless registries in Chromium against the production build: the vendor
// adds an Azure Container Registry or a Quay robot with the keyless auth
// type (offered first and marked recommended), reads the setup the page
// shows (the portal's issuer and the team's subject filled in, the local
// stand-in's endpoints), applies it to the stand-in (Azure: the Graph and
// ARM calls the az CLI makes for the commands; Quay: the curl commands run
// as shown), and the Test is green: the cloud accepted the portal's token
// and refused a stranger's.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createTeamApplication, expect, test } from "./support/fixtures";
import { readE2eEnvironment } from "./support/environment";

const environment = readE2eEnvironment();
const run = promisify(execFile);
const REGISTRY_PAGE = /\/registries\/(?!new\b)[\w-]+(\?tab=setup)?$/;

/** What `az` does for the shown commands, sent to the stand-in; every value is read from the command text. */
async function applyAzCommands(standInUrl: string, commands: string[]): Promise<void> {
  const script = commands.join("\n").replace(/\\\n\s*/g, "");
  expect(/az cloud register .*--endpoint-active-directory (\S+)/.exec(script)?.[1], "the commands point az at the stand-in").toBe(standInUrl);
  const federated = /az ad app federated-credential create --id (\S+)\s+--parameters '((?:[^']|'\\'')*)'/.exec(script);
  expect(federated, "the federated-credential command").not.toBeNull();
  const created = await fetch(`${standInUrl}/v1.0/applications(appId='${federated![1]}')/federatedIdentityCredentials`, {
    method: "POST",
    headers: { authorization: "Bearer az-cli", "content-type": "application/json" },
    body: federated![2]!.replace(/'\\''/g, "'"),
  });
  expect(created.status).toBe(201);
  const role = /az role assignment create --assignee (\S+) --role AcrPull\s+--scope \$\(az acr show --name (\S+) /.exec(script);
  expect(role, "the AcrPull command").not.toBeNull();
  const assigned = await fetch(
    `${standInUrl}/subscriptions/sub/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/${role![2]}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}`,
    {
      method: "PUT",
      headers: { authorization: "Bearer az-cli", "content-type": "application/json" },
      body: JSON.stringify({ properties: { roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d", principalId: role![1] } }),
    },
  );
  expect(assigned.status).toBe(201);
}

test("adds a keyless Azure registry, applies the setup the page shows, and the Test is green with no secret stored", async ({ vendor, vendorPage: page }) => {
  test.setTimeout(120_000);
  const azure = environment.keylessRegistries.azure!;
  const application = await createTeamApplication(vendor, "Shop");
  await page.goto(`/apps/${application.slug}/registries/new`);
  await page.getByRole("radio", { name: "Azure Container Registry", exact: true }).check();
  await page.getByRole("textbox", { name: "Hostname" }).fill(azure.hostname);
  await page.getByLabel("Name (optional)").fill("keyless-acr");
  // Keyless is offered first, recommended, and chosen by default; the secret types are one click away.
  const keyless = page.getByRole("radio", { name: "Keyless (the portal's identity)", exact: true });
  await expect(keyless).toBeChecked();
  await expect(page.getByText("Recommended", { exact: true })).toBeVisible();
  await expect(page.getByRole("radio", { name: "Service principal", exact: true })).toBeVisible();
  await page.getByLabel("Tenant (directory) ID", { exact: true }).fill(azure.tenantId);
  await page.getByLabel("Client ID", { exact: true }).fill(azure.clientId);
  await expect(page.locator("input[type=password]"), "no secret field").toHaveCount(0);
  // The setup shows at once, before anything exists in Azure.
  await expect(page.getByTestId("keyless-setup-guide")).toContainText("api://AzureADTokenExchange");
  // A registry with ABAC repository permissions: the role becomes Container Registry Repository Reader, with a condition naming the repositories.
  const mode = page.getByLabel("Role assignment permissions mode");
  await expect(mode).toHaveValue("");
  await expect(page.getByTestId("keyless-setup-guide")).toContainText("--role AcrPull");
  await mode.selectOption({ label: "RBAC Registry + ABAC Repository Permissions" });
  await page.getByLabel("Repositories (ABAC, optional)").fill("acme/app");
  await expect(page.getByTestId("keyless-setup-guide")).toContainText("--role 'Container Registry Repository Reader'");
  await expect(page.getByTestId("keyless-setup-guide")).toContainText("StringEqualsIgnoreCase");
  // This stand-in's registry uses RBAC registry permissions: back to AcrPull.
  await page.getByLabel("Repositories (ABAC, optional)").fill("");
  await mode.selectOption("");
  await expect(page.getByTestId("keyless-setup-guide")).toContainText("--role AcrPull");
  await page.getByRole("button", { name: "Save registry" }).click();
  await expect(page).toHaveURL(REGISTRY_PAGE, { timeout: 30_000 });
  const registryId = new URL(page.url()).pathname.split("/").at(-1)!;

  await page.goto(`/apps/${application.slug}/registries/${registryId}?tab=setup`);
  const setupTab = page.getByRole("tabpanel", { name: "Setup" });
  const guide = setupTab.getByTestId("keyless-setup-guide");
  await expect(guide).toContainText(`${environment.issuerUrl}`);
  await expect(setupTab.getByRole("region", { name: "Terraform (JSON)" })).toContainText("azuread_application_federated_identity_credential");
  const commands = await guide.getByTestId("setup-command").allInnerTexts();
  await applyAzCommands(azure.standInUrl, commands);

  await page.getByLabel("Image to check (optional)").fill(azure.image);
  await page.getByRole("button", { name: "Test", exact: true }).click();
  const verdict = page.getByTestId("registry-test-verdict");
  await expect(verdict).toHaveAttribute("data-verdict", "verified", { timeout: 45_000 });
  await expect(page.locator('[data-step="negative-check"]')).toContainText("AADSTS70021");
  await expect(page.locator('[data-step="sign-token"]')).toContainText("audience api://AzureADTokenExchange");
});

test("adds a keyless Quay registry, runs the curl commands the page shows, and the Test is green", async ({ vendor, vendorPage: page }) => {
  test.setTimeout(120_000);
  const quay = environment.keylessRegistries.quay!;
  const robot = `acme+keyless${Date.now().toString(36)}`;
  const application = await createTeamApplication(vendor, "Shop");
  await page.goto(`/apps/${application.slug}/registries/new`);
  await page.getByRole("radio", { name: "Quay", exact: true }).check();
  await page.getByRole("textbox", { name: "Hostname" }).fill(quay.hostname);
  await page.getByLabel("Name (optional)").fill("keyless-quay");
  await expect(page.getByRole("radio", { name: "Keyless (the portal's identity)", exact: true })).toBeChecked();
  await page.getByLabel("Robot account", { exact: true }).fill(robot);
  await expect(page.locator("input[type=password]"), "no secret field").toHaveCount(0);
  await page.getByRole("button", { name: "Save registry" }).click();
  await expect(page).toHaveURL(REGISTRY_PAGE, { timeout: 30_000 });
  const registryId = new URL(page.url()).pathname.split("/").at(-1)!;

  await page.goto(`/apps/${application.slug}/registries/${registryId}?tab=setup`);
  const guide = page.getByRole("tabpanel", { name: "Setup" }).getByTestId("keyless-setup-guide");
  await expect(guide).toContainText(environment.issuerUrl);
  for (const command of await guide.getByTestId("setup-command").allInnerTexts()) {
    expect(command, "local mode: the commands call the stand-in").toContain(quay.standInUrl);
    // The image's repository is not known to the guide yet; the vendor fills in theirs.
    await run("sh", ["-c", command.replace("<repository>", quay.image.split("/")[1]!.split(":")[0]!)], { env: { NODE_ENV: "test", PATH: process.env.PATH, QUAY_TOKEN: quay.adminToken } });
  }

  await page.getByLabel("Image to check (optional)").fill(quay.image);
  await page.getByRole("button", { name: "Test", exact: true }).click();
  await expect(page.getByTestId("registry-test-verdict")).toHaveAttribute("data-verdict", "verified", { timeout: 45_000 });
  await expect(page.locator('[data-step="negative-check"]')).toContainText("Token does not match robot");
});
