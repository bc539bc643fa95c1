// The registries list against a real Postgres: search, derived status
// filters (stale, not tested since change), auth type, provider, scope,
// sort, pages, and the tenant in every query.
import { beforeAll, describe, expect, it } from "vitest";
import { createApplication } from "@/lib/applications/service";
import { signUp } from "@/lib/auth/service";
import { prisma } from "@/lib/db";
import { ZRegistryListQuery } from "@/lib/registries/list-query";
import { ZCreateRegistryInput } from "@/lib/registries/schema";
import { createRegistry, searchRegistries } from "@/lib/registries/service";

const unique = () => Math.random().toString(36).slice(2, 10);
const HOUR = 3_600_000;

let teamId: string;
let appId: string;
let otherAppId: string;
const ids: Record<string, string> = {};

async function add(name: string, overrides: Record<string, unknown> = {}) {
  const { userId, email } = actor;
  const registry = await createRegistry(
    teamId,
    { userId, email },
    ZCreateRegistryInput.parse({
      provider: "ecr",
      name,
      hostname: `1234567890${String(Object.keys(ids).length).padStart(2, "0")}.dkr.ecr.eu-west-1.amazonaws.com`,
      authType: "iam_role",
      accessKeyId: "",
      secretAccessKey: "",
      roleArn: `arn:aws:iam::1234567890${String(Object.keys(ids).length).padStart(2, "0")}:role/Pull`,
      allApplications: true,
      applicationIds: [],
      ...overrides,
    }),
  );
  ids[name] = registry.id;
  return registry.id;
}

let actor: { userId: string; email: string };
const query = (raw: Record<string, string>) => ZRegistryListQuery.parse(raw);
const names = (result: { items: { name: string | null }[] }) => result.items.map((item) => item.name);

beforeAll(async () => {
  const email = `list-${unique()}@example.com`;
  const signed = await signUp({ name: "List", email, password: "a long enough passphrase", teamName: "Lists" });
  teamId = signed.teamId;
  actor = { userId: signed.userId, email };
  appId = (await createApplication(teamId, actor, { name: "Shop" })).id;
  otherAppId = (await createApplication(teamId, actor, { name: "Blog" })).id;
  await add("alpha-fresh");
  await add("bravo-stale");
  await add("charlie-failing");
  await add("delta-changed");
  await add("echo-keys", { authType: "access_key", roleArn: "", accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "CanarySecretKeyDoNotLeak/0123456789abcde" });
  await add("foxtrot-blog-only", { allApplications: false, applicationIds: [otherAppId] });
  const now = Date.now();
  await prisma.registry.updateMany({ where: { id: ids["alpha-fresh"]!, teamId }, data: { testStatus: "verified", lastTestedAt: new Date(now - HOUR), verifiedAt: new Date(now - HOUR) } });
  await prisma.registry.updateMany({ where: { id: ids["bravo-stale"]!, teamId }, data: { testStatus: "verified", lastTestedAt: new Date(now - 30 * HOUR), verifiedAt: new Date(now - 30 * HOUR) } });
  await prisma.registry.updateMany({ where: { id: ids["charlie-failing"]!, teamId }, data: { testStatus: "failing", lastTestedAt: new Date(now - 2 * HOUR), failingSince: new Date(now - 2 * HOUR), verifiedAt: new Date(now - 26 * HOUR), lastTestError: "No such role" } });
  await prisma.registry.updateMany({ where: { id: ids["delta-changed"]!, teamId }, data: { connectionChangedAt: new Date(now - HOUR) } });
  // Another team's registry, named to match every search below.
  const other = await signUp({ name: "Other", email: `list-other-${unique()}@example.com`, password: "a long enough passphrase", teamName: "Other" });
  await createRegistry(other.teamId, { userId: other.userId, email: "x@example.com" }, ZCreateRegistryInput.parse({ provider: "ecr", name: "alpha-other-team", hostname: "999999999999.dkr.ecr.eu-west-1.amazonaws.com", authType: "iam_role", accessKeyId: "", secretAccessKey: "", roleArn: "arn:aws:iam::999999999999:role/Pull", allApplications: true, applicationIds: [] }));
});

describe("searchRegistries", () => {
  it("filters by the derived statuses", async () => {
    const by = async (status: string) => names(await searchRegistries(teamId, query({ status, scope: "all" }), { applicationId: appId }));
    expect(await by("verified")).toEqual(["alpha-fresh"]);
    expect(await by("stale")).toEqual(["bravo-stale"]);
    expect(await by("failing")).toEqual(["charlie-failing"]);
    expect(await by("changed")).toEqual(["delta-changed"]);
    expect(await by("never")).toEqual(["echo-keys", "foxtrot-blog-only"]);
    // One that never passed is not failing: its setup is incomplete.
    const charlie = { id: ids["charlie-failing"]!, teamId };
    const { verifiedAt } = await prisma.registry.findFirstOrThrow({ where: charlie, select: { verifiedAt: true } });
    await prisma.registry.updateMany({ where: charlie, data: { verifiedAt: null } });
    expect(await by("incomplete")).toEqual(["charlie-failing"]);
    expect(await by("failing")).toEqual([]);
    await prisma.registry.updateMany({ where: charlie, data: { verifiedAt } });
  });

  it("searches name and hostname, filters auth type and provider, and keeps to the team", async () => {
    expect(names(await searchRegistries(teamId, query({ q: "ALPHA", scope: "all" }), { applicationId: appId }))).toEqual(["alpha-fresh"]);
    expect(names(await searchRegistries(teamId, query({ q: "123456789004", scope: "all" }), { applicationId: appId }))).toEqual(["echo-keys"]);
    expect(names(await searchRegistries(teamId, query({ auth: "access_key", scope: "all" }), { applicationId: appId }))).toEqual(["echo-keys"]);
    expect((await searchRegistries(teamId, query({ provider: "ecr", scope: "all" }), { applicationId: appId })).page.total).toBe(6);
    expect((await searchRegistries(teamId, query({ provider: "quay", scope: "all" }), { applicationId: appId })).page.total).toBe(0);
  });

  it("shows the application's registries by default, and the team's on request", async () => {
    expect(names(await searchRegistries(teamId, query({}), { applicationId: appId }))).not.toContain("foxtrot-blog-only");
    expect(names(await searchRegistries(teamId, query({}), { applicationId: otherAppId }))).toContain("foxtrot-blog-only");
    expect(names(await searchRegistries(teamId, query({ scope: "all" }), { applicationId: appId }))).toContain("foxtrot-blog-only");
  });

  it("sorts and pages on the server", async () => {
    const desc = await searchRegistries(teamId, query({ scope: "all", dir: "desc" }), { applicationId: appId });
    expect(names(desc)[0]).toBe("foxtrot-blog-only");
    const lastTested = await searchRegistries(teamId, query({ scope: "all", sort: "lastTested", dir: "desc" }), { applicationId: appId });
    expect(names(lastTested).slice(0, 3)).toEqual(["alpha-fresh", "charlie-failing", "bravo-stale"]);
    // A page past the end shows the last page.
    const past = await searchRegistries(teamId, query({ scope: "all", page: "7" }), { applicationId: appId });
    expect(past.page).toMatchObject({ page: 1, pageCount: 1, total: 6 });
  });
});
