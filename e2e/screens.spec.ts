// Every screen of the vendor's path at 1280 and 375 px, light and dark:
// a full-page screenshot saved as a test artefact, and axe-core, which fails
// the test on any serious or critical accessibility violation.
import AxeBuilder from "@axe-core/playwright";
import type { Page, TestInfo } from "@playwright/test";
import { applyServerEnvironment } from "./support/environment";
import { createTeamApplication, createVendor, expect, signedInContext, test, type Vendor } from "./support/fixtures";

// The four variants are independent (each its own vendor): let both workers take them.
test.describe.configure({ mode: "parallel" });

const VARIANTS = [
  { width: 1280, height: 900, colorScheme: "light" },
  { width: 1280, height: 900, colorScheme: "dark" },
  { width: 375, height: 812, colorScheme: "light" },
  { width: 375, height: 812, colorScheme: "dark" },
] as const;

async function seed(vendor: Vendor) {
  const application = await createTeamApplication(vendor, "Screens");
  applyServerEnvironment();
  const [{ createRegistry }, { ZCreateRegistryInput }] = await Promise.all([import("@/lib/registries/service"), import("@/lib/registries/schema")]);
  const registry = await createRegistry(
    vendor.teamId,
    { userId: vendor.userId, email: vendor.email },
    ZCreateRegistryInput.parse({
      provider: "ecr",
      name: "screens-ecr",
      hostname: "111111111111.dkr.ecr.eu-west-1.amazonaws.com",
      authType: "iam_role",
      accessKeyId: "",
      secretAccessKey: "",
      roleArn: "PortalEcrPull",
      allApplications: true,
      applicationIds: [],
    }),
  );
  const base = `/apps/${application.slug}`;
  const unnamed = await seedRegistryWithResult(vendor, "222222222222.dkr.ecr.eu-west-1.amazonaws.com", null);
  const failed = await seedRegistryWithResult(vendor, "333333333333.dkr.ecr.eu-west-1.amazonaws.com", "failing");
  const unsafe = await seedRegistryWithResult(vendor, "444444444444.dkr.ecr.eu-west-1.amazonaws.com", "unsafe");
  const { createCustomer } = await import("@/lib/customers/service");
  const { ZCreateCustomerInput: ZCustomer } = await import("@/lib/customers/schema");
  const { customer } = await createCustomer(vendor.teamId, { userId: vendor.userId, email: vendor.email }, ZCustomer.parse({ applicationId: application.id, name: "Acme", email: "ops@acme.example", expiresOn: "" }));
  return [
    ["registry-unnamed", `${base}/registries/${unnamed}?tab=overview`],
    ["registry-failed-test", `${base}/registries/${failed}?tab=overview`],
    ["registry-unsafe-test", `${base}/registries/${unsafe}?tab=overview`],
    ["customer", `${base}/customers/${customer.id}`],
    ["applications", "/apps"],
    ["application", base],
    ["registries", `${base}/registries`],
    ["registry-new", `${base}/registries/new`],
    ["registry-overview", `${base}/registries/${registry.id}?tab=overview`],
    ["registry-setup", `${base}/registries/${registry.id}?tab=setup`],
    ["registry-settings", `${base}/registries/${registry.id}?tab=settings`],
    ["customers", `${base}/customers`],
    ["customer-new", `${base}/customers/new`],
    ["pull-activity", `${base}/pull-activity`],
    ["application-settings", `${base}/settings`],
    ["members", "/team/members"],
    ["audit", "/team/audit"],
    ["identity-provider", "/team/identity-provider"],
    ["api-tokens", "/team/api-tokens"],
  ] as const;
}

/** An unnamed IAM registry, optionally with a stored Test result in the given state (as the Test writes it). */
async function seedRegistryWithResult(vendor: Vendor, hostname: string, verdict: "failing" | "unsafe" | null): Promise<string> {
  const [{ createRegistry }, { ZCreateRegistryInput }, { prisma }] = await Promise.all([import("@/lib/registries/service"), import("@/lib/registries/schema"), import("@/lib/db")]);
  const registry = await createRegistry(
    vendor.teamId,
    { userId: vendor.userId, email: vendor.email },
    ZCreateRegistryInput.parse({ provider: "ecr", name: "", hostname, authType: "iam_role", accessKeyId: "", secretAccessKey: "", roleArn: "PortalEcrPull", allApplications: true, applicationIds: [] }),
  );
  if (!verdict) return registry.id;
  const now = new Date();
  const failedStep = verdict === "failing" ? "assume-role" : "negative-check";
  const diagnosis =
    verdict === "failing"
      ? { summary: "AWS refused to let the portal assume the role.", fix: "Create the role with the trust policy on this page.", setupStep: "role", awsCode: "AccessDenied", awsMessage: "Not authorized to perform sts:AssumeRoleWithWebIdentity" }
      : { summary: "The role also trusts other teams' tokens.", fix: "Add the sub condition to the trust policy.", setupStep: "trust-policy", snippet: '{ "StringEquals": { "sub": "team_x" } }' };
  const steps = ["sign-token", "assume-role", "negative-check"].map((id) => ({
    id,
    title: id,
    status: id === failedStep ? "failed" : "passed",
    durationMs: 120,
    ...(id === failedStep ? { diagnosis } : {}),
  }));
  await prisma.registry.update({
    where: { id: registry.id },
    data: {
      testStatus: verdict,
      lastTestedAt: now,
      failingSince: verdict === "failing" ? now : null,
      verifiedAt: verdict === "failing" ? new Date(now.getTime() - 86_400_000) : null,
      lastTestError: diagnosis.summary,
      lastTestResult: { verdict, headline: diagnosis.summary, startedAt: now.toISOString(), durationMs: 360, steps },
    },
  });
  return registry.id;
}

async function checkScreen(page: Page, testInfo: TestInfo, name: string) {
  await page.waitForLoadState("networkidle");
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({ id: violation.id, impact: violation.impact, nodes: violation.nodes.map((node) => node.target.join(" ")).slice(0, 5) }));
  return serious.length > 0 ? [{ screen: name, violations: serious }] : [];
}

for (const variant of VARIANTS) {
  test(`every screen at ${variant.width} px, ${variant.colorScheme}: screenshot and no serious accessibility violation`, async ({ browser }, testInfo) => {
    test.setTimeout(900_000);
    const vendor = await createVendor("screens");
    const screens = await seed(vendor);
    const context = await signedInContext(browser, vendor);
    const page = await context.newPage();
    await page.setViewportSize({ width: variant.width, height: variant.height });
    await page.emulateMedia({ colorScheme: variant.colorScheme });
    const suffix = `${variant.width}-${variant.colorScheme}`;
    const found = [];
    for (const [name, path] of screens) {
      await page.goto(path);
      found.push(...(await checkScreen(page, testInfo, `${name}-${suffix}`)));
    }
    await context.close();

    // Signed out: the sign-in and sign-up pages.
    const anonymousContext = await browser.newContext({ viewport: { width: variant.width, height: variant.height }, colorScheme: variant.colorScheme });
    const anonymous = await anonymousContext.newPage();
    for (const [name, path] of [
      ["sign-in", "/sign-in"],
      ["sign-up", "/sign-up"],
    ] as const) {
      await anonymous.goto(path);
      found.push(...(await checkScreen(anonymous, testInfo, `${name}-${suffix}`)));
    }
    await anonymousContext.close();
    expect(found).toEqual([]);
  });
}
