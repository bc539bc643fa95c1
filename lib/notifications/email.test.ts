// Email notifications through a real SMTP server (smtp-server, read back with
// mailparser): the right mail to the right members by role and choice,
// opt-outs, one mail per registry per hour, the daily license digest.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp } from "@/lib/auth/service";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { recordNotificationEvent } from "@/lib/notifications/outbox";
import { getEmailPreferences, setEmailPreferences } from "@/lib/notifications/preferences";
import { runNotificationTick } from "@/lib/notifications/worker";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { TestClock } from "@/test/support/test-clock";
import { startSmtpInbox, type SmtpInbox } from "@/test/support/smtp-inbox";

let inbox: SmtpInbox;
let counter = 0;


async function teamWithRoles() {
  const n = ++counter;
  const admin = { email: `admin-${n}-${process.pid}@example.com` } as { email: string; userId: string };
  const { userId, teamId } = await signUp({ name: "Ada Admin", email: admin.email, password: "a long enough passphrase", teamName: `Mail team ${n}` });
  admin.userId = userId;
  const member = await prisma.user.create({ data: { email: `member-${n}-${process.pid}@example.com`, name: "Mo Member", passwordHash: "unused" } });
  const viewer = await prisma.user.create({ data: { email: `viewer-${n}-${process.pid}@example.com`, name: "Vi Viewer", passwordHash: "unused" } });
  await prisma.membership.createMany({ data: [{ userId: member.id, teamId, role: "MEMBER" }, { userId: viewer.id, teamId, role: "VIEWER" }] });
  return { teamId, admin, member: { userId: member.id, email: member.email }, viewer: { userId: viewer.id, email: viewer.email } };
}

function failing(teamId: string, registryId: string, now: Date, headline = "AWS refused to assume the role") {
  return recordNotificationEvent(
    prisma,
    teamId,
    "registry.failing",
    {
      registry: { id: registryId, name: "prod-ecr", hostname: "123456789012.dkr.ecr.us-east-1.amazonaws.com", provider: "ecr", testStatus: "failing", url: `https://portal.example.com/apps/a/registries/${registryId}` },
      test: { verdict: "failing", headline, trigger: "scheduled", testedAt: now.toISOString(), failedStep: { id: "assume-role", title: "Assume the role", summary: "The role does not exist.", fix: "Create the role again." } },
    },
    { now },
  );
}

beforeAll(async () => {
  await useIsolatedDatabase("email_notifications");
  inbox = await startSmtpInbox();
  process.env.SMTP_URL = inbox.url;
  process.env.MAIL_FROM = "Registry Portal <portal@example.com>";
  process.env.APP_URL = "https://portal.example.com";
  resetEnvCache();
});

afterAll(async () => {
  await inbox?.close();
});

