// The audit log's list and CSV export against a real Postgres: filters by
// actor, action, target and date; links to objects (and names of deleted
// ones); before/after of edits without secrets; CSV with formulas defused;
// another team's events never included.
import { beforeAll, describe, expect, it } from "vitest";
import { createApplication, deleteApplication, renameApplication } from "@/lib/applications/service";
import { auditEventsCsv } from "@/lib/audit/csv";
import { describeMetadata } from "@/lib/audit/describe";
import { ZAuditListQuery } from "@/lib/audit/list-query";
import { listAuditActors, recordAuditEvent, searchAuditEvents } from "@/lib/audit/service";
import { resolveAuditTargets, resolveMetadataNames } from "@/lib/audit/targets";
import { signUp } from "@/lib/auth/service";
import { prisma } from "@/lib/db";
import { ZCreateRegistryInput, ZUpdateRegistryInput } from "@/lib/registries/schema";
import { createRegistry, deleteRegistry, updateRegistry } from "@/lib/registries/service";

const unique = () => Math.random().toString(36).slice(2, 10);
const SECRET = "CanarySecretKeyDoNotLeak/0123456789abcde";
const NEW_SECRET = "ReplacementSecretKey+0123456789abcdefghi";

let teamId: string;
let actor: { userId: string; email: string };
let registryId: string;
let goneRegistryId: string;
let otherTeamId: string;

const query = (raw: Record<string, string>) => ZAuditListQuery.parse(raw);
async function csvOf(teamIdToExport: string, raw: Record<string, string>) {
  let text = "";
  for await (const chunk of auditEventsCsv(teamIdToExport, query(raw))) text += chunk;
  return text;
}

beforeAll(async () => {
  const email = `audit-${unique()}@example.com`;
  const signed = await signUp({ name: "Auditor", email, password: "a long enough passphrase", teamName: "Audit" });
  teamId = signed.teamId;
  actor = { userId: signed.userId, email };
  await createApplication(teamId, actor, { name: "Shop" });
  const base = { provider: "ecr", name: "prod", hostname: "123456789012.dkr.ecr.eu-west-1.amazonaws.com", authType: "access_key", accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: SECRET, roleArn: "", allApplications: true, applicationIds: [] };
  registryId = (await createRegistry(teamId, actor, ZCreateRegistryInput.parse(base))).id;
  await updateRegistry(teamId, actor, ZUpdateRegistryInput.parse({ ...base, registryId, name: "production", hostname: "123456789012.dkr.ecr.eu-west-2.amazonaws.com", accessKeyId: "AKIAI44QH8DHBEXAMPLE", secretAccessKey: NEW_SECRET, replaceAccessKey: true }));
  goneRegistryId = (await createRegistry(teamId, actor, ZCreateRegistryInput.parse({ ...base, name: "gone" }))).id;
  await deleteRegistry(teamId, actor, goneRegistryId);
  // Names are chosen by users: one that a spreadsheet would run as a formula.
  // A rename's details start with the old name: "=HYPERLINK(…) → Blog".
  const evil = await createApplication(teamId, actor, { name: '=HYPERLINK("http://evil")' });
  await renameApplication(teamId, actor, { applicationId: evil.id, name: "Blog" });
  await deleteApplication(teamId, actor, evil.id);
  // An old event, for the date filter, by the portal itself.
  const old = await recordAuditEvent(teamId, null, "oidc.thumbprint_refreshed", undefined, { thumbprint: "abc" });
  await prisma.auditEvent.updateMany({ where: { id: old, teamId }, data: { createdAt: new Date("2026-01-15T12:00:00Z") } });
  const other = await signUp({ name: "Other", email: `audit-other-${unique()}@example.com`, password: "a long enough passphrase", teamName: "Other" });
  otherTeamId = other.teamId;
});

