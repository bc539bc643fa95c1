// The issue's journey in Chromium against the production server, the local
// AWS and a real registry client: a vendor adds a customer, copies its docker
// login command and Kubernetes pull secret, the customer pulls with skopeo
// through the portal's /v2/, the pull shows in Pull activity (and in the CSV
// export), the vendor revokes the license, and the next pull is refused.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createTeamApplication, expect, test } from "./support/fixtures";
import { E2E_FIXTURE_IMAGE } from "./support/constants";
import { applyServerEnvironment, readE2eEnvironment } from "./support/environment";
import { VendorAws } from "./support/vendor-aws";

const run = promisify(execFile);
const environment = readE2eEnvironment();
const [registryAccount] = environment.localAws.accounts;
const UPSTREAM_HOST = `${registryAccount!.accountId}.dkr.ecr.${E2E_FIXTURE_IMAGE.region}.amazonaws.com`;
const UPSTREAM_IMAGE = `${UPSTREAM_HOST}/${E2E_FIXTURE_IMAGE.repository}:${E2E_FIXTURE_IMAGE.tag}`;
const PROXY_HOST = new URL(environment.baseUrl).host;

/** skopeo with an empty home: nothing of this machine's registry configuration is used. */
function skopeoIn(home: string) {
  return (args: string[]) => run("skopeo", args, { env: { NODE_ENV: "test", PATH: process.env.PATH, HOME: home }, maxBuffer: 16 * 1024 * 1024 });
}

