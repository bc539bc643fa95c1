// The outside review's findings, as an attacker or a browser meets them:
// open redirects, password guessing, sign-out, security headers with a CSP
// that the pages live with, and the Test route's handling of bad bodies.
import { randomUUID } from "node:crypto";
import type { ConsoleMessage, Page } from "@playwright/test";
import { applyServerEnvironment, readE2eEnvironment } from "./support/environment";
import { createVendor, expect, signedInContext, test, TEST_PASSWORD } from "./support/fixtures";
import { recordServerActions } from "./support/server-actions";

const environment = readE2eEnvironment();

/** A client address of its own (the e2e portal trusts one proxy's X-Forwarded-For). */
const newClientAddress = () => `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;

function collectCspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message: ConsoleMessage) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

function actionHeaders(recorded: Record<string, string>): Record<string, string> {
  return Object.fromEntries(["next-action", "content-type", "accept", "next-router-state-tree"].flatMap((name) => (recorded[name] ? [[name, recorded[name]!]] : [])));
}

async function wrongPasswordThroughApi(page: Page, email: string, address: string) {
  const csrf = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  return page.request.post("/api/auth/callback/credentials", {
    form: { csrfToken: csrf.csrfToken, email, password: "a wrong guess!!", json: "true" },
    headers: { "x-forwarded-for": address },
    maxRedirects: 0,
  });
}

/** Signs in through the sign-in form of `page`; the response of the credentials request. */
async function signInThroughForm(page: Page, email: string) {
  if (!page.url().includes("/sign-in")) await page.goto("/sign-in");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  const answer = page.waitForResponse((response) => response.url().includes("/api/auth/callback/credentials"));
  await page.getByRole("button", { name: "Sign in" }).click();
  return answer;
}

test("a callbackUrl that leaves the site is ignored, and control characters do not break the sign-in page", async ({ browser, page }) => {
  test.slow();
  for (const value of ["%2F%09%2Fevil.example", "%2F%0A%2Fevil.example", "%2F%0D%2Fevil.example", "%2F%00%2Fevil.example", "%2F%5Cevil.example"]) {
    const response = await page.goto(`/sign-in?callbackUrl=${value}`);
    expect(response?.status(), value).toBe(200);
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  }
  // Signed in, the sign-in page sends the user on: to the portal, not elsewhere,
  // also when dot segments would leave "//evil.example" once resolved.
  const vendor = await createVendor("redirect");
  const context = await signedInContext(browser, vendor);
  const signedIn = await context.newPage();
  for (const value of ["%2F%09%2Fevil.example", "%2F.%2F%2Fevil.example", "%2F..%2F%2Fevil.example", "%2Fx%2F..%2F%2Fevil.example", "%2F%252e%252e%2F%2Fevil.example%252Fphish"]) {
    await signedIn.goto(`/sign-in?callbackUrl=${value}`);
    await expect(signedIn, value).toHaveURL(new RegExp(`^${environment.baseUrl}/apps$`));
  }
  // And after signing in through the form.
  for (const value of ["%2F%09%2Fevil.example", "%2F.%2F%2Fevil.example"]) {
    const fresh = await browser.newContext();
    const form = await fresh.newPage();
    await form.goto(`/sign-in?callbackUrl=${value}`);
    await form.getByLabel("Email", { exact: true }).fill(vendor.email);
    await form.getByLabel("Password").fill(TEST_PASSWORD);
    await form.getByRole("button", { name: "Sign in" }).click();
    await expect(form, value).toHaveURL(new RegExp(`^${environment.baseUrl}/apps$`));
    await fresh.close();
  }
  await context.close();
});

test("wrong passwords from one network hold back only that network, and the form says when to try again", async ({ browser }) => {
  const vendor = await createVendor("guessed");
  const attacker = newClientAddress();
  const guesser = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": attacker } });
  const page = await guesser.newPage();
  for (let i = 0; i < 10; i++) await wrongPasswordThroughApi(page, vendor.email, attacker);
  const refused = await signInThroughForm(page, vendor.email);
  expect(refused.status()).toBe(429);
  expect(Number(refused.headers()["retry-after"])).toBeGreaterThan(0);
  await expect(page.getByText(/^Too many failed sign-ins from this browser or network\. Try again in \d+ (s|min)\.$/)).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
  await guesser.close();
  // The owner, elsewhere, is not held back.
  const owner = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": newClientAddress() } });
  const ownerPage = await owner.newPage();
  expect((await signInThroughForm(ownerPage, vendor.email)).status()).toBe(200);
  await expect(ownerPage).toHaveURL(/\/apps$/);
  await owner.close();
});

test("guessing from many networks slows down new browsers only: a browser that signed in before gets in at once", async ({ browser }) => {
  test.slow();
  const vendor = await createVendor("spread");
  const known = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": newClientAddress() } });
  const knownPage = await known.newPage();
  await signInThroughForm(knownPage, vendor.email);
  await expect(knownPage).toHaveURL(/\/apps$/);
  const device = (await known.cookies()).find((cookie) => cookie.name === "portal-device");
  expect(device).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  await known.clearCookies({ name: "next-auth.session-token" });
  // Fifty wrong passwords, five from each of ten networks: none of them is throttled on its own, but the account now is.
  const attackerPage = await browser.newPage();
  for (let network = 0; network < 10; network++) {
    const address = newClientAddress();
    for (let i = 0; i < 5; i++) expect((await wrongPasswordThroughApi(attackerPage, vendor.email, address)).status()).toBe(401);
  }
  // The attacker keeps going: each further guess waits longer (5 s, 10 s, 20 s …); stop once the wait is long enough for this test.
  for (let guess = 0; ; guess++) {
    const response = await wrongPasswordThroughApi(attackerPage, vendor.email, newClientAddress());
    if (response.status() === 429 && Number(response.headers()["retry-after"]) >= 15) break;
    expect(guess).toBeLessThan(60);
    await attackerPage.waitForTimeout(1000);
  }
  await attackerPage.close();
  const stranger = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": newClientAddress() } });
  const strangerPage = await stranger.newPage();
  expect((await signInThroughForm(strangerPage, vendor.email)).status()).toBe(429);
  await expect(strangerPage.getByText(/sign-ins from browsers it has not seen before are slowed down\. Try again in \d+ (s|min)\./)).toBeVisible();
  await stranger.close();
  // The browser that signed in before, now on yet another network, is not held back.
  const returning = await browser.newContext({ storageState: await known.storageState(), extraHTTPHeaders: { "x-forwarded-for": newClientAddress() } });
  await known.close();
  const returningPage = await returning.newPage();
  expect((await signInThroughForm(returningPage, vendor.email)).status()).toBe(200);
  await expect(returningPage).toHaveURL(/\/apps$/);
  await returning.close();
});

test("sign-ups from one address are limited, with a message that says when to try again", async ({ page }) => {
  const actions = recordServerActions(page);
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill("Sam Spammer");
  await page.getByLabel("Email", { exact: true }).fill(`spam-${randomUUID().slice(0, 8)}@example.com`);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByLabel("Team name").fill("Spam");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/apps$/);
  const signUp = actions[0]!;
  const address = newClientAddress();
  const texts: string[] = [];
  for (let i = 0; i < 21; i++) {
    const response = await page.request.post(signUp.url, {
      headers: { ...actionHeaders(signUp.headers), "x-forwarded-for": address },
      data: signUp.body.replace(/spam-[0-9a-f]{8}@example\.com/, `spam-${randomUUID().slice(0, 8)}@example.com`),
    });
    texts.push(await response.text());
  }
  expect(texts.slice(0, 20).every((text) => !text.includes("rate_limited"))).toBe(true);
  expect(texts[20]).toMatch(/Too many accounts were created from your network\. Try again in \d+ s\./);
});

test("invite acceptances from one address are limited, with a message that says when to try again", async ({ browser }) => {
  const admin = await createVendor("inviter");
  const invitee = await createVendor("invitee");
  applyServerEnvironment();
  const { inviteMember } = await import("@/lib/teams/service");
  const invite = await inviteMember(admin.teamId, { userId: admin.userId, email: admin.email }, { email: invitee.email, role: "MEMBER" });
  const context = await signedInContext(browser, invitee);
  const page = await context.newPage();
  const actions = recordServerActions(page);
  await page.goto(`/invite/${invite.token}`);
  await page.getByRole("button", { name: "Join team" }).click();
  await expect(page).toHaveURL(/\/apps$/);
  const accept = actions.find((action) => action.body.includes(invite.token))!;
  const address = newClientAddress();
  const texts: string[] = [];
  for (let i = 0; i < 21; i++) {
    const response = await context.request.post(accept.url, { headers: { ...actionHeaders(accept.headers), "x-forwarded-for": address }, data: accept.body });
    texts.push(await response.text());
  }
  // The invite is used up: twenty more attempts are told so, the next one is throttled.
  expect(texts.slice(0, 20).every((text) => text.includes("invite_invalid"))).toBe(true);
  expect(texts[20]).toMatch(/Too many invites were accepted from your network\. Try again in \d+ s\./);
  await context.close();
});

test("signing out ends the session everywhere: a cookie copied before still fails afterwards", async ({ browser }) => {
  const vendor = await createVendor("signout");
  const context = await signedInContext(browser, vendor);
  const copied = await context.storageState();
  const page = await context.newPage();
  await page.goto("/apps");
  await page.getByRole("button", { name: vendor.name }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  const thief = await browser.newContext({ storageState: copied });
  const stolen = await thief.newPage();
  await stolen.goto("/apps");
  await expect(stolen).toHaveURL(/\/sign-in/);
  await thief.close();
  await context.close();
});

test("every page carries the security headers, and pages run under the CSP without a violation", async ({ browser, page }) => {
  const violations = collectCspViolations(page);
  const first = await page.goto("/sign-in");
  const second = await page.request.get("/sign-in");
  for (const response of [first!, second]) {
    const headers = response.headers();
    expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    // APP_URL is http:// here: no HSTS.
    expect(headers["strict-transport-security"]).toBeUndefined();
  }
  const nonceOf = (csp: string | undefined) => /'nonce-([^']+)'/.exec(csp ?? "")?.[1];
  expect(nonceOf(first!.headers()["content-security-policy"])).not.toBe(nonceOf(second.headers()["content-security-policy"]));
  // The scripts Next.js sends carry the nonce, and client code runs: the form validates in the browser.
  const scriptNonces = await page.locator("script[src]").evaluateAll((scripts) => scripts.map((s) => (s as HTMLScriptElement).nonce));
  expect(scriptNonces.length).toBeGreaterThan(0);
  expect(new Set(scriptNonces)).toEqual(new Set([nonceOf(first!.headers()["content-security-policy"])]));
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Enter your email address.")).toBeVisible();

  // Signed-in pages, with client navigation, toasts and dialogs.
  const vendor = await createVendor("csp");
  const context = await signedInContext(browser, vendor);
  const portal = await context.newPage();
  const portalViolations = collectCspViolations(portal);
  for (const path of ["/apps", "/team/members", "/team/audit", "/team/identity-provider"]) {
    const response = await portal.goto(path);
    expect(response?.headers()["content-security-policy"], path).toContain("'strict-dynamic'");
    await expect(portal.getByRole("heading").first()).toBeVisible();
  }
  await portal.goto("/apps");
  await portal.getByRole("link", { name: "Members" }).first().click();
  await expect(portal).toHaveURL(/\/team\/members$/);
  expect([...violations, ...portalViolations]).toEqual([]);
  await context.close();
});

test("the Test route answers 400 to malformed JSON and 413 to an oversized body, and runs no Test", async ({ browser }) => {
  const vendor = await createVendor("body");
  const context = await signedInContext(browser, vendor);
  const headers = { origin: environment.baseUrl, "content-type": "application/json" };
  const malformed = await context.request.post("/api/registries/any-id/test", { headers, data: Buffer.from("{image:") });
  expect(malformed.status()).toBe(400);
  expect(await malformed.json()).toMatchObject({ ok: false, error: { message: "The request body is not valid JSON." } });
  const oversized = await context.request.post("/api/registries/any-id/test", { headers, data: JSON.stringify({ image: "a".repeat(100_000) }) });
  expect(oversized.status()).toBe(413);
  await context.close();
});