describe("email notifications", () => {
  it("mails a failing registry to admins and members, not viewers, with what, where and the one link to fix it", async () => {
    const clock = new TestClock();
    const { teamId, admin, member, viewer } = await teamWithRoles();
    await failing(teamId, "reg1", clock.now());
    await runNotificationTick({ clock });

    expect(inbox.to(admin.email)).toHaveLength(1);
    expect(inbox.to(member.email)).toHaveLength(1);
    expect(inbox.to(viewer.email)).toHaveLength(0);
    const [mail] = inbox.to(admin.email);
    expect(mail!.from).toBe("portal@example.com");
    expect(mail!.subject).toMatch(/^\[Mail team \d+\] Registry prod-ecr is failing$/);
    expect(mail!.text).toContain("AWS refused to assume the role");
    expect(mail!.text).toContain("Create the role again.");
    expect(mail!.text).toContain("https://portal.example.com/apps/a/registries/reg1");
    expect(mail!.html).toContain('<a href="https://portal.example.com/apps/a/registries/reg1">');
    expect(mail!.rawHeaders["list-unsubscribe"]).toBe("<https://portal.example.com/team/notifications>");
  });

  it("honours a member's opt-out and a viewer's opt-in", async () => {
    const clock = new TestClock();
    const { teamId, admin, member, viewer } = await teamWithRoles();
    await setEmailPreferences(teamId, member, { "registry.failing": false });
    await setEmailPreferences(teamId, viewer, { "registry.failing": true });
    expect((await getEmailPreferences(teamId, member.userId, "MEMBER")).find((p) => p.eventType === "registry.failing")).toEqual({ eventType: "registry.failing", email: false, isDefault: false });
    await failing(teamId, "reg2", clock.now());
    await runNotificationTick({ clock });
    expect(inbox.to(admin.email)).toHaveLength(1);
    expect(inbox.to(member.email)).toHaveLength(0);
    expect(inbox.to(viewer.email)).toHaveLength(1);
    expect(await prisma.auditEvent.count({ where: { teamId, action: "notifications.preferences_changed" } })).toBe(2);
  });

  it("sends at most one mail per registry per hour; later failures join the next one", async () => {
    const clock = new TestClock();
    const { teamId, admin } = await teamWithRoles();
    await failing(teamId, "reg3", clock.now(), "first failure");
    await runNotificationTick({ clock });
    expect(inbox.to(admin.email)).toHaveLength(1);

    clock.advance(10 * 60_000);
    await failing(teamId, "reg3", clock.now(), "second failure");
    await failing(teamId, "other-registry", clock.now(), "another registry");
    await runNotificationTick({ clock });
    clock.advance(20 * 60_000);
    await failing(teamId, "reg3", clock.now(), "third failure");
    await runNotificationTick({ clock });
    // The other registry's mail went at once; reg3's second mail waits for the hour.
    expect(inbox.to(admin.email).map((mail) => mail.subject)).toEqual([expect.stringContaining("prod-ecr is failing"), expect.stringContaining("prod-ecr is failing")]);
    expect(inbox.to(admin.email)[1]!.text).toContain("another registry");

    clock.advance(30 * 60_000);
    await runNotificationTick({ clock });
    const mails = inbox.to(admin.email);
    expect(mails).toHaveLength(3);
    expect(mails[2]!.subject).toMatch(/2 notifications/);
    expect(mails[2]!.text).toContain("second failure");
    expect(mails[2]!.text).toContain("third failure");
  });

  it("gathers license expiries into a daily digest for those who opted in, and tells admins of a disabled webhook", async () => {
    const clock = new TestClock();
    const { teamId, admin, member } = await teamWithRoles();
    await setEmailPreferences(teamId, member, { "customer.license_expiring": true });
    const customer = (id: string, name: string) => ({ id, name, applicationId: "app1", applicationName: "Acme App", expiresAt: new Date(clock.now().getTime() + 7 * 86_400_000).toISOString(), url: `https://portal.example.com/apps/acme/customers/${id}` });
    await recordNotificationEvent(prisma, teamId, "customer.license_expiring", { customer: customer("c1", "Globex"), daysLeft: 7 }, { now: clock.now() });
    await runNotificationTick({ clock });
    clock.advance(3_600_000);
    await recordNotificationEvent(prisma, teamId, "customer.license_expiring", { customer: customer("c2", "Initech"), daysLeft: 7 }, { now: clock.now() });
    await recordNotificationEvent(prisma, teamId, "customer.license_expiring", { customer: customer("c3", "Umbrella"), daysLeft: 7 }, { now: clock.now() });
    await runNotificationTick({ clock });
    expect(inbox.to(member.email)).toHaveLength(1);
    expect(inbox.to(admin.email)).toHaveLength(0);
    clock.advance(23 * 3_600_000);
    await runNotificationTick({ clock });
    const digest = inbox.to(member.email);
    expect(digest).toHaveLength(2);
    expect(digest[1]!.text).toContain("Initech's license for Acme App expires on");
    expect(digest[1]!.text).toContain("Umbrella");

    await recordNotificationEvent(prisma, teamId, "webhook.disabled", { endpoint: { id: "we1", url: "https://hooks.example.com/x", description: "" }, failingSince: clock.now().toISOString() }, { now: clock.now() });
    await runNotificationTick({ clock });
    expect(inbox.to(admin.email).map((mail) => mail.subject)).toEqual([expect.stringContaining("Webhook endpoint https://hooks.example.com/x was disabled")]);
    expect(inbox.to(member.email)).toHaveLength(2);
  });
});

describe("invitations", () => {
  it("are emailed with the accept link when the mailer is configured", async () => {
    const { inviteMember } = await import("@/lib/teams/service");
    const { teamId, admin } = await teamWithRoles();
    const invited = `invited-${process.pid}@example.com`;
    const invite = await inviteMember(teamId, admin, { email: invited, role: "MEMBER" });
    expect(invite.emailed).toBe(true);
    const [mail] = inbox.to(invited);
    expect(mail!.subject).toBe(`${admin.email} invited you to ${(await prisma.team.findUniqueOrThrow({ where: { id: teamId } })).name} on the registry portal`);
    expect(mail!.text).toContain(`https://portal.example.com/invite/${invite.token}`);
    expect(mail!.text).toContain("as Member");
  });
});
