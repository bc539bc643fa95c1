// The application overview's Attention list against a real Postgres: failing,
// unsafe and stale registries serving the application, licenses expiring
// within 7 days, customers refused in the last hour; nothing of another team
// or application, nothing that is fine. And the registry page's next check.
import { describe, expect, it } from "vitest";
import { getApplicationAttention } from "@/lib/applications/attention";
import { createApplication } from "@/lib/applications/service";
import { signUp } from "@/lib/auth/service";
import { createCustomer } from "@/lib/customers/service";
import { ZCreateCustomerInput } from "@/lib/customers/schema";
import { prisma } from "@/lib/db";
import { nextScheduledRetest } from "@/lib/registries/retest-scheduler";

const HOUR = 3_600_000;
let counter = 0;

async function team() {
  const email = `attention-${process.pid}-${++counter}@example.com`;
  const { userId, teamId } = await signUp({ name: "Att", email, password: "a long enough passphrase", teamName: `Attention ${counter}` });
  const actor = { userId, email };
  const app = await createApplication(teamId, actor, { name: "Shop" });
  return { teamId, actor, app };
}

async function registry(teamId: string, name: string, data: Record<string, unknown>) {
  return prisma.registry.create({ data: { teamId, name, provider: "ecr", hostname: `${name}.example.com`, authType: "iam_role", ...data } });
}

describe("the Attention list", () => {
  it("lists what needs doing in this application and nothing else", async () => {
    const { teamId, actor, app } = await team();
    const now = new Date();
    const other = await team();
    await registry(teamId, "broken", { testStatus: "failing", failingSince: new Date(now.getTime() - HOUR), verifiedAt: new Date(now.getTime() - 30 * HOUR), lastTestError: "AWS refused to assume the role" });
    // Never passed: its setup is incomplete, which is not an alarm.
    await registry(teamId, "unfinished", { testStatus: "failing", failingSince: now, lastTestError: "No such role" });
    await registry(teamId, "trusting", { testStatus: "unsafe", failingSince: now });
    await registry(teamId, "old", { testStatus: "verified", verifiedAt: new Date(now.getTime() - 30 * HOUR), lastTestedAt: new Date(now.getTime() - 30 * HOUR) });
    await registry(teamId, "fine", { testStatus: "verified", verifiedAt: now, lastTestedAt: now });
    await registry(other.teamId, "elsewhere", { testStatus: "failing", failingSince: now, verifiedAt: new Date(now.getTime() - 30 * HOUR) });
    const otherApp = await createApplication(teamId, actor, { name: "Other app" });
    const onlyOther = await registry(teamId, "other-app-only", { testStatus: "failing", verifiedAt: new Date(now.getTime() - 30 * HOUR), allApplications: false });
    await prisma.registryApplicationAccess.create({ data: { registryId: onlyOther.id, applicationId: otherApp.id } });

    const inDays = (days: number) => new Date(now.getTime() + days * 24 * HOUR).toISOString().slice(0, 10);
    const { customer: soon } = await createCustomer(teamId, actor, ZCreateCustomerInput.parse({ applicationId: app.id, name: "Soon Co", email: "", expiresOn: inDays(3) }));
    await createCustomer(teamId, actor, ZCreateCustomerInput.parse({ applicationId: app.id, name: "Later Co", email: "", expiresOn: inDays(30) }));
    const { customer: stuck } = await createCustomer(teamId, actor, ZCreateCustomerInput.parse({ applicationId: app.id, name: "Stuck Co", email: "", expiresOn: "" }));
    const pull = { teamId, applicationId: app.id, customerId: stuck.id, action: "token", method: "GET", durationMs: 1 };
    await prisma.pullEvent.createMany({ data: [{ ...pull, status: 401 }, { ...pull, status: 401 }, { ...pull, status: 200 }, { ...pull, status: 403, createdAt: new Date(now.getTime() - 2 * HOUR) }] });

    const items = await getApplicationAttention(teamId, app.id, now);
    expect(items).toEqual([
      expect.objectContaining({ kind: "registry", label: "broken", problem: "failing", detail: "AWS refused to assume the role" }),
      expect.objectContaining({ kind: "registry", label: "trusting", problem: "unsafe" }),
      expect.objectContaining({ kind: "registry", label: "old", problem: "stale" }),
      expect.objectContaining({ kind: "license_expiring", id: soon.id, label: "Soon Co" }),
      { kind: "pulls_denied", id: stuck.id, label: "Stuck Co", count: 2 },
    ]);
    expect(await getApplicationAttention(other.teamId, other.app.id, now)).toEqual([expect.objectContaining({ label: "elsewhere" })]);
  });
});

describe("the next scheduled check", () => {
  const interval = 24 * HOUR;
  const now = new Date("2026-12-01T12:00:00Z");
  it("is due by the end of the interval after the last test, once a test passed", () => {
    const next = nextScheduledRetest({ testStatus: "failing", verifiedAt: new Date(now.getTime() - 48 * HOUR), lastTestedAt: new Date(now.getTime() - HOUR) }, { intervalMs: interval, enabled: true, now });
    expect(next).toEqual({ kind: "due_by", at: new Date(now.getTime() + 23 * HOUR + 60_000) });
    expect(nextScheduledRetest({ testStatus: "verified", verifiedAt: now, lastTestedAt: new Date(now.getTime() - 25 * HOUR) }, { intervalMs: interval, enabled: true, now })).toEqual({ kind: "due_now" });
  });
  it("says why a registry is not scheduled", () => {
    expect(nextScheduledRetest({ testStatus: "never", verifiedAt: null, lastTestedAt: null }, { intervalMs: interval, enabled: true, now })).toMatchObject({ kind: "not_scheduled", reason: expect.stringContaining("once a Test passes") });
    expect(nextScheduledRetest({ testStatus: "verified", verifiedAt: now, lastTestedAt: now }, { intervalMs: interval, enabled: false, now })).toMatchObject({ kind: "not_scheduled", reason: expect.stringContaining("REGISTRY_RETEST_ENABLED=false") });
  });
});
