// The customer's side in Chromium against the production server and the
// local AWS: the vendor makes a Stable channel and gives it to a customer;
// the customer signs in to its own page with the license, sees only the
// stable images, copies the login command and downloads an air-gap archive
// (an OCI layout tar checked with tar). The customer's cookie is refused by
// the vendor's pages and the REST API.
import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { createTeamApplication, expect, test } from "./support/fixtures";
import { E2E_FIXTURE_IMAGE } from "./support/constants";
import { applyServerEnvironment, readE2eEnvironment } from "./support/environment";
import { VendorAws } from "./support/vendor-aws";

const run = promisify(execFile);
const environment = readE2eEnvironment();
const [registryAccount] = environment.localAws.accounts;
const REGION = E2E_FIXTURE_IMAGE.region;
const UPSTREAM_HOST = `${registryAccount!.accountId}.dkr.ecr.${REGION}.amazonaws.com`;
const PROXY_HOST = new URL(environment.baseUrl).host;

async function pushSynthetic(repository: string, tag: string): Promise<{ digest: string }> {
  const response = await fetch(`${environment.localAws.url}/_local/synthetic-images`, {
    method: "POST",
    body: JSON.stringify({ accountId: registryAccount!.accountId, region: REGION, repository, tag, layerSizes: [32 * 1024, 8 * 1024] }),
  });
  expect(response.ok).toBe(true);
  return (await response.json()) as { digest: string };
}

