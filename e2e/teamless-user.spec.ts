// A user removed from every team still has an account: signing in lands on a
// page to create a team or join one, and an invite link works for them.
import { applyServerEnvironment } from "./support/environment";
import { addTeamMember, createVendor, expect, test, TEST_PASSWORD, type Vendor } from "./support/fixtures";

/** A user who was a member of a team and has been removed from it (and so from every team). */
async function removedUser(): Promise<{ admin: Vendor; removed: Vendor }> {
  const admin = await createVendor("owner");
  const removed = await addTeamMember(admin, "MEMBER", "removed");
  applyServerEnvironment();
  const { prisma } = await import("@/lib/db");
  const { removeMember } = await import("@/lib/teams/service");
  const membership = await prisma.membership.findFirstOrThrow({ where: { userId: removed.userId, teamId: admin.teamId }, select: { id: true } });
  await removeMember(admin.teamId, { userId: admin.userId, email: admin.email }, membership.id);
  return { admin, removed };
}

test("a user without a team signs in to a page that lets them create a team, and then uses it", async ({ page }) => {
  test.slow();
  const { removed } = await removedUser();
  await page.goto("/sign-in");
  await page.getByLabel("Email", { exact: true }).fill(removed.email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/welcome$/);
  await expect(page.getByRole("heading", { name: "You are not in a team" })).toBeVisible();
  // Every portal page sends them here rather than back to sign-in.
  await page.goto("/team/members");
  await expect(page).toHaveURL(/\/welcome$/);
  await page.getByRole("button", { name: "Create team" }).click();
  await expect(page.getByText("Enter a team name.")).toBeVisible();
  await page.getByLabel("Team name").fill("Fresh start");
  await page.getByRole("button", { name: "Create team" }).click();
  await expect(page).toHaveURL(/\/apps$/);
  await expect(page.locator("#team-switcher option:checked")).toHaveText("Fresh start");
  // They are its admin: the admin-only pages are theirs.
  await page.goto("/team/members");
  await expect(page.getByText("Who can use Fresh start")).toBeVisible();
  await expect(page.getByRole("link", { name: "API tokens" })).toBeVisible();
});

test("a user without a team sees their pending invitation and joins through its link", async ({ page }) => {
  test.slow();
  const { removed } = await removedUser();
  const other = await createVendor("newteam");
  applyServerEnvironment();
  const { inviteMember } = await import("@/lib/teams/service");
  const invite = await inviteMember(other.teamId, { userId: other.userId, email: other.email }, { email: removed.email, role: "VIEWER" });
  await page.goto("/sign-in");
  await page.getByLabel("Email", { exact: true }).fill(removed.email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/welcome$/);
  await expect(page.getByText(`${other.teamName}, as Viewer`)).toBeVisible();
  await page.goto(`/invite/${invite.token}`);
  await page.getByRole("button", { name: "Join team" }).click();
  await expect(page).toHaveURL(/\/apps$/);
  await expect(page.locator("#team-switcher option:checked")).toHaveText(other.teamName);
});