describe("audit log list", () => {
  it("names the application, registry or customer an event refers to by ID, and providers and auth types by their labels", async () => {
    const own = await signUp({ name: "Names", email: `audit-names-${unique()}@example.com`, password: "a long enough passphrase", teamName: "Names" });
    const ownActor = { userId: own.userId, email: `audit-names-${unique()}@example.com` };
    const shop = await createApplication(own.teamId, ownActor, { name: "Shop" });
    const base = { provider: "ecr", name: "prod", hostname: "123456789012.dkr.ecr.eu-west-1.amazonaws.com", authType: "iam_role", accessKeyId: "", secretAccessKey: "", roleArn: "PortalEcrPull", allApplications: true, applicationIds: [] };
    const kept = await createRegistry(own.teamId, ownActor, ZCreateRegistryInput.parse(base));
    const gone = await createRegistry(own.teamId, ownActor, ZCreateRegistryInput.parse({ ...base, name: "gone" }));
    await deleteRegistry(own.teamId, ownActor, gone.id);
    await recordAuditEvent(own.teamId, ownActor, "customer.created", { type: "customer", id: "c1" }, { name: "Acme", applicationId: shop.id, registryIds: [kept.id, gone.id] });
    await recordAuditEvent(own.teamId, ownActor, "registry.updated", { type: "registry", id: kept.id }, { provider: "ecr", changes: [{ field: "Auth type", from: "access_key", to: "iam_role" }] });
    const { items } = await searchAuditEvents(own.teamId, query({}));
    const names = await resolveMetadataNames(own.teamId, items);
    const lines = items.flatMap((event) => describeMetadata(event.metadata, names));
    expect(lines).toEqual(expect.arrayContaining(["Application: Shop", "Registry: prod, (deleted)", "Provider: Amazon ECR", "Auth type: Access key → IAM Authentication"]));
    expect(lines.join("\n")).not.toContain(shop.id);
    // Another team's IDs are never resolved.
    expect((await resolveMetadataNames(otherTeamId, items)).size).toBe(0);
  });

  it("records what an edit changed, before and after, and a replaced secret only as replaced", async () => {
    const { items } = await searchAuditEvents(teamId, query({ action: "registry.updated" }));
    expect(items).toHaveLength(1);
    const lines = describeMetadata(items[0]!.metadata);
    expect(lines).toEqual(expect.arrayContaining(["Name: prod → production", "Hostname: 123456789012.dkr.ecr.eu-west-1.amazonaws.com → 123456789012.dkr.ecr.eu-west-2.amazonaws.com"]));
    const everything = JSON.stringify(await prisma.auditEvent.findMany({ where: { teamId } }));
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(NEW_SECRET);
    expect(everything).not.toContain("AKIAI44QH8DHBEXAMPLE");
  });

  it("filters by actor, action, target and date", async () => {
    expect((await searchAuditEvents(teamId, query({ actor: "system" }))).items.map((event) => event.action)).toEqual(["oidc.thumbprint_refreshed"]);
    const mine = await searchAuditEvents(teamId, query({ actor: `user:${actor.userId}` }));
    expect(mine.items.every((event) => event.actorUserId === actor.userId)).toBe(true);
    expect(mine.page.total).toBeGreaterThanOrEqual(6);
    const registryEvents = await searchAuditEvents(teamId, query({ target: "registry", targetId: registryId }));
    expect(registryEvents.items.map((event) => event.action).sort()).toEqual(["registry.created", "registry.secret_replaced", "registry.updated"]);
    expect((await searchAuditEvents(teamId, query({ from: "2026-01-15", to: "2026-01-15" }))).items.map((event) => event.action)).toEqual(["oidc.thumbprint_refreshed"]);
    expect((await searchAuditEvents(teamId, query({ from: "2026-01-16", to: "2026-01-31" }))).page.total).toBe(0);
    expect(await listAuditActors(teamId)).toEqual(expect.arrayContaining([{ value: `user:${actor.userId}`, label: actor.email }, { value: "system", label: "System (the portal itself)" }]));
  });

  it("links targets to their pages, and names a deleted one from what the event recorded", async () => {
    const { items } = await searchAuditEvents(teamId, query({ target: "registry" }));
    const links = await resolveAuditTargets(teamId, items);
    const live = items.find((event) => event.targetId === registryId)!;
    expect(links.get(live.id)).toEqual({ label: "production", href: expect.stringMatching(new RegExp(`^/apps/shop/registries/${registryId}$`)), deleted: false });
    const gone = items.find((event) => event.targetId === goneRegistryId && event.action === "registry.deleted")!;
    expect(links.get(gone.id)).toEqual({ label: "gone", href: null, deleted: true });
    // Another team resolving the same events learns nothing about them.
    const foreign = await resolveAuditTargets(otherTeamId, items);
    expect(foreign.get(live.id)).toMatchObject({ href: null, deleted: true });
  });

  it("exports the filtered events as CSV, formulas defused, and only the team's", async () => {
    const csv = await csvOf(teamId, { target: "registry" });
    const lines = csv.trimEnd().split("\r\n");
    const applications = await csvOf(teamId, { target: "application" });
    expect(applications).not.toMatch(/(^|,)"?=HYPERLINK/m);
    expect(applications).toContain(`,"'=HYPERLINK(""http://evil"") → Blog"`);
    expect(lines[0]).toBe("time_utc,actor,actor_user_id,actor_token_id,action,action_description,target_type,target_id,details");
    expect(lines).toHaveLength(1 + (await searchAuditEvents(teamId, query({ target: "registry" }))).page.total);
    expect(await csvOf(otherTeamId, { target: "registry" })).toBe("time_utc,actor,actor_user_id,actor_token_id,action,action_description,target_type,target_id,details\r\n");
  });

  it("pages through many events in batches", async () => {
    await prisma.auditEvent.createMany({ data: Array.from({ length: 1_203 }, (_, index) => ({ teamId, action: "auth.signed_in", actorUserId: actor.userId, actorEmail: actor.email, createdAt: new Date(Date.UTC(2026, 5, 1, 0, 0, index)) })) });
    const csv = await csvOf(teamId, { action: "auth.signed_in" });
    const rows = csv.trimEnd().split("\r\n").slice(1);
    const total = (await searchAuditEvents(teamId, query({ action: "auth.signed_in" }))).page.total;
    expect(rows).toHaveLength(total);
    expect(new Set(rows).size).toBe(rows.length);
    const second = await searchAuditEvents(teamId, query({ action: "auth.signed_in", page: "2" }));
    expect(second.page).toMatchObject({ page: 2, from: 26, to: 50 });
  });
});