test("the vendor gives a customer the Stable channel; the customer signs in, sees only stable images, copies the login command and downloads an archive", async ({ vendor, vendorPage: page, browser }) => {
  test.setTimeout(240_000);
  const suffix = randomUUID().slice(0, 6);
  const application = await createTeamApplication(vendor, `Shop ${suffix}`);
  const stable = await pushSynthetic(`shop-${suffix}/app`, "1.0");
  await pushSynthetic(`shop-${suffix}/app`, "2.0-beta");
  await pushSynthetic(`shop-${suffix}/beta-tool`, "0.1");
  // The vendor's key can also list tags (ecr:ListImages, part of AmazonEC2ContainerRegistryReadOnly), which the customer's page uses.
  const aws = new VendorAws(environment.localAws.url, registryAccount!);
  const key = await aws.createUserWithKey(`portal-channel-${suffix}`);
  await aws.iam.send(new PutUserPolicyCommand({ UserName: `portal-channel-${suffix}`, PolicyName: "ListTags", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["ecr:ListImages"], Resource: "*" }] }) }));
  applyServerEnvironment();
  const { createRegistry } = await import("@/lib/registries/service");
  const { ZCreateRegistryInput } = await import("@/lib/registries/schema");
  const { createCustomer } = await import("@/lib/customers/service");
  const { ZCreateCustomerInput } = await import("@/lib/customers/schema");
  const actor = { userId: vendor.userId, email: vendor.email };
  await createRegistry(vendor.teamId, actor, ZCreateRegistryInput.parse({ provider: "ecr", name: "", hostname: UPSTREAM_HOST, authType: "access_key", accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, roleArn: "", allApplications: true, applicationIds: [] }));
  const { customer, licenseId } = await createCustomer(vendor.teamId, actor, ZCreateCustomerInput.parse({ applicationId: application.id, name: "Acme Corp", email: "", expiresOn: "" }));

  // The vendor makes the Stable channel: the app's 1.x tags.
  await page.goto(`/apps/${application.slug}`);
  await page.getByRole("navigation", { name: "Application" }).getByRole("link", { name: "Channels" }).click();
  await expect(page.getByText("No channels yet")).toBeVisible();
  const newChannel = page.getByRole("form", { name: "New channel" });
  await newChannel.getByLabel("Channel name").fill("Stable");
  await newChannel.getByLabel("Repository").fill(`shop-${suffix}/app`);
  await newChannel.getByLabel("Tags (optional)").fill("1.*");
  await newChannel.getByRole("button", { name: "Add channel" }).click();
  await expect(page.getByRole("heading", { name: "Stable", level: 2 })).toBeVisible();

  // … and gives it to the customer.
  await page.goto(`/apps/${application.slug}/customers/${customer.id}`);
  const images = page.getByRole("form", { name: "Images this customer may pull" });
  await images.getByLabel("Only the channels and rules below").check();
  await images.getByLabel("Stable").check();
  await images.getByRole("button", { name: "Save images" }).click();
  await expect(page.getByText("Saved which images this customer may pull")).toBeVisible();

  // The customer, in a browser of its own, signs in with the license.
  const customerContext = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"], acceptDownloads: true });
  const customerPage = await customerContext.newPage();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "customer-portal-e2e-"));
  try {
    await customerPage.goto("/customer");
    await customerPage.getByLabel("License ID").fill(licenseId);
    await customerPage.getByRole("button", { name: "Sign in" }).click();
    await expect(customerPage.getByRole("heading", { name: new RegExp(application.name), level: 1 })).toBeVisible();
    await expect(customerPage.getByText("Licensed to Acme Corp.")).toBeVisible();

    // Only the stable image, with its digest.
    const imageRows = customerPage.getByTestId("customer-image-tag");
    await expect(imageRows).toHaveCount(1);
    await expect(imageRows.first()).toContainText(`proxy/${application.slug}/${UPSTREAM_HOST}/shop-${suffix}/app`);
    await expect(imageRows.first()).toContainText("1.0");
    await expect(customerPage.getByText("2.0-beta")).toHaveCount(0);
    await expect(customerPage.getByText("beta-tool")).toHaveCount(0);

    // The login command: Docker prompts for the license, nothing secret on the command line but the user name.
    await customerPage.getByRole("button", { name: "Copy login command" }).click();
    expect(await customerPage.evaluate(() => navigator.clipboard.readText())).toBe(`docker login ${PROXY_HOST} --username ${licenseId}`);

    // The air-gap archive of the stable image.
    const download = customerPage.getByRole("form", { name: "Air-gap download" });
    await download.getByLabel(`proxy/${application.slug}/${UPSTREAM_HOST}/shop-${suffix}/app:1.0`).check();
    await download.getByRole("button", { name: "Prepare download" }).click();
    await expect(customerPage.getByTestId("airgap-prepared")).toContainText("1 image");
    await expect(customerPage.getByTestId("airgap-sha256")).toHaveText("sha256: computed after the first full download (prepare the download again afterwards to see it).");
    await expect(customerPage.getByRole("region", { name: "Import into containerd" })).toContainText("ctr -n k8s.io images import --all-platforms bundle.tar");
    const [file] = await Promise.all([customerPage.waitForEvent("download"), customerPage.getByRole("link", { name: "Download archive" }).click()]);
    const archive = path.join(home, "bundle.tar");
    await file.saveAs(archive);
    // The first full download computed the archive's sha256: preparing it again shows it.
    const archiveSha256 = createHash("sha256").update(fs.readFileSync(archive)).digest("hex");
    await expect(async () => {
      await download.getByRole("button", { name: "Prepare download" }).click();
      await expect(customerPage.getByTestId("airgap-sha256")).toHaveText(`sha256: ${archiveSha256} (computed on first full download)`, { timeout: 2_000 });
    }).toPass({ timeout: 20_000 });
    await expect(customerPage.getByRole("region", { name: "Check the archive" })).toContainText(`echo '${archiveSha256}  bundle.tar' | sha256sum -c`);
    const listing = (await run("tar", ["-tf", archive])).stdout.split("\n");
    expect(listing.slice(0, 2)).toEqual(["oci-layout", "index.json"]);
    expect(listing).toContain(`blobs/sha256/${stable.digest.slice(7)}`);
    const index = JSON.parse((await run("tar", ["-xOf", archive, "index.json"])).stdout) as { manifests: { digest: string; annotations: Record<string, string> }[] };
    expect(index.manifests).toEqual([expect.objectContaining({ digest: stable.digest, annotations: expect.objectContaining({ "org.opencontainers.image.ref.name": `${PROXY_HOST}/proxy/${application.slug}/${UPSTREAM_HOST}/shop-${suffix}/app:1.0` }) })]);

    // The customer's session is its own: no vendor page, no API accepts it.
    const cookie = (await customerContext.cookies()).find((entry) => entry.name === "portal-customer-session")!;
    expect(cookie).toMatchObject({ httpOnly: true, path: "/customer", sameSite: "Lax" });
    const asCustomer = { Cookie: `portal-customer-session=${cookie.value}` };
    const vendorPage = await customerContext.request.get(`/apps/${application.slug}/customers/${customer.id}`, { headers: asCustomer, maxRedirects: 0 });
    expect([302, 303, 307]).toContain(vendorPage.status());
    expect(vendorPage.headers().location).toContain("/sign-in");
    expect((await customerContext.request.get(`/api/v1/applications/${application.id}/customers`, { headers: asCustomer })).status()).toBe(401);
  } finally {
    await customerContext.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
});
