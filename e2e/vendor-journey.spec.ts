// The vendor's path with the setup up front (issue 12): sign up, create an
// application and take the offered next step, add an ECR registry with IAM
// Authentication from a prefilled role name, download the CloudFormation and
// Terraform artefacts and compare their policies with the page's, run the
// checklist's AWS CLI commands unchanged against the local AWS (local mode
// puts the endpoint in them), Test green, then break the role and follow the
// failure to the setup step it names. Real Chromium, real AWS CLI, local AWS.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Page } from "@playwright/test";
import { E2E_FIXTURE_IMAGE } from "./support/constants";
import { readE2eEnvironment } from "./support/environment";
import { expect, test, TEST_PASSWORD } from "./support/fixtures";

const run = promisify(execFile);
const environment = readE2eEnvironment();
const [account] = environment.localAws.accounts;
const HOSTNAME = `${account!.accountId}.dkr.ecr.${E2E_FIXTURE_IMAGE.region}.amazonaws.com`;
const IMAGE = `${E2E_FIXTURE_IMAGE.repository}:${E2E_FIXTURE_IMAGE.tag}`;

async function signUp(page: Page) {
  const unique = randomUUID().slice(0, 8);
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill("Vera Vendor");
  await page.getByLabel("Email", { exact: true }).fill(`vera-${unique}@example.com`);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByLabel("Team name").fill(`Vera Software ${unique}`);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/apps$/);
}

/** Runs a command copied from the page in bash, as the vendor would paste it, with the account's keys. */
async function runCopiedCommand(command: string, directory: string) {
  return run("bash", ["-euo", "pipefail", "-c", command], {
    cwd: directory,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: directory,
      AWS_ACCESS_KEY_ID: account!.accessKeyId,
      AWS_SECRET_ACCESS_KEY: account!.secretAccessKey,
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_PAGER: "",
      NODE_ENV: "test",
    },
    timeout: 60_000,
  });
}

async function clipboard(page: Page): Promise<string> {
  return page.evaluate(() => navigator.clipboard.readText());
}

/** Resolves what CloudFormation resolves in the trust policy (Fn::Sub of the parameters and the stack's account). */
function resolveCloudFormationTrust(template: { Parameters: Record<string, { Default: string }>; Resources: Record<string, { Properties: Record<string, unknown> }> }): unknown {
  const sub = template.Resources.PortalEcrPullRole!.Properties.AssumeRolePolicyDocument as { "Fn::Sub": [string, unknown] };
  const parameters = Object.fromEntries(Object.entries(template.Parameters).map(([name, parameter]) => [name, parameter.Default]));
  const values: Record<string, string> = { ...parameters, IssuerHostPath: parameters.IssuerUrl!.split("://")[1]!, "AWS::Partition": "aws", "AWS::AccountId": account!.accountId };
  return JSON.parse(sub["Fn::Sub"][0].replace(/\$\{([\w:]+)\}/g, (_, name: string) => values[name]!));
}

