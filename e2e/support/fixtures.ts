// Test users and teams are created through the portal's own code (the same
// sign-up service the page calls) and signed in through next-auth's API, so
// each spec starts on a signed-in page without clicking through forms.
import { randomUUID } from "node:crypto";
import { test as base, expect, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { applyServerEnvironment } from "./environment";

export interface Vendor {
  name: string;
  email: string;
  password: string;
  teamName: string;
  teamId: string;
  userId: string;
}

export const TEST_PASSWORD = "correct horse battery staple";

/** A new user with their own team, of which they are the admin. */
export async function createVendor(label = "vendor", email?: string): Promise<Vendor> {
  applyServerEnvironment();
  const { signUp } = await import("@/lib/auth/service");
  const unique = randomUUID().slice(0, 8);
  const input = { name: `${label} ${unique}`, email: email ?? `${label}-${unique}@example.com`, password: TEST_PASSWORD, teamName: `${label} team ${unique}` };
  const { userId, teamId } = await signUp(input);
  return { ...input, userId, teamId };
}

/** A new user who joined `team` with `role` through an invite. */
export async function addTeamMember(team: Vendor, role: "ADMIN" | "MEMBER" | "VIEWER", label = role.toLowerCase()): Promise<Vendor> {
  applyServerEnvironment();
  const { inviteMember } = await import("@/lib/teams/service");
  const { signUp } = await import("@/lib/auth/service");
  const unique = randomUUID().slice(0, 8);
  const email = `${label}-${unique}@example.com`;
  const invite = await inviteMember(team.teamId, { userId: team.userId, email: team.email }, { email, role });
  const input = { name: `${label} ${unique}`, email, password: TEST_PASSWORD, teamName: "unused", inviteToken: invite.token };
  const { userId } = await signUp(input);
  return { ...input, teamName: team.teamName, teamId: team.teamId, userId };
}

/** Signs in through next-auth's credentials endpoint; the cookies land in the request context. */
export async function signInThroughApi(request: APIRequestContext, user: Pick<Vendor, "email" | "password">): Promise<void> {
  const csrf = await request.get("/api/auth/csrf");
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email: user.email, password: user.password, json: "true" },
    maxRedirects: 0,
  });
  expect([200, 302]).toContain(response.status());
  const cookies = await request.storageState();
  expect(cookies.cookies.some((cookie) => cookie.name.includes("next-auth.session-token"))).toBe(true);
}

export async function signedInContext(browser: Browser, user: Pick<Vendor, "email" | "password">): Promise<BrowserContext> {
  const context = await browser.newContext();
  await signInThroughApi(context.request, user);
  return context;
}

export const test = base.extend<{ vendor: Vendor; vendorPage: Page }>({
  vendor: async ({}, use) => {
    await use(await createVendor());
  },
  vendorPage: async ({ browser, vendor }, use) => {
    const context = await signedInContext(browser, vendor);
    const page = await context.newPage();
    await use(page);
    await context.close();
  },
});

export { expect };

/** An application of the vendor's team, created through the portal's own service. */
export async function createTeamApplication(vendor: Vendor, name: string): Promise<{ id: string; slug: string; name: string }> {
  applyServerEnvironment();
  const { createApplication } = await import("@/lib/applications/service");
  const application = await createApplication(vendor.teamId, { userId: vendor.userId, email: vendor.email }, { name });
  return { id: application.id, slug: application.slug, name: application.name };
}
