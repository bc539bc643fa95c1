// The portal's real log output (the e2e server's stdout and stderr, at debug
// level) after a real flow: sign-up, a wrong password, sign-in, an access-key
// registry saved and tested, an invitation. Every line is structured and
// carries a request ID; no password, secret, token or cookie appears anywhere.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { expect, test, TEST_PASSWORD } from "./support/fixtures";
import { E2E_FIXTURE_IMAGE } from "./support/constants";
import { E2E_PORTAL_LOG_FILE, readE2eEnvironment } from "./support/environment";
import { VendorAws } from "./support/vendor-aws";

const environment = readE2eEnvironment();
const [registryAccount] = environment.localAws.accounts;
const HOSTNAME = `${registryAccount!.accountId}.dkr.ecr.${E2E_FIXTURE_IMAGE.region}.amazonaws.com`;

interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  teamId?: string;
  userId?: string;
  [field: string]: unknown;
}

function portalLogLines(): LogLine[] {
  return fs
    .readFileSync(E2E_PORTAL_LOG_FILE, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as LogLine);
}

test("the log records sign-ins, the Test and requests with their IDs, and never a password, secret, token or cookie", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const unique = randomUUID().slice(0, 8);
  const email = `logs-${unique}@example.com`;
  const wrongPassword = `Wrong-${randomUUID()}`;

  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill("Lola Logs");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByLabel("Team name").fill(`Logs ${unique}`);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/apps$/, { timeout: 30_000 });
  await page.getByLabel("Application name").fill("Shop");
  await page.getByRole("button", { name: "Create application" }).click();
  await expect(page).toHaveURL(/\/apps\/shop$/, { timeout: 30_000 });

  // A wrong password, then the right one, through the sign-in form.
  const other = await browser.newContext();
  const signIn = await other.newPage();
  for (const password of [wrongPassword, TEST_PASSWORD]) {
    await signIn.goto("/sign-in");
    await signIn.getByLabel("Email").fill(email);
    await signIn.getByLabel("Password").fill(password);
    await signIn.getByRole("button", { name: "Sign in" }).click();
    if (password === wrongPassword) await expect(signIn.getByText(/incorrect|wrong|not match|try again/i).first()).toBeVisible();
    else await expect(signIn).toHaveURL(/\/apps/, { timeout: 30_000 });
  }
  const sessionCookie = (await other.cookies()).find((cookie) => cookie.name.includes("next-auth.session-token"));
  expect(sessionCookie).toBeDefined();
  await other.close();

  // An access-key registry whose secret passes through the portal, tested against the local AWS.
  const vendor = new VendorAws(environment.localAws.url, registryAccount!);
  const key = await vendor.createUserWithKey(`logs-${unique}`);
  await page.getByRole("link", { name: "Image Registries" }).click();
  await page.getByRole("link", { name: "Add external registry" }).first().click();
  await page.getByLabel("Hostname").fill(HOSTNAME);
  await page.getByRole("radio", { name: /^Access key/ }).check();
  await page.getByRole("textbox", { name: "Access key ID" }).fill(key.accessKeyId);
  await page.getByLabel("Secret access key", { exact: true }).fill(key.secretAccessKey);
  await page.getByRole("button", { name: "Save registry" }).click();
  // Generous waits: the machines that run this are often loaded.
  await expect(page.getByRole("heading", { name: "Status and Test" })).toBeVisible({ timeout: 30_000 });
  // This spec's own registry: other specs test registries on the same hostname against the same portal.
  const registryId = new URL(page.url()).pathname.split("/").at(-1);
  expect(registryId).toMatch(/^[a-z0-9]{20,}$/);
  await page.getByRole("button", { name: "Test", exact: true }).click();
  await expect(page.getByTestId("registry-test-verdict")).toHaveAttribute("data-verdict", "verified", { timeout: 35_000 });

  // An invitation, whose token is in its link.
  await page.goto("/team/members");
  await page.getByLabel("Email").fill(`invitee-${unique}@example.com`);
  await page.getByRole("button", { name: "Create invite link" }).click();
  const inviteLink = await page.getByLabel("Invite link").inputValue({ timeout: 30_000 });
  const inviteToken = inviteLink.match(/\/invite\/([^/?#]+)/)?.[1];
  expect(inviteToken).toBeTruthy();
  await page.request.get(`/invite/${inviteToken}`);

  // The lines of this flow are written by the time its responses arrived; allow the pipe a moment.
  await expect.poll(() => portalLogLines().some((line) => line.msg === "registry test finished" && line.registryId === registryId && line.verdict === "verified"), { timeout: 10_000 }).toBe(true);
  const raw = fs.readFileSync(E2E_PORTAL_LOG_FILE, "utf8");
  for (const secret of [
    TEST_PASSWORD,
    wrongPassword,
    key.secretAccessKey,
    sessionCookie!.value,
    inviteToken!,
    environment.nextauthSecret,
    environment.dataEncryptionKey,
    decodeURIComponent(new URL(environment.databaseUrl).password),
    ...environment.localAws.accounts.map((account) => account.secretAccessKey),
  ]) {
    expect(secret.length).toBeGreaterThan(7);
    expect(raw.includes(secret), `the log contains a secret (${secret.slice(0, 4)}…)`).toBe(false);
  }

  const lines = portalLogLines();
  const failed = lines.find((line) => line.msg.startsWith("sign-in failed") && line.email === email);
  expect(failed?.requestId).toMatch(/^[0-9a-f-]{36}$/);
  const succeeded = lines.filter((line) => line.msg === "sign-in succeeded" && typeof line.userId === "string");
  expect(succeeded.length).toBeGreaterThan(0);
  const tested = lines.find((line) => line.msg === "registry test finished" && line.registryId === registryId && line.verdict === "verified");
  expect(tested).toMatchObject({ authType: "access_key", requestId: expect.any(String), teamId: expect.any(String), userId: expect.any(String), ms: expect.any(Number) });
  // The access log names the route template, never the invitation's token.
  expect(lines.some((line) => line.msg === "request" && line.route === "/invite/[token]")).toBe(true);
  const requests = lines.filter((line) => line.msg === "request");
  expect(requests.length).toBeGreaterThan(5);
  expect(requests.every((line) => typeof line.requestId === "string" && typeof line.status === "number")).toBe(true);
  expect(lines.find((line) => line.msg === "portal starting")?.config).toMatchObject({ nextauthSecret: "set", dataEncryptionKey: "set" });
});