test("IAM journey: next step after the application, role name first, one-click artefacts, copied commands, Test green, and a failure that points at its step", async ({ page }) => {
  test.setTimeout(180_000);
  await signUp(page);

  // No application yet: the form is open. After creating one, the next step is offered.
  await page.getByLabel("Application name").fill("Shop");
  await page.getByRole("button", { name: "Create application" }).click();
  await expect(page).toHaveURL(/\/apps\/shop$/);
  await expect(page.getByRole("heading", { name: "Next steps" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Add a customer" })).toBeVisible();
  // The toast does not cover the user menu.
  const toast = page.locator("[data-sonner-toast]").first();
  await expect(toast).toBeVisible();
  const menu = await page.getByRole("button", { name: /Vera Vendor/ }).boundingBox();
  const toastBox = await toast.boundingBox();
  expect(menu && toastBox && (toastBox.y >= menu.y + menu.height || toastBox.x + toastBox.width <= menu.x)).toBeTruthy();
  // With an application, the applications page lists it first and keeps the form behind a button.
  await page.goto("/apps");
  await expect(page.getByLabel("Application name")).toHaveCount(0);
  await page.getByRole("button", { name: "New application" }).click();
  await expect(page.getByLabel("Application name")).toBeFocused();
  await page.goto("/apps/shop");
  await page.getByRole("link", { name: "Add a registry" }).click();

  // IAM is the default and recommended; the role name is prefilled; a pasted image URI is cleaned as typed.
  await expect(page.getByRole("radio", { name: /^IAM Authentication/ })).toBeChecked();
  await expect(page.getByText("Recommended")).toBeVisible();
  await expect(page.getByLabel("Role name")).toHaveValue("PortalEcrPull");
  // A pasted image URI is cleaned at once, with a note saying what was removed.
  const hostnameBox = page.getByRole("textbox", { name: "Hostname" });
  await page.evaluate((text) => navigator.clipboard.writeText(text), `https://${HOSTNAME}/${IMAGE}`);
  await hostnameBox.focus();
  await page.keyboard.press("ControlOrMeta+V");
  await expect(hostnameBox).toHaveValue(HOSTNAME);
  const removedNote = `Removed https:// and the image ${E2E_FIXTURE_IMAGE.repository} and its tag ${E2E_FIXTURE_IMAGE.tag}: only the registry's hostname is needed here.`;
  await expect(page.getByTestId("hostname-cleaned")).toHaveText(removedNote);
  // Typed key by key, the path keeps its slashes until the field is left, then it is cleaned the same way.
  await hostnameBox.fill("");
  await expect(page.getByTestId("hostname-cleaned")).toHaveCount(0);
  await hostnameBox.pressSequentially(`${HOSTNAME}/${IMAGE}`);
  await expect(hostnameBox).toHaveValue(`${HOSTNAME}/${IMAGE}`);
  await hostnameBox.blur();
  await expect(hostnameBox).toHaveValue(HOSTNAME);
  await expect(page.getByTestId("hostname-cleaned")).toHaveText(removedNote.replace("https:// and ", ""));
  // Validation as the vendor types, once the field was left; the note goes once the field no longer holds what it describes.
  await page.getByRole("textbox", { name: "Hostname" }).fill(`${HOSTNAME}.example`);
  await expect(page.getByTestId("hostname-cleaned")).toHaveCount(0);
  await page.getByRole("textbox", { name: "Hostname" }).blur();
  await expect(page.getByText(/continues past it/)).toBeVisible();
  await page.getByRole("textbox", { name: "Hostname" }).fill(HOSTNAME);
  await expect(page.getByText(/continues past it/)).toHaveCount(0);

  const roleName = `ShopPull-${randomUUID().slice(0, 8)}`;
  await page.getByLabel("Role name").fill(roleName);
  await expect(page.getByText(`In account ${account!.accountId} (the registry's)`)).toBeVisible();
  const roleArn = `arn:aws:iam::${account!.accountId}:role/${roleName}`;
  await expect(page.getByTestId("resolved-role-arn")).toHaveText(roleArn);

  // The form is short: the guide is a preview, one click away, with the whole checklist at once; creating the role and its trust policy is one step.
  await expect(page.getByTestId("setup-preview")).not.toHaveAttribute("open", "");
  await page.getByTestId("setup-preview-toggle").click();
  const checklist = page.getByRole("region", { name: "Setup checklist" });
  await expect(checklist.getByRole("listitem")).toHaveCount(4);
  await expect(checklist).toContainText("Create the role with its trust policy");
  await expect(checklist).not.toContainText("in the last step");
  const trustPolicy = JSON.parse((await page.getByRole("region", { name: "Trust policy", exact: true }).locator("pre").textContent())!) as unknown;
  const permissionsPolicy = JSON.parse((await page.getByRole("region", { name: "Permissions policy", exact: true }).locator("pre").textContent())!) as unknown;

  // One-click artefacts: parsed, their policies are the page's.
  const cfnDownload = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CloudFormation template" }).click();
  const template = JSON.parse(await readFile((await (await cfnDownload).path())!, "utf8"));
  expect(template.Parameters.RoleName.Default).toBe(roleName);
  expect(resolveCloudFormationTrust(template)).toEqual(trustPolicy);
  expect(template.Resources.PortalEcrPullRole.Properties.Policies[0].PolicyDocument).toEqual(permissionsPolicy);
  const tfDownload = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download Terraform (.tf.json)" }).click();
  const terraform = JSON.parse(await readFile((await (await tfDownload).path())!, "utf8"));
  expect(JSON.parse(terraform.resource.aws_iam_role.portal_ecr_pull.assume_role_policy)).toEqual(trustPolicy);
  expect(JSON.parse(terraform.resource.aws_iam_role_policy.portal_ecr_pull.policy)).toEqual(permissionsPolicy);
  // Local mode: Terraform talks to the local AWS too.
  expect(terraform.provider.aws.endpoints[0].iam).toBe(environment.localAws.url);
  // Console links for the partition.
  await expect(checklist.getByRole("link", { name: "IAM identity providers in the AWS console" })).toHaveAttribute("href", "https://console.aws.amazon.com/iam/home#/identity_providers");

  // Save first (allowed), then run the checklist's commands exactly as copied.
  // Save leads to the setup: the Setup tab, with a progress header that no Test has ticked yet.
  await page.getByRole("button", { name: "Save registry" }).click();
  await expect(page.getByRole("heading", { name: "Status and Test" })).toBeVisible();
  await expect(page).toHaveURL(/\?tab=setup$/);
  await expect(page.getByRole("tab", { name: "Setup" })).toHaveAttribute("aria-selected", "true");
  const progress = page.getByTestId("setup-progress");
  await expect(progress.getByRole("listitem")).toHaveText([/Register the portal in AWS/, /Create the role/, /Allow pulls/, /Test/]);
  await expect(progress.locator('[data-done="true"]')).toHaveCount(0);
  const setupPanel = page.getByRole("tabpanel", { name: "Setup" });
  await expect(setupPanel.getByText(/A local setup: every step works here/)).toBeVisible();
  const savedChecklist = page.getByRole("region", { name: "Setup checklist" });
  const directory = await mkdtemp(path.join(os.tmpdir(), "vendor-cli-"));
  for (const number of [1, 2, 3]) {
    await savedChecklist.getByText(`AWS CLI command for step ${number}`).click();
    await savedChecklist.getByRole("button", { name: `Copy step ${number} command` }).click();
    const command = await clipboard(page);
    expect(command).toContain(`--endpoint-url '${environment.localAws.url}'`);
    if (number === 2) {
      // The role step creates the role; the second command is for a role that exists already.
      const createOnly = command.split("\n\n# The role exists already?")[0]!;
      await runCopiedCommand(createOnly, directory);
      continue;
    }
    await runCopiedCommand(command, directory).catch((error: { stderr?: string }) => {
      // Other specs may have registered the portal's provider in this account already.
      if (!(number === 1 && /EntityAlreadyExists/.test(error.stderr ?? ""))) throw error;
    });
  }
  await writeFile(path.join(directory, "done"), "");

  // Test: green, the verdict scrolled into view and focused; durations readable.
  await page.getByRole("tab", { name: "Overview" }).click();
  await page.getByLabel("Image to check (optional)").fill(IMAGE);
  await page.getByRole("button", { name: "Test", exact: true }).click();
  const verdict = page.getByTestId("registry-test-verdict");
  await expect(verdict).toHaveAttribute("data-verdict", "verified", { timeout: 45_000 });
  await expect(verdict).toBeFocused();
  await expect(verdict).toBeInViewport();
  await expect(verdict).toContainText(/took (\d+ ms|\d+\.\d s)/);
  await expect(verdict).not.toContainText("0.0 s");
  await expect(page.locator('[data-step="ecr-token"]')).toContainText(/Login token valid until \w{3} \d{1,2}, \d{4}/);
  await expect(page.getByRole("button", { name: "Test again" })).toBeVisible();
  // Verified: what comes next is a customer.
  await expect(page.getByTestId("registry-next").getByRole("link", { name: "Add a customer" })).toBeVisible();

  // Verified: Setup is collapsed; the tabs work by keyboard and survive a reload.
  await page.getByRole("tab", { name: "Overview" }).focus();
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("tab", { name: "Setup" })).toBeFocused();
  await expect(page.getByRole("tab", { name: "Setup" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("setup-collapsed")).not.toHaveAttribute("open", "");
  await page.keyboard.press("End");
  await expect(page.getByRole("tab", { name: "Settings" })).toHaveAttribute("aria-selected", "true");
  await page.reload();
  await expect(page.getByRole("tab", { name: "Settings" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("heading", { name: "Edit registry" })).toBeVisible();

  // A role that does not exist: the failure is shown once and points at "Create the role with its trust policy".
  await expect(page.getByLabel("Role name")).toHaveValue(roleName);
  await page.getByLabel("Role name").fill(`Missing-${randomUUID().slice(0, 8)}`);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Not tested since change").first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Test", exact: true })).toBeVisible();
  await page.getByRole("button", { name: /^Test/ }).click();
  await expect(verdict).toHaveAttribute("data-verdict", "failing", { timeout: 45_000 });
  await expect(verdict).toBeFocused();
  const assume = page.locator('[data-step="assume-role"]');
  await expect(assume).toContainText("AccessDenied");
  // What and how, once, at the top: the cause and the fix in the banner, with the button to the setup step.
  await expect(page.getByText(/the role does not exist, or its trust policy does not accept the portal's token/)).toHaveCount(1);
  await expect(verdict.getByText(/the role does not exist, or its trust policy does not accept the portal's token/)).toBeVisible();
  await expect(verdict).toContainText("Fix:");
  await verdict.getByTestId("verdict-fix-link").click();
  await expect(page.getByRole("tab", { name: "Setup" })).toHaveAttribute("aria-selected", "true");
  await expect(page.locator("#setup-step-role")).toBeInViewport();
  // The step row keeps the link too.
  await page.getByRole("tab", { name: "Overview" }).click();
  await assume.getByRole("link", { name: /Step 2: Create the role with its trust policy/ }).click();
  await expect(page.getByRole("tab", { name: "Setup" })).toHaveAttribute("aria-selected", "true");
  await expect(page.locator("#setup-step-role")).toBeInViewport();
});
