// The expiry sweep against a real Postgres: claimed by one process at a time,
// each reminder announced once (7 days, 1 day, expired), API tokens expiring
// within 7 days, stale registries; nothing for revoked licenses.
import { beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/api-tokens/service";
import { createApplication } from "@/lib/applications/service";
import { signUp } from "@/lib/auth/service";
import { createCustomer } from "@/lib/customers/service";
import { ZCreateCustomerInput } from "@/lib/customers/schema";
import { prisma } from "@/lib/db";
import { runExpirySweep, runExpirySweepIfDue, SWEEP_EVERY_MS } from "@/lib/notifications/sweep";
import { useIsolatedDatabase } from "@/test/support/isolated-database";

const DAY = 86_400_000;

beforeAll(async () => {
  await useIsolatedDatabase("notification_sweep");
});

async function eventsOf(teamId: string) {
  return prisma.notificationEvent.findMany({ where: { teamId }, orderBy: { createdAt: "asc" }, select: { type: true, payload: true } });
}

describe("expiry sweep", () => {
  it("runs in one process of two at the same moment, then not before its next run", async () => {
    const now = new Date();
    const results = await Promise.all([runExpirySweepIfDue({ now: () => now }), runExpirySweepIfDue({ now: () => now })]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await runExpirySweepIfDue({ now: () => new Date(now.getTime() + SWEEP_EVERY_MS - 1) })).toBe(false);
    expect(await runExpirySweepIfDue({ now: () => new Date(now.getTime() + SWEEP_EVERY_MS) })).toBe(true);
  });

  it("announces a license 7 days and 1 day before it expires and when it expired, each once, and an expiring API token", async () => {
    const email = `sweep-${process.pid}@example.com`;
    const { userId, teamId } = await signUp({ name: "Sweep", email, password: "a long enough passphrase", teamName: "Sweep" });
    const actor = { userId, email };
    const app = await createApplication(teamId, actor, { name: "Acme App" });
    const today = new Date();
    const lastDay = new Date(today.getTime() + 6 * DAY).toISOString().slice(0, 10);
    const { customer } = await createCustomer(teamId, actor, ZCreateCustomerInput.parse({ applicationId: app.id, name: "Globex", email: "", expiresOn: lastDay }));
    const { customer: revoked } = await createCustomer(teamId, actor, ZCreateCustomerInput.parse({ applicationId: app.id, name: "Revoked Co", email: "", expiresOn: lastDay }));
    await prisma.customer.updateMany({ where: { id: revoked.id, teamId }, data: { revokedAt: today } });
    await createApiToken(teamId, { userId, role: "ADMIN" }, actor, { name: "ci", role: "VIEWER", expiresInDays: 7 });
    await createApiToken(teamId, { userId, role: "ADMIN" }, actor, { name: "long", role: "VIEWER", expiresInDays: 30 });

    // A minute on: the 7-day token is within its last 7 days.
    const sweepAt = new Date(Date.now() + 60_000);
    await runExpirySweep(sweepAt);
    await runExpirySweep(sweepAt);
    let events = await eventsOf(teamId);
    expect(events.map((event) => event.type).sort()).toEqual(["api_token.expiring", "customer.license_expiring"]);
    expect(events.find((event) => event.type === "customer.license_expiring")!.payload).toMatchObject({ customer: { id: customer.id, name: "Globex", applicationName: "Acme App" }, daysLeft: 7 });
    expect(events.find((event) => event.type === "api_token.expiring")!.payload).toMatchObject({ apiToken: { name: "ci" } });
    expect(JSON.stringify(events)).not.toMatch(/rp_[A-Za-z0-9_-]{20}|license[A-Z]/);

    const expiresAt = (await prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })).expiresAt!;
    await runExpirySweep(new Date(expiresAt.getTime() - DAY / 2));
    await runExpirySweep(new Date(expiresAt.getTime() + 1000));
    await runExpirySweep(new Date(expiresAt.getTime() + 2000));
    events = await eventsOf(teamId);
    expect(events.filter((event) => event.type.startsWith("customer.")).map((event) => [event.type, (event.payload as { daysLeft?: number }).daysLeft])).toEqual([
      ["customer.license_expiring", 7],
      ["customer.license_expiring", 1],
      ["customer.license_expired", undefined],
    ]);
  });
});