test("a customer pulls with the copied credentials, the pull shows in Pull activity, and after revocation the next pull is refused", async ({ vendor, vendorPage: page }) => {
  test.setTimeout(300_000);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "customer-skopeo-"));
  const skopeo = skopeoIn(home);
  try {
    // The vendor's registry: an IAM user's access key in the (local) AWS account holding the image.
    const application = await createTeamApplication(vendor, `Shop ${randomUUID().slice(0, 6)}`);
    const key = await new VendorAws(environment.localAws.url, registryAccount!).createUserWithKey(`portal-pull-${randomUUID().slice(0, 8)}`);
    applyServerEnvironment();
    const { createRegistry } = await import("@/lib/registries/service");
    const { ZCreateRegistryInput } = await import("@/lib/registries/schema");
    await createRegistry(
      vendor.teamId,
      { userId: vendor.userId, email: vendor.email },
      ZCreateRegistryInput.parse({ provider: "ecr", name: "", hostname: UPSTREAM_HOST, authType: "access_key", accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, roleArn: "", allApplications: true, applicationIds: [] }),
    );

    // Add the customer.
    await page.goto(`/apps/${application.slug}`);
    await page.getByRole("navigation", { name: "Application" }).getByRole("link", { name: "Customers" }).click();
    await expect(page.getByText("No customers yet")).toBeVisible();
    await page.getByRole("link", { name: "Add customer" }).first().click();
    await page.getByLabel("Name").fill("Acme Corp");
    await page.getByLabel("Email (optional)").fill("ops@acme.example");
    await page.getByRole("button", { name: "Add customer" }).click();
    await expect(page.getByRole("heading", { name: /Acme Corp/, level: 1 })).toBeVisible();
    await expect(page.getByText("Active", { exact: true })).toBeVisible();
    const customerId = page.url().split("/").at(-1)!;
    const licenseId = (await page.getByTestId("license-id").textContent())!.trim();
    expect(licenseId).toMatch(/^lic_[a-z2-7]{32}$/);

    // The rewritten image name, from the converter on the customer page.
    await page.getByLabel("Upstream image reference").fill(UPSTREAM_IMAGE);
    const proxyReference = (await page.getByTestId("proxy-reference").textContent())!.trim();
    expect(proxyReference).toBe(`${PROXY_HOST}/proxy/${application.slug}/${UPSTREAM_IMAGE}`);

    // The docker login command never carries the license as a password (Docker prompts for it): kept out of shell history.
    await page.getByRole("button", { name: "Copy docker login command" }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`docker login ${PROXY_HOST} --username ops@acme.example`);
    // The scripted one reads it from license.txt; run it (with skopeo standing in for docker: same flags).
    await page.getByRole("button", { name: "Copy docker login from a file" }).click();
    const loginCommand = await page.evaluate(() => navigator.clipboard.readText());
    expect(loginCommand).toBe(`docker login ${PROXY_HOST} --username ops@acme.example --password-stdin < license.txt`);
    fs.writeFileSync(path.join(home, "license.txt"), licenseId, { mode: 0o600 });
    const loginAuthFile = path.join(home, "login-auth.json");
    await run("sh", ["-c", `cd ${home} && ${loginCommand.replace("docker login", `skopeo login --tls-verify=false --authfile ${loginAuthFile}`)}`], { env: { NODE_ENV: "test", PATH: process.env.PATH, HOME: home } });
    expect(JSON.parse(fs.readFileSync(loginAuthFile, "utf8")).auths).toHaveProperty([PROXY_HOST]);

    // Copy the Kubernetes pull secret; its .dockerconfigjson is a registry auth file skopeo reads.
    await page.getByRole("button", { name: "Copy kubernetes image pull secret" }).click();
    const secretYaml = await page.evaluate(() => navigator.clipboard.readText());
    expect(secretYaml).toContain("type: kubernetes.io/dockerconfigjson");
    const dockerConfig = Buffer.from(/\.dockerconfigjson: (\S+)/.exec(secretYaml)![1]!, "base64").toString("utf8");
    expect(JSON.parse(dockerConfig).auths[PROXY_HOST]).toEqual({ username: licenseId, password: licenseId, auth: Buffer.from(`${licenseId}:${licenseId}`).toString("base64") });
    const secretAuthFile = path.join(home, "secret-auth.json");
    fs.writeFileSync(secretAuthFile, dockerConfig);

    // The customer pulls through the portal with the pull secret's credentials.
    const target = path.join(home, "image");
    await skopeo(["copy", "--src-tls-verify=false", "--authfile", secretAuthFile, `docker://${proxyReference}`, `dir:${target}`]);
    const manifest = JSON.parse(fs.readFileSync(path.join(target, "manifest.json"), "utf8")) as { layers: { digest: string }[] };
    expect(manifest.layers.length).toBeGreaterThan(0);
    for (const layer of manifest.layers) expect(fs.existsSync(path.join(target, layer.digest.replace("sha256:", "")))).toBe(true);

    // Pull activity: the access log is written in batches, so allow it a few seconds.
    await page.getByRole("navigation", { name: "Application" }).getByRole("link", { name: "Pull activity" }).click();
    await expect(page.getByRole("heading", { name: "Pull activity", level: 1 })).toBeVisible();
    await page.getByLabel("Customer", { exact: true }).selectOption({ label: "Acme Corp" });
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(new RegExp(`customer=${customerId}`));
    const table = page.getByRole("table", { name: "Registry requests, newest first" });
    await expect(async () => {
      await page.reload();
      await expect(table.getByRole("row").filter({ hasText: "Manifest" }).filter({ hasText: "200" }).first()).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 30_000 });
    await expect(table.getByRole("row").filter({ hasText: "Layer (blob)" }).first()).toContainText("Acme Corp");
    await expect(table.getByTitle(`proxy/${application.slug}/${UPSTREAM_HOST}/${E2E_FIXTURE_IMAGE.repository}:${E2E_FIXTURE_IMAGE.tag}`).first()).toBeVisible();

    // The CSV export has the same rows.
    const csv = await page.request.get(`/api/apps/${application.slug}/pull-activity/export?customer=${customerId}&action=manifest`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()["content-type"]).toContain("text/csv");
    const csvText = await csv.text();
    expect(csvText.split("\r\n")[0]).toMatch(/^time,customer,customer_id,action/);
    expect(csvText).toMatch(new RegExp(`Acme Corp,${customerId},manifest,GET,proxy/${application.slug}/`));
    expect(csvText).not.toContain(licenseId);

    // The customer page totals the day's pulls and bytes.
    await page.goto(`/apps/${application.slug}/customers/${customerId}`);
    await expect(page.getByRole("table", { name: "Pulls and bytes per day" }).getByRole("row").nth(1)).toContainText(new Date().toISOString().slice(0, 10));
    await expect(page.getByText(/^[1-9]\d* pulls, \d/)).toBeVisible();

    // Revoke; the next pull is refused with a message the customer can act on.
    await page.getByRole("button", { name: "Revoke license" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Revoke license" }).click();
    await expect(page.getByText("This license is revoked")).toBeVisible();
    await expect(page.getByRole("heading", { level: 1 }).getByText("Revoked", { exact: true })).toBeVisible();
    let refusal = "";
    await expect(async () => {
      fs.rmSync(target, { recursive: true, force: true });
      const outcome = await skopeo(["copy", "--src-tls-verify=false", "--authfile", secretAuthFile, `docker://${proxyReference}`, `dir:${target}`]).then(
        () => "pulled",
        (error: { stderr?: string }) => error.stderr ?? "failed",
      );
      expect(outcome).not.toBe("pulled");
      refusal = outcome;
    }).toPass({ timeout: 20_000 });
    expect(refusal).toMatch(/unauthorized|denied|revoked/i);

    // The refusal is in the access log too.
    await page.goto(`/apps/${application.slug}/pull-activity?customer=${customerId}&status=refused`);
    await expect(async () => {
      await page.reload();
      await expect(table.getByRole("row").nth(1)).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 30_000 });
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
