// The REST API over real HTTP (its route handlers on a loopback port) against
// the real Postgres: authentication and roles, tenancy, pagination, input
// errors naming fields, limits, the audit trail, and no secret in any answer.
import { beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/api-tokens/service";
import { signUp } from "@/lib/auth/service";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { changeMemberRole, inviteMember, removeMember } from "@/lib/teams/service";
import { newApiTeam, apiServerForFile, type ApiTeam } from "@/test/support/api-client";

const SECRET = "CanaryApiSecretDoNotLeak/0123456789abcde";
const NEW_SECRET = "CanaryApiSecretReplaced+0123456789abcdef";
const ACCESS_KEY_ID = "AKIACANARYAPI0000001";
const HOSTNAME = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const ROLE_ARN = "arn:aws:iam::123456789012:role/PortalPull";

let counter = 0;
const { call } = apiServerForFile();
type Team = ApiTeam;
const newTeam = newApiTeam;

const iamRegistryBody = (overrides: Record<string, unknown> = {}) => ({
  provider: "ecr",
  name: "",
  hostname: HOSTNAME,
  authType: "iam_role",
  accessKeyId: "",
  secretAccessKey: "",
  roleArn: ROLE_ARN,
  allApplications: true,
  applicationIds: [],
  ...overrides,
});

const accessKeyRegistryBody = (overrides: Record<string, unknown> = {}) =>
  iamRegistryBody({ authType: "access_key", roleArn: "", accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET, ...overrides });

let alice: Team;
let bob: Team;

beforeAll(async () => {
  [alice, bob] = await Promise.all([newTeam("alice"), newTeam("bob")]);
});

describe("authentication", () => {
  it("refuses a request without a token, and says how to authenticate", async () => {
    const answer = await call(null, "GET", "/applications");
    expect(answer.status).toBe(401);
    expect(answer.json.error).toMatchObject({ code: "unauthorized" });
    expect(answer.json.error.message).toContain("Authorization: Bearer");
  });

  it("never accepts a browser session cookie, even a real one", async () => {
    const answer = await call(null, "GET", "/applications", undefined, { cookie: "next-auth.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0.x.y.z.w" });
    expect(answer.status).toBe(401);
    expect(answer.json.error.message).toMatch(/does not accept browser sessions/);
  });

  it("refuses a mistyped token, a token of the wrong shape and a non-bearer scheme", async () => {
    const mistyped = `${alice.tokens.ADMIN.slice(0, -1)}${alice.tokens.ADMIN.endsWith("A") ? "B" : "A"}`;
    for (const header of [`Bearer ${mistyped}`, "Bearer not-a-token", `Basic ${Buffer.from(`x:${alice.tokens.ADMIN}`).toString("base64")}`]) {
      const answer = await call(null, "GET", "/applications", undefined, { authorization: header });
      expect(answer.status, header).toBe(401);
    }
  });

  it("refuses a revoked token and an expired token with 401", async () => {
    const team = await newTeam("expiry");
    const created = await call(team.tokens.ADMIN, "POST", "/tokens", { name: "short-lived", role: "VIEWER", expiresInDays: 1 });
    expect(created.status).toBe(201);
    const { token, apiToken } = created.json.data;
    expect((await call(token, "GET", "/applications")).status).toBe(200);
    await prisma.apiToken.updateMany({ where: { id: apiToken.id, teamId: team.teamId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await call(token, "GET", "/applications");
    expect(expired.status).toBe(401);
    expect(expired.json.error.message).toMatch(/expired/);

    const other = (await call(team.tokens.ADMIN, "POST", "/tokens", { name: "to-revoke", role: "MEMBER", expiresInDays: null })).json.data;
    expect((await call(other.token, "GET", "/token")).status).toBe(200);
    expect((await call(team.tokens.ADMIN, "DELETE", `/tokens/${other.apiToken.id}`)).status).toBe(204);
    expect((await call(other.token, "GET", "/token")).status).toBe(401);
    const listed = (await call(team.tokens.ADMIN, "GET", "/tokens")).json.data as { id: string; status: string }[];
    expect(listed.find((entry) => entry.id === other.apiToken.id)?.status).toBe("revoked");
    expect(listed.find((entry) => entry.id === apiToken.id)?.status).toBe("expired");
  });

  it("caps a token at its creator's current role, and stops it when the creator leaves the team", async () => {
    const team = await newTeam("creator");
    const invite = await inviteMember(team.teamId, team.admin, { email: `second-admin-${process.pid}-${++counter}@example.com`, role: "ADMIN" });
    const { userId } = await signUp({ name: "Second", email: invite.email, password: "a long enough passphrase", teamName: "unused", inviteToken: invite.token });
    const { token } = await createApiToken(team.teamId, { userId, role: "ADMIN" }, { userId, email: invite.email }, { name: "second-admin-ci", role: "ADMIN", expiresInDays: null });
    expect((await call(token, "GET", "/tokens")).status).toBe(200);

    const membership = await prisma.membership.findFirstOrThrow({ where: { teamId: team.teamId, userId } });
    await changeMemberRole(team.teamId, team.admin, { membershipId: membership.id, role: "VIEWER" });
    expect((await call(token, "GET", "/token")).json.data).toMatchObject({ role: "VIEWER", token: { role: "ADMIN" } });
    expect((await call(token, "GET", "/tokens")).status).toBe(403);
    expect((await call(token, "POST", "/applications", { name: "Nope" })).status).toBe(403);

    await removeMember(team.teamId, team.admin, membership.id);
    const removed = await call(token, "GET", "/token");
    expect(removed.status).toBe(401);
    expect(removed.json.error.message).toMatch(/no longer a member/);
  });

  it("says who the token is", async () => {
    const answer = await call(alice.tokens.MEMBER, "GET", "/token");
    expect(answer.status).toBe(200);
    expect(answer.json.data).toMatchObject({ team: { id: alice.teamId }, role: "MEMBER", token: { name: "alice-member", role: "MEMBER" } });
  });
});

describe("roles", () => {
  it("lets a viewer read everything and change nothing", async () => {
    const token = alice.tokens.VIEWER;
    for (const path of ["/applications", "/registries", "/oidc", "/audit-events", "/token"]) expect((await call(token, "GET", path)).status, path).toBe(200);
    const writes: [string, string, unknown?][] = [
      ["POST", "/applications", { name: "Viewer app" }],
      ["POST", "/registries", iamRegistryBody()],
      ["POST", "/tokens", { name: "x", role: "VIEWER", expiresInDays: null }],
      ["GET", "/tokens"],
    ];
    for (const [method, path, body] of writes) {
      const answer = await call(token, method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.json.error.code).toBe("forbidden");
      expect(answer.json.error.message).toMatch(/This token's role \(Viewer\)/);
    }
    const registry = (await call(alice.tokens.MEMBER, "POST", "/registries", iamRegistryBody())).json.data;
    for (const [method, path, body] of [
      ["PUT", `/registries/${registry.id}`, iamRegistryBody({ replaceAccessKey: false })],
      ["PUT", `/registries/${registry.id}/app-access`, { allApplications: true, applicationIds: [] }],
      ["POST", `/registries/${registry.id}/test`, {}],
      ["DELETE", `/registries/${registry.id}`],
    ] as [string, string, unknown?][]) {
      expect((await call(token, method, path, body)).status, `${method} ${path}`).toBe(403);
    }
    expect((await call(token, "GET", `/registries/${registry.id}`)).status).toBe(200);
  });

  it("lets a member manage applications and registries but not API tokens", async () => {
    const token = alice.tokens.MEMBER;
    const created = await call(token, "POST", "/applications", { name: "Member app" });
    expect(created.status).toBe(201);
    expect(created.json.data).toMatchObject({ name: "Member app", slug: "member-app" });
    const renamed = await call(token, "PATCH", `/applications/${created.json.data.id}`, { name: "Member app 2" }, { "content-type": "application/merge-patch+json" });
    expect(renamed.json.data).toMatchObject({ name: "Member app 2", slug: "member-app" });
    expect((await call(token, "DELETE", `/applications/${created.json.data.id}`)).status).toBe(204);
    expect((await call(token, "GET", `/applications/${created.json.data.id}`)).status).toBe(404);
    expect((await call(token, "GET", "/tokens")).status).toBe(403);
    expect((await call(token, "POST", "/tokens", { name: "x", role: "VIEWER", expiresInDays: null })).status).toBe(403);
  });

  it("lets an admin token create tokens with at most its own role", async () => {
    const created = await call(alice.tokens.ADMIN, "POST", "/tokens", { name: "ci", role: "MEMBER", expiresInDays: 30 });
    expect(created.status).toBe(201);
    expect(created.json.data.token).toMatch(/^rp_[A-Za-z0-9_-]{43}$/);
    expect(created.json.data.apiToken).toMatchObject({ name: "ci", role: "MEMBER", status: "active" });
    expect(created.json.data.apiToken.displayPrefix).toBe(created.json.data.token.slice(0, 9));
    const listed = await call(alice.tokens.ADMIN, "GET", "/tokens");
    expect(listed.text).not.toContain(created.json.data.token);
    expect(listed.text).not.toMatch(/tokenHash/);
  });
});

describe("tenancy", () => {
  it("answers 404 to a token of another team for every object of this team, and changes nothing", async () => {
    const application = (await call(alice.tokens.ADMIN, "POST", "/applications", { name: "Private" })).json.data;
    const registry = (await call(alice.tokens.ADMIN, "POST", "/registries", accessKeyRegistryBody({ name: "private-ecr" }))).json.data;
    const tokenId = (await call(alice.tokens.ADMIN, "POST", "/tokens", { name: "victim", role: "VIEWER", expiresInDays: null })).json.data.apiToken.id;
    const attacker = bob.tokens.ADMIN;
    const attempts: [string, string, unknown?][] = [
      ["GET", `/applications/${application.id}`],
      ["PATCH", `/applications/${application.id}`, { name: "pwned" }],
      ["DELETE", `/applications/${application.id}`],
      ["GET", `/registries/${registry.id}`],
      ["PUT", `/registries/${registry.id}`, iamRegistryBody({ name: "pwned", replaceAccessKey: false })],
      ["PUT", `/registries/${registry.id}/credentials`, { accessKeyId: ACCESS_KEY_ID, secretAccessKey: NEW_SECRET }],
      ["PUT", `/registries/${registry.id}/app-access`, { allApplications: true, applicationIds: [] }],
      ["POST", `/registries/${registry.id}/test`, {}],
      ["GET", `/registries/${registry.id}/test`],
      ["DELETE", `/registries/${registry.id}`],
      ["DELETE", `/tokens/${tokenId}`],
    ];
    for (const [method, path, body] of attempts) {
      const answer = await call(attacker, method, path, body, method === "PATCH" ? { "content-type": "application/merge-patch+json" } : {});
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.json.error.code).toBe("not_found");
      expect(answer.text).not.toContain("private-ecr");
    }
    // An application of another team cannot be given access either.
    const own = (await call(attacker, "POST", "/registries", iamRegistryBody())).json.data;
    const smuggle = await call(attacker, "PUT", `/registries/${own.id}/app-access`, { allApplications: false, applicationIds: [application.id] });
    expect(smuggle.status).toBe(400);
    expect(smuggle.json.error.fields.applicationIds).toMatch(/not in this team/);
    // Lists hold only the caller's team's objects.
    const bobsRegistries = (await call(attacker, "GET", "/registries")).json.data as { id: string }[];
    expect(bobsRegistries.map((entry) => entry.id)).not.toContain(registry.id);
    const aliceAfter = (await call(alice.tokens.ADMIN, "GET", `/registries/${registry.id}`)).json.data;
    expect(aliceAfter).toMatchObject({ name: "private-ecr", accessKeyIdMasked: registry.accessKeyIdMasked });
    expect((await call(alice.tokens.ADMIN, "GET", `/applications/${application.id}`)).json.data.name).toBe("Private");
    expect((await prisma.apiToken.findFirstOrThrow({ where: { id: tokenId } })).revokedAt).toBeNull();
  });
});

describe("pagination", () => {
  it("pages through a list with cursors, without repeats or gaps", async () => {
    const team = await newTeam("pages");
    for (let i = 1; i <= 5; i++) expect((await call(team.tokens.MEMBER, "POST", "/applications", { name: `App ${i}` })).status).toBe(201);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer: Awaited<ReturnType<typeof call>> = await call(team.tokens.VIEWER, "GET", `/applications?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(answer.status).toBe(200);
      expect(answer.json.data.length).toBeLessThanOrEqual(2);
      seen.push(...answer.json.data.map((application: { name: string }) => application.name));
      cursor = answer.json.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(["App 1", "App 2", "App 3", "App 4", "App 5"]);

    const events = await call(team.tokens.VIEWER, "GET", "/audit-events?limit=3");
    expect(events.json.data).toHaveLength(3);
    expect(events.json.nextCursor).toEqual(expect.any(String));
    const next = await call(team.tokens.VIEWER, "GET", `/audit-events?limit=3&cursor=${events.json.nextCursor}`);
    const times = [...events.json.data, ...next.json.data].map((event: { createdAt: string }) => Date.parse(event.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set([...events.json.data, ...next.json.data].map((event: { id: string }) => event.id)).size).toBe(6);
  });

  it("names a bad limit or cursor", async () => {
    const badLimit = await call(alice.tokens.VIEWER, "GET", "/registries?limit=0");
    expect(badLimit.status).toBe(400);
    expect(badLimit.json.error.fields.limit).toMatch(/from 1 to 200/);
    const badCursor = await call(alice.tokens.VIEWER, "GET", "/registries?cursor=bm9wZQ");
    expect(badCursor.status).toBe(400);
    expect(badCursor.json.error.fields.cursor).toMatch(/nextCursor/);
  });
});

describe("validation", () => {
  it("names each field that needs attention, in the form's words", async () => {
    const answer = await call(alice.tokens.MEMBER, "POST", "/registries", iamRegistryBody({ hostname: "registry.example.com", roleArn: "arn:aws:iam::12:role/x", name: "Not Valid" }));
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe("invalid_input");
    expect(Object.keys(answer.json.error.fields).sort()).toEqual(["hostname", "name", "roleArn"]);
    expect(answer.json.error.fields.name).toMatch(/lower-case letters/);
    const missing = await call(alice.tokens.MEMBER, "POST", "/applications", {});
    expect(missing.json.error.fields.name).toBeDefined();
    const badKey = await call(alice.tokens.MEMBER, "POST", "/registries", accessKeyRegistryBody({ secretAccessKey: "short" }));
    expect(badKey.json.error.fields.secretAccessKey).toMatch(/40 characters/);
    expect(badKey.text).not.toContain("short\"");
  });

  it("refuses a body that is not JSON, is malformed, or is too large", async () => {
    expect((await call(alice.tokens.MEMBER, "POST", "/applications", "name=x", { "content-type": "application/x-www-form-urlencoded" })).json.error.code).toBe("unsupported_media_type");
    const malformed = await call(alice.tokens.MEMBER, "POST", "/applications", "{\"name\":");
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.message).toMatch(/not valid JSON/);
    const large = await call(alice.tokens.MEMBER, "POST", "/applications", { name: "x", padding: "x".repeat(70 * 1024) });
    expect(large.status).toBe(413);
    expect(large.json.error.code).toBe("payload_too_large");
  });

  it("answers 409 for a registry name the team already uses", async () => {
    const team = await newTeam("names");
    expect((await call(team.tokens.MEMBER, "POST", "/registries", iamRegistryBody({ name: "prod" }))).status).toBe(201);
    const clash = await call(team.tokens.MEMBER, "POST", "/registries", iamRegistryBody({ name: "prod" }));
    expect(clash.status).toBe(409);
    expect(clash.json.error.fields.name).toMatch(/already called prod/);
  });
});

describe("registries", () => {
  it("returns an IAM registry with its trust policy, permissions policy and setup commands", async () => {
    const created = await call(alice.tokens.MEMBER, "POST", "/registries", iamRegistryBody({ name: "iam-ecr" }));
    expect(created.status).toBe(201);
    const registry = created.json.data;
    const team = await prisma.team.findUniqueOrThrow({ where: { id: alice.teamId } });
    expect(registry).toMatchObject({ authType: "iam_role", roleArn: ROLE_ARN, testStatus: "never", status: { kind: "never" }, oidc: { subject: team.publicId, audience: "sts.amazonaws.com" } });
    const condition = registry.setup.trustPolicy.Statement[0].Condition.StringEquals;
    expect(Object.entries(condition).find(([key]) => key.endsWith(":sub"))?.[1]).toBe(team.publicId);
    expect(registry.setup.permissionsPolicy.Statement.map((statement: { Sid: string }) => statement.Sid)).toEqual(["EcrLogin", "EcrPull"]);
    expect(registry.setup.commands.map((command: { id: string }) => command.id)).toEqual(["provider", "role", "permissions"]);
    expect((await call(alice.tokens.VIEWER, "GET", `/registries/${registry.id}/test`)).json).toEqual({ data: null });
  });

  it("accepts an access key on write and never returns it (canary), on create, read, list, update, key replacement and the audit log", async () => {
    const team = await newTeam("canary");
    const created = await call(team.tokens.MEMBER, "POST", "/registries", accessKeyRegistryBody({ name: "keyed" }));
    expect(created.status).toBe(201);
    const id = created.json.data.id;
    expect(created.json.data.accessKeyIdMasked).toMatch(/^AKIA…/);
    const answers = [
      created,
      await call(team.tokens.VIEWER, "GET", `/registries/${id}`),
      await call(team.tokens.VIEWER, "GET", "/registries"),
      await call(team.tokens.MEMBER, "PUT", `/registries/${id}`, accessKeyRegistryBody({ name: "keyed-2", accessKeyId: "", secretAccessKey: "", replaceAccessKey: false })),
      await call(team.tokens.MEMBER, "PUT", `/registries/${id}/credentials`, { accessKeyId: "AKIACANARYAPI0000002", secretAccessKey: NEW_SECRET }),
      await call(team.tokens.MEMBER, "PUT", `/registries/${id}/app-access`, { allApplications: true, applicationIds: [] }),
      await call(team.tokens.VIEWER, "GET", "/audit-events?limit=200"),
    ];
    for (const answer of answers) {
      expect(answer.status).toBeLessThan(300);
      for (const secret of [SECRET, NEW_SECRET, ACCESS_KEY_ID, "AKIACANARYAPI0000002", "encryptedCredentials", "v1:"]) expect(answer.text).not.toContain(secret);
    }
    expect(answers[4]!.json.data).toMatchObject({ accessKeyIdMasked: expect.stringMatching(/0002$/), testStatus: "never" });
    const audit = await prisma.auditEvent.findMany({ where: { teamId: team.teamId } });
    expect(JSON.stringify(audit)).not.toContain(SECRET);
    expect(JSON.stringify(audit)).not.toContain(NEW_SECRET);
  });

  it("adds a registry of every other provider with only its own fields, and never returns its secret (canary)", async () => {
    const team = await newTeam("providers");
    const TOKEN = "ghp_ApiCanaryTokenNeverReturned000000000001";
    const NEW_TOKEN = "ghp_ApiCanaryTokenNeverReturned000000000002";
    const KEY = JSON.stringify({ type: "service_account", project_id: "acme", private_key_id: "abcdef0123456789", private_key: "-----BEGIN PRIVATE KEY-----\nApiCanaryPrivateKey\n-----END PRIVATE KEY-----\n", client_email: "pull@acme.iam.gserviceaccount.com" });
    const bodies = [
      { provider: "docker-hub", hostname: "docker.io", authType: "basic", username: "acme", password: TOKEN },
      { provider: "ghcr", hostname: "ghcr.io", authType: "basic", username: "acme-bot", password: TOKEN },
      { provider: "quay", hostname: "quay.io", authType: "basic", username: "acme+pull", password: TOKEN },
      { provider: "gitlab", hostname: "registry.gitlab.com", authType: "basic", username: "gitlab+deploy-token-1", password: TOKEN },
      { provider: "google", hostname: "us-docker.pkg.dev", authType: "json_key", jsonKey: KEY },
      { provider: "azure", hostname: "acmeregistry.azurecr.io", authType: "service_principal", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", clientId: "00000000-0000-0000-0000-00000000000a", clientSecret: TOKEN },
      { provider: "generic", hostname: "harbor.example.com:8443", authType: "basic", username: "robot$app+pull", password: TOKEN, flavor: "harbor" },
      { provider: "generic", hostname: "public.example.com", authType: "anonymous" },
    ];
    const answers = [];
    for (const body of bodies) {
      const created = await call(team.tokens.MEMBER, "POST", "/registries", { ...body, name: "", allApplications: true, applicationIds: [] });
      expect(created.status, created.text).toBe(201);
      expect(created.json.data).toMatchObject({ provider: body.provider, authType: body.authType, guide: { pullScope: expect.stringContaining(":pull") } });
      answers.push(created, await call(team.tokens.VIEWER, "GET", `/registries/${created.json.data.id}`));
    }
    const ghcr = answers[2]!.json.data;
    expect(ghcr).toMatchObject({ username: "acme-bot", secretMasked: "ghp_…0001" });
    const replaced = await call(team.tokens.MEMBER, "PUT", `/registries/${ghcr.id}/credentials`, { password: NEW_TOKEN });
    expect(replaced.json.data).toMatchObject({ secretMasked: "ghp_…0002", testStatus: "never", status: { kind: "changed", label: "Not tested since change" } });
    answers.push(replaced, await call(team.tokens.VIEWER, "GET", "/registries?limit=100"), await call(team.tokens.VIEWER, "GET", "/audit-events?limit=200"));
    for (const answer of answers) {
      for (const secret of [TOKEN, NEW_TOKEN, "ApiCanaryPrivateKey", "encryptedCredentials"]) expect(answer.text).not.toContain(secret);
    }
    const wrongHost = await call(team.tokens.MEMBER, "POST", "/registries", { provider: "generic", hostname: "ghcr.io", authType: "anonymous", name: "", allApplications: true, applicationIds: [] });
    expect(wrongHost.json.error.fields.hostname).toMatch(/pick GitHub Container Registry/);
  });

  it("adds a keyless Azure registry with ABAC repository permissions: its guide assigns Container Registry Repository Reader with the condition, a merge patch keeps the mode, and a bad repository is named", async () => {
    const team = await newTeam("azure-abac");
    const body = { provider: "azure", hostname: "acmeabac.azurecr.io", authType: "federated", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", clientId: "00000000-0000-0000-0000-00000000000b", name: "", allApplications: true, applicationIds: [] };
    const created = await call(team.tokens.MEMBER, "POST", "/registries", { ...body, acrPermissionsMode: "abac", abacRepositories: "acme/app,  acme/tool" });
    expect(created.status, created.text).toBe(201);
    expect(created.json.data).toMatchObject({ acrPermissionsMode: "abac", abacRepositories: "acme/app acme/tool" });
    const commands = created.json.data.guide.steps.map((step: { command?: string }) => step.command ?? "").join("\n");
    expect(commands).toContain("--role 'Container Registry Repository Reader'");
    expect(commands).toContain("StringEqualsIgnoreCase '\\''acme/tool'\\''");
    const patched = await call(team.tokens.MEMBER, "PATCH", `/registries/${created.json.data.id}`, { name: "abac" }, { "content-type": "application/merge-patch+json" });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json.data).toMatchObject({ name: "abac", acrPermissionsMode: "abac", abacRepositories: "acme/app acme/tool" });
    const cleared = await call(team.tokens.MEMBER, "PATCH", `/registries/${created.json.data.id}`, { acrPermissionsMode: "", abacRepositories: "" }, { "content-type": "application/merge-patch+json" });
    expect(cleared.json.data).toMatchObject({ acrPermissionsMode: null, abacRepositories: null });
    expect(cleared.json.data.guide.steps.map((step: { command?: string }) => step.command ?? "").join("\n")).toContain("--role AcrPull");
    const bad = await call(team.tokens.MEMBER, "POST", "/registries", { ...body, acrPermissionsMode: "abac", abacRepositories: "Acme/App" });
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields.abacRepositories).toMatch(/"Acme\/App" is not a repository name/);
  });

  it("refuses to replace the key of a registry that has none", async () => {
    const registry = (await call(alice.tokens.MEMBER, "POST", "/registries", iamRegistryBody())).json.data;
    const answer = await call(alice.tokens.MEMBER, "PUT", `/registries/${registry.id}/credentials`, { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET });
    expect(answer.status).toBe(422);
    expect(answer.json.error.code).toBe("invalid_registry");
  });

  it("sets app access to chosen applications, and names an empty choice", async () => {
    const application = (await call(alice.tokens.MEMBER, "POST", "/applications", { name: "Access app" })).json.data;
    const registry = (await call(alice.tokens.MEMBER, "POST", "/registries", iamRegistryBody())).json.data;
    const set = await call(alice.tokens.MEMBER, "PUT", `/registries/${registry.id}/app-access`, { allApplications: false, applicationIds: [application.id] });
    expect(set.json.data).toMatchObject({ allApplications: false, applications: [{ id: application.id, name: "Access app" }], testStatus: "never" });
    const empty = await call(alice.tokens.MEMBER, "PUT", `/registries/${registry.id}/app-access`, { allApplications: false, applicationIds: [] });
    expect(empty.json.error.fields.applicationIds).toMatch(/at least one application/);
  });
});

describe("customers and licenses", () => {
  const LICENSE = /^lic_[a-z2-7]{32}$/;

  it("lets a member add, read, change, revoke, restore and regenerate; a viewer reads without ever seeing a license", async () => {
    const team = await newTeam("customers");
    const application = (await call(team.tokens.MEMBER, "POST", "/applications", { name: "Licensed" })).json.data;
    const base = `/applications/${application.id}/customers`;
    const created = await call(team.tokens.MEMBER, "POST", base, { name: "Acme", email: "Ops@Acme.example", expiresOn: "" });
    expect(created.status).toBe(201);
    expect(created.json.data).toMatchObject({ name: "Acme", email: "ops@acme.example", state: "active", expiresAt: null, applicationId: application.id });
    const license: string = created.json.data.licenseId;
    expect(license).toMatch(LICENSE);
    const customerPath = `${base}/${created.json.data.id}`;

    expect((await call(team.tokens.MEMBER, "GET", customerPath)).json.data.licenseId).toBe(license);
    expect((await call(team.tokens.ADMIN, "GET", customerPath)).json.data.licenseId).toBe(license);
    const asViewer = await call(team.tokens.VIEWER, "GET", customerPath);
    expect(asViewer.status).toBe(200);
    expect(asViewer.json.data).toMatchObject({ name: "Acme", licenseId: null });
    expect(asViewer.text).not.toContain(license);
    const listed = await call(team.tokens.VIEWER, "GET", base);
    expect(listed.json.data.map((customer: { name: string }) => customer.name)).toEqual(["Acme"]);
    expect(listed.text).not.toContain(license);
    expect((await call(team.tokens.MEMBER, "GET", base)).text).not.toContain(license);

    for (const [method, path, body] of [
      ["POST", base, { name: "Viewer's", email: "", expiresOn: "" }],
      ["PUT", customerPath, { name: "x", email: "", expiresOn: "" }],
      ["POST", `${customerPath}/revoke`],
      ["POST", `${customerPath}/restore`],
      ["POST", `${customerPath}/license`],
    ] as [string, string, unknown?][]) {
      const answer = await call(team.tokens.VIEWER, method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.json.error.message).toMatch(/This token's role \(Viewer\)/);
      expect(answer.text).not.toContain(license);
    }

    const updated = await call(team.tokens.MEMBER, "PUT", customerPath, { name: "Acme Corp", email: "", expiresOn: "2999-12-31" });
    expect(updated.status).toBe(200);
    expect(updated.json.data).toMatchObject({ name: "Acme Corp", email: null, expiresAt: "3000-01-01T00:00:00.000Z" });
    expect(updated.json.data).not.toHaveProperty("licenseId");

    const revoked = await call(team.tokens.MEMBER, "POST", `${customerPath}/revoke`);
    expect(revoked.json.data).toMatchObject({ state: "revoked", revokedAt: expect.any(String) });
    const again = await call(team.tokens.MEMBER, "POST", `${customerPath}/revoke`);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("already_revoked");
    expect((await call(team.tokens.MEMBER, "POST", `${customerPath}/restore`)).json.data).toMatchObject({ state: "active", revokedAt: null });
    expect((await call(team.tokens.MEMBER, "POST", `${customerPath}/restore`)).json.error.code).toBe("not_revoked");

    const regenerated = await call(team.tokens.MEMBER, "POST", `${customerPath}/license`);
    expect(regenerated.status).toBe(200);
    const newLicense: string = regenerated.json.data.licenseId;
    expect(newLicense).toMatch(LICENSE);
    expect(newLicense).not.toBe(license);
    expect((await call(team.tokens.MEMBER, "GET", customerPath)).json.data.licenseId).toBe(newLicense);
    // The license search of the page finds the customer by its new license only.
    expect((await call(team.tokens.VIEWER, "GET", `${base}?search=${newLicense}`)).json.data).toHaveLength(1);
    expect((await call(team.tokens.VIEWER, "GET", `${base}?search=${license}`)).json.data).toHaveLength(0);

    // Neither license is in the audit log, through the API or in the table.
    const audit = await call(team.tokens.ADMIN, "GET", "/audit-events?limit=200");
    expect(audit.json.data.map((event: { action: string }) => event.action)).toEqual(
      expect.arrayContaining(["customer.created", "customer.updated", "customer.revoked", "customer.restored", "customer.license_regenerated"]),
    );
    const stored = JSON.stringify(await prisma.auditEvent.findMany({ where: { teamId: team.teamId } }));
    for (const secret of [license, newLicense]) {
      expect(audit.text).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
  });

  it("pages through customers with cursors and the page's search", async () => {
    const team = await newTeam("customer-pages");
    const application = (await call(team.tokens.MEMBER, "POST", "/applications", { name: "Paged" })).json.data;
    const base = `/applications/${application.id}/customers`;
    for (let i = 1; i <= 5; i++) expect((await call(team.tokens.MEMBER, "POST", base, { name: `Customer ${i}`, email: i === 3 ? "three@example.com" : "", expiresOn: "" })).status).toBe(201);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const answer: Awaited<ReturnType<typeof call>> = await call(team.tokens.VIEWER, "GET", `${base}?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(answer.status).toBe(200);
      seen.push(...answer.json.data.map((customer: { name: string }) => customer.name));
      cursor = answer.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["Customer 5", "Customer 4", "Customer 3", "Customer 2", "Customer 1"]);
    expect((await call(team.tokens.VIEWER, "GET", `${base}?search=THREE@`)).json.data.map((customer: { name: string }) => customer.name)).toEqual(["Customer 3"]);
  });

  it("names each field that needs attention, in the form's words", async () => {
    const application = (await call(alice.tokens.MEMBER, "POST", "/applications", { name: "Validated customers" })).json.data;
    const base = `/applications/${application.id}/customers`;
    const bad = await call(alice.tokens.MEMBER, "POST", base, { name: " ", email: "not-an-email", expiresOn: "2001-01-01" });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("invalid_input");
    expect(bad.json.error.fields).toEqual({ name: "Enter the customer's name.", email: expect.stringMatching(/email address/), expiresOn: expect.stringMatching(/already passed/) });
    const longSearch = await call(alice.tokens.VIEWER, "GET", `${base}?search=${"x".repeat(201)}`);
    expect(longSearch.json.error.fields.search).toMatch(/at most 200/);
    const created = (await call(alice.tokens.MEMBER, "POST", base, { name: "Fine", email: "", expiresOn: "" })).json.data;
    const badUpdate = await call(alice.tokens.MEMBER, "PUT", `${base}/${created.id}`, { name: "Fine" });
    expect(Object.keys(badUpdate.json.error.fields).sort()).toEqual(["email", "expiresOn"]);
  });
});

describe("pull activity", () => {
  async function seedEvents(teamId: string, applicationId: string, customerId: string) {
    const at = (minutes: number) => new Date(Date.UTC(2026, 0, 15, 12, minutes));
    const row = (minutes: number, action: string, status: number, repository: string | null, bytes = 0) => ({
      teamId,
      applicationId,
      customerId,
      action,
      method: "GET",
      repository,
      status,
      bytes,
      durationMs: 5,
      createdAt: at(minutes),
    });
    await prisma.pullEvent.createMany({
      data: [row(1, "token", 200, null), row(2, "manifest", 200, "acme/api", 1000), row(3, "blob", 200, "acme/api", 5000), row(4, "manifest", 404, "acme/missing"), row(5, "manifest", 502, "acme/api")],
    });
  }

  it("lists an application's requests newest first, with the page's filters and cursors", async () => {
    const team = await newTeam("pulls");
    const application = (await call(team.tokens.MEMBER, "POST", "/applications", { name: "Pulled" })).json.data;
    const customer = (await call(team.tokens.MEMBER, "POST", `/applications/${application.id}/customers`, { name: "Puller", email: "", expiresOn: "" })).json.data;
    await seedEvents(team.teamId, application.id, customer.id);
    const base = `/applications/${application.id}/pull-activity`;

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const answer: Awaited<ReturnType<typeof call>> = await call(team.tokens.VIEWER, "GET", `${base}?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(answer.status).toBe(200);
      seen.push(...answer.json.data.map((event: { action: string; status: number }) => `${event.action}:${event.status}`));
      cursor = answer.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["manifest:502", "manifest:404", "blob:200", "manifest:200", "token:200"]);

    const names = async (query: string) => (await call(team.tokens.VIEWER, "GET", `${base}?${query}`)).json.data.map((event: { action: string; status: number }) => `${event.action}:${event.status}`);
    expect(await names("status=refused")).toEqual(["manifest:404"]);
    expect(await names("status=error")).toEqual(["manifest:502"]);
    expect(await names("action=manifest&image=ACME/API")).toEqual(["manifest:502", "manifest:200"]);
    expect(await names(`customer=${customer.id}&from=2026-01-15&to=2026-01-15`)).toHaveLength(5);
    expect(await names("from=2026-01-16")).toEqual([]);
    const event = (await call(team.tokens.VIEWER, "GET", `${base}?action=blob`)).json.data[0];
    expect(event).toMatchObject({ customerId: customer.id, repository: "acme/api", bytes: 5000, createdAt: "2026-01-15T12:03:00.000Z" });
  });

  it("names a bad filter instead of answering unfiltered", async () => {
    const application = (await call(alice.tokens.MEMBER, "POST", "/applications", { name: "Filtered" })).json.data;
    const answer = await call(alice.tokens.VIEWER, "GET", `/applications/${application.id}/pull-activity?status=fine&action=push&from=2026-02-30x&limit=0`);
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.json.error.fields).sort()).toEqual(["action", "from", "limit", "status"]);
    expect(answer.json.error.fields.status).toMatch(/success, refused, error/);
    expect(answer.json.error.fields.from).toMatch(/date like 2026-01-31/);
    const badCursor = await call(alice.tokens.VIEWER, "GET", `/applications/${application.id}/pull-activity?cursor=${Buffer.from("1:abc").toString("base64url")}`);
    expect(badCursor.json.error.fields.cursor).toMatch(/nextCursor/);
  });

  it("gives a customer's daily totals as its page shows them", async () => {
    const team = await newTeam("totals");
    const application = (await call(team.tokens.MEMBER, "POST", "/applications", { name: "Totalled" })).json.data;
    const customer = (await call(team.tokens.MEMBER, "POST", `/applications/${application.id}/customers`, { name: "Counted", email: "", expiresOn: "" })).json.data;
    const now = new Date();
    await prisma.pullEvent.createMany({
      data: [200, 200, 404].map((status) => ({ teamId: team.teamId, applicationId: application.id, customerId: customer.id, action: "manifest", method: "GET", repository: "acme/api", status, bytes: 100, durationMs: 1, createdAt: now })),
    });
    const answer = await call(team.tokens.VIEWER, "GET", `/applications/${application.id}/customers/${customer.id}/daily-totals?days=7`);
    expect(answer.status).toBe(200);
    expect(answer.json.data).toEqual([{ day: now.toISOString().slice(0, 10), pulls: 2, bytes: 300, requests: 3, failed: 1 }]);
    expect((await call(team.tokens.VIEWER, "GET", `/applications/${application.id}/customers/${customer.id}/daily-totals?days=0`)).json.error.fields.days).toMatch(/from 1 to 90/);
  });
});

describe("tenancy of customers and pull activity", () => {
  it("answers 404 to another team, and to a customer asked for under another application", async () => {
    const application = (await call(alice.tokens.MEMBER, "POST", "/applications", { name: "Alice's licensed" })).json.data;
    const other = (await call(alice.tokens.MEMBER, "POST", "/applications", { name: "Alice's other" })).json.data;
    const base = `/applications/${application.id}/customers`;
    const customer = (await call(alice.tokens.MEMBER, "POST", base, { name: "Secret customer", email: "", expiresOn: "" })).json.data;
    const customerPath = `${base}/${customer.id}`;
    const attempts: [string, string, unknown?][] = [
      ["GET", base],
      ["POST", base, { name: "Smuggled", email: "", expiresOn: "" }],
      ["GET", customerPath],
      ["PUT", customerPath, { name: "pwned", email: "", expiresOn: "" }],
      ["POST", `${customerPath}/revoke`],
      ["POST", `${customerPath}/restore`],
      ["POST", `${customerPath}/license`],
      ["GET", `${customerPath}/daily-totals`],
      ["GET", `/applications/${application.id}/pull-activity`],
    ];
    for (const [method, path, body] of attempts) {
      const answer = await call(bob.tokens.ADMIN, method, path, body);
      expect(answer.status, `bob: ${method} ${path}`).toBe(404);
      expect(answer.json.error.code).toBe("not_found");
      expect(answer.text).not.toContain("Secret customer");
      expect(answer.text).not.toContain(customer.licenseId);
    }
    // The customer exists in Alice's team, but not under her other application.
    for (const [method, path, body] of attempts.slice(2, 8)) {
      const moved = path.replace(application.id, other.id);
      expect((await call(alice.tokens.ADMIN, method, moved, body)).status, `alice: ${method} ${moved}`).toBe(404);
    }
    const after = (await call(alice.tokens.MEMBER, "GET", customerPath)).json.data;
    expect(after).toMatchObject({ name: "Secret customer", state: "active", licenseId: customer.licenseId });
    expect(await prisma.customer.count({ where: { applicationId: application.id } })).toBe(1);
  });
});

describe("audit", () => {
  it("records every call with the token as actor, and what it changed", async () => {
    const team = await newTeam("audit");
    const tokenRow = await prisma.apiToken.findFirstOrThrow({ where: { teamId: team.teamId, name: "audit-member" } });
    const created = await call(team.tokens.MEMBER, "POST", "/applications", { name: "Audited" });
    await call(team.tokens.MEMBER, "GET", `/applications/${created.json.data.id}`);
    await call(team.tokens.MEMBER, "GET", "/tokens"); // refused: still a call
    const events = await prisma.auditEvent.findMany({ where: { teamId: team.teamId, actorTokenId: tokenRow.id }, orderBy: { createdAt: "asc" } });
    expect(events.map((event) => event.action)).toEqual(["application.created", "api.request", "api.request", "api.request"]);
    expect(events.every((event) => event.actorUserId === null && event.actorEmail === null)).toBe(true);
    expect(events.filter((event) => event.action === "api.request").map((event) => (event.metadata as { status: number }).status)).toEqual([201, 200, 403]);
    const listed = (await call(team.tokens.VIEWER, "GET", "/audit-events?limit=20")).json.data as { action: string; actor: { type: string; name?: string } }[];
    expect(listed.find((event) => event.action === "application.created")?.actor).toEqual({ type: "token", tokenId: tokenRow.id, name: "audit-member" });
    const used = await prisma.apiToken.findFirstOrThrow({ where: { id: tokenRow.id } });
    expect(used.lastUsedAt).toBeInstanceOf(Date);
  });
});

describe("rate limit", () => {
  it("answers 429 with Retry-After once a token has used its requests for the minute; other tokens are unaffected", async () => {
    process.env.API_RATE_LIMIT_PER_MINUTE = "5";
    resetEnvCache();
    try {
      const team = await newTeam("limits");
      // Near the end of a minute the window could reset mid-test; start in a fresh one.
      const intoMinute = Date.now() % 60_000;
      if (intoMinute > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 100));
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await call(team.tokens.VIEWER, "GET", "/token"));
      expect(answers.slice(0, 5).map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
      expect(answers[4]!.headers.get("ratelimit-remaining")).toBe("0");
      const limited = answers[5]!;
      expect(limited.status).toBe(429);
      expect(limited.json.error.code).toBe("rate_limited");
      const retryAfter = Number(limited.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect((await call(team.tokens.MEMBER, "GET", "/token")).status).toBe(200);
    } finally {
      delete process.env.API_RATE_LIMIT_PER_MINUTE;
      resetEnvCache();
    }
  }, 90_000);
});

describe("unknown paths", () => {
  it("answer a JSON 404 that points at the OpenAPI document", async () => {
    const answer = await call(alice.tokens.VIEWER, "GET", "/registries/x/nothing-here");
    expect(answer.status).toBe(404);
    expect(answer.json.error).toMatchObject({ code: "not_found" });
    expect(answer.json.error.message).toContain("/api/v1/openapi.json");
  });
});
