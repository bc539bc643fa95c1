import { beforeAll, describe, expect, it } from "vitest";
import { createApplication } from "@/lib/applications/service";
import { signUp } from "@/lib/auth/service";
import { ZCreateCustomerInput } from "@/lib/customers/schema";
import { createCustomer } from "@/lib/customers/service";
import { prisma } from "@/lib/db";
import { parsePullActivityFilters } from "@/lib/pull-activity/schema";
import { customerDailyTotals, listPullEvents, PULL_ACTIVITY_PAGE_SIZE, pullActivityCsv, recentRepositories } from "@/lib/pull-activity/service";

const unique = () => Math.random().toString(36).slice(2, 10);

async function newTeam() {
  const email = `pulls-${unique()}@example.com`;
  const { userId, teamId } = await signUp({ name: "Pulls", email, password: "a long enough passphrase", teamName: "Pulls" });
  const actor = { userId, email };
  const application = await createApplication(teamId, actor, { name: `App ${unique()}` });
  const { customer } = await createCustomer(teamId, actor, ZCreateCustomerInput.parse({ applicationId: application.id, name: `Customer ${unique()}`, email: "", expiresOn: "" }));
  return { teamId, actor, application, customer };
}

function event(teamId: string, applicationId: string, customerId: string | null, overrides: Record<string, unknown> = {}) {
  return {
    teamId,
    applicationId,
    customerId,
    action: "manifest",
    method: "GET",
    repository: "vendor/api",
    reference: "1.0",
    status: 200,
    bytes: 1000n,
    durationMs: 5,
    createdAt: new Date("2026-03-10T12:00:00Z"),
    ...overrides,
  };
}

async function collect(generator: AsyncGenerator<string>): Promise<string> {
  let text = "";
  for await (const chunk of generator) text += chunk;
  return text;
}

describe("pull activity (real Postgres)", () => {
  let team: Awaited<ReturnType<typeof newTeam>>;
  let other: Awaited<ReturnType<typeof newTeam>>;
  beforeAll(async () => {
    team = await newTeam();
    other = await newTeam();
    const { teamId, application, customer } = team;
    await prisma.pullEvent.createMany({
      data: [
        event(teamId, application.id, customer.id),
        event(teamId, application.id, customer.id, { action: "blob", repository: "vendor/api", digest: `sha256:${"a".repeat(64)}`, bytes: 5_000_000n, reference: null }),
        event(teamId, application.id, customer.id, { status: 401, action: "token", repository: null, bytes: 0n, createdAt: new Date("2026-03-11T08:00:00Z") }),
        event(teamId, application.id, customer.id, { status: 502, repository: "vendor/worker", upstreamStatus: 503, createdAt: new Date("2026-03-12T08:00:00Z") }),
        event(teamId, application.id, null, { repository: "vendor/worker", userAgent: "=cmd|' /C calc'!A0", createdAt: new Date("2026-03-12T09:00:00Z") }),
        ...Array.from({ length: PULL_ACTIVITY_PAGE_SIZE + 5 }, (_, i) => event(teamId, application.id, customer.id, { repository: "vendor/bulk", createdAt: new Date(Date.parse("2026-02-01T00:00:00Z") + i * 1000) })),
        // Another team's events under its own application.
        event(other.teamId, other.application.id, other.customer.id, { repository: "vendor/api" }),
      ],
    });
  });

  const filters = (query: string) => parsePullActivityFilters(new URLSearchParams(query));

  it("filters by customer, image, status, action and date range", async () => {
    const { teamId, application, customer } = team;
    expect((await listPullEvents(teamId, application.id, filters("image=WORKER"))).total).toBe(2);
    expect((await listPullEvents(teamId, application.id, filters(`image=worker&customer=${customer.id}`))).total).toBe(1);
    expect((await listPullEvents(teamId, application.id, filters("status=refused"))).events.map((e) => e.status)).toEqual([401]);
    expect((await listPullEvents(teamId, application.id, filters("status=error"))).events.map((e) => e.upstreamStatus)).toEqual([503]);
    expect((await listPullEvents(teamId, application.id, filters("action=blob"))).events.map((e) => e.bytes)).toEqual([5_000_000]);
    expect((await listPullEvents(teamId, application.id, filters("from=2026-03-11&to=2026-03-11"))).total).toBe(1);
    expect((await listPullEvents(teamId, application.id, filters("from=2026-03-10"))).total).toBe(5);
  });

  it("paginates on the server, newest first", async () => {
    const { teamId, application } = team;
    const first = await listPullEvents(teamId, application.id, filters("image=bulk"));
    expect(first).toMatchObject({ total: PULL_ACTIVITY_PAGE_SIZE + 5, pageCount: 2, page: 1 });
    expect(first.events).toHaveLength(PULL_ACTIVITY_PAGE_SIZE);
    const second = await listPullEvents(teamId, application.id, filters("image=bulk&page=2"));
    expect(second.events).toHaveLength(5);
    expect(second.events.at(-1)!.createdAt.toISOString()).toBe("2026-02-01T00:00:00.000Z");
    expect(first.events[0]!.createdAt.getTime()).toBeGreaterThan(second.events[0]!.createdAt.getTime());
  });

  it("never shows another team's events, even with that team's application and customer IDs", async () => {
    expect((await listPullEvents(team.teamId, other.application.id, filters(""))).total).toBe(0);
    expect((await listPullEvents(other.teamId, team.application.id, filters(""))).total).toBe(0);
    expect((await listPullEvents(team.teamId, team.application.id, filters(`customer=${other.customer.id}`))).total).toBe(0);
    expect(await customerDailyTotals(team.teamId, other.customer.id, 30, new Date("2026-03-12T23:00:00Z"))).toEqual([]);
    const csv = await collect(pullActivityCsv(other.teamId, team.application.id, filters("")));
    expect(csv.trim().split("\r\n")).toHaveLength(1);
  });

  it("exports the same filtered rows as CSV, formulas defused", async () => {
    const csv = await collect(pullActivityCsv(team.teamId, team.application.id, filters("image=worker")));
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("time,customer,customer_id,action,method,repository,reference,digest,status,bytes,duration_ms,upstream_status,client_address,user_agent");
    expect(lines).toHaveLength(3);
    expect(lines[1]!.endsWith(",'=cmd|' /C calc'!A0")).toBe(true);
    expect(lines[2]).toContain(team.customer.name);
    expect(lines[2]).toContain(",502,");
  });

  it("totals a customer's pulls and bytes per day", async () => {
    const totals = await customerDailyTotals(team.teamId, team.customer.id, 30, new Date("2026-03-12T23:00:00Z"));
    expect(totals).toEqual([
      { day: "2026-03-12", pulls: 0, bytes: 1000, requests: 1, failed: 1 },
      { day: "2026-03-11", pulls: 0, bytes: 0, requests: 1, failed: 1 },
      { day: "2026-03-10", pulls: 1, bytes: 5_001_000, requests: 2, failed: 0 },
    ]);
  });

  it("lists the repositories pulled recently", async () => {
    expect(await recentRepositories(team.teamId, team.application.id)).toEqual(["vendor/worker", "vendor/api", "vendor/bulk"]);
    expect(await recentRepositories(other.teamId, team.application.id)).toEqual([]);
  });
});
