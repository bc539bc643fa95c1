// The REST API's HTTP details over real HTTP against the real Postgres: safe
// retries with Idempotency-Key, JSON merge patches, ETags with If-Match and
// If-None-Match, 405 with Allow, and the 401 challenge.
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { sweepExpiredIdempotencyKeys } from "@/lib/api/idempotency";
import { prisma } from "@/lib/db";
import { newApiTeam, newApiToken, apiServerForFile } from "@/test/support/api-client";
import { useIsolatedDatabase } from "@/test/support/isolated-database";

const MERGE_PATCH = { "content-type": "application/merge-patch+json" };
const GHCR_TOKEN = "ghp_HttpSemanticsCanary00000000000000000001";
const NEW_GHCR_TOKEN = "ghp_HttpSemanticsCanary00000000000000000002";

interface Team {
  teamId: string;
  member: string;
  viewer: string;
  otherMember: string;
}

async function newTeam(label: string): Promise<Team> {
  const team = await newApiTeam(label);
  return { teamId: team.teamId, member: team.tokens.MEMBER, viewer: team.tokens.VIEWER, otherMember: await newApiToken(team, "MEMBER", `${label}-other-member`) };
}

const { call } = apiServerForFile(() => useIsolatedDatabase("api_http_semantics"));

const waitUntil = async (condition: () => boolean, what: string) => {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/**
 * Holds every read of the applications table (this file has a database of its
 * own) until released: adding a customer reads its application first, outside
 * any transaction, so the request that runs waits there, however long.
 */
async function holdApplicationReads(): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query("BEGIN");
  await client.query(`LOCK TABLE "Application" IN ACCESS EXCLUSIVE MODE`);
  return async () => {
    await client.query("COMMIT");
    await client.end();
  };
}

let team: Team;

beforeAll(async () => {
  team = await newTeam("main");
});

async function newApplication(name: string) {
  return (await call(team.member, "POST", "/applications", { name })).json.data as { id: string };
}

describe("Idempotency-Key", () => {
  it("runs a create retried 20 times at once exactly once, and answers all 20 retries alike", async () => {
    const application = await newApplication("Retried");
    const path = `/applications/${application.id}/customers`;
    const body = { name: "Acme", email: "ops@acme.example" };
    const key = crypto.randomUUID();
    // The first request to claim the key is held at its insert until the lock is released.
    const release = await holdApplicationReads();
    const first: Awaited<ReturnType<typeof call>>[] = [];
    const requests = Array.from({ length: 20 }, () => call(team.member, "POST", path, body, { "idempotency-key": key }).then((answer) => (first.push(answer), answer)));
    await waitUntil(() => first.length === 19, "19 requests were answered while the first runs");
    const refused = first.slice();
    expect(refused.map((answer) => answer.status)).toEqual(Array(19).fill(409));
    for (const answer of refused) {
      expect(answer.json.error.code).toBe("idempotency_key_in_progress");
      expect(answer.headers.get("retry-after")).toBe("1");
    }
    await release();
    const [created] = await Promise.all(requests).then((answers) => answers.filter((answer) => answer.status !== 409));
    expect(created!.status).toBe(201);

    // Each client retries after Retry-After, all at once.
    const retries = await Promise.all(refused.map(() => call(team.member, "POST", path, body, { "idempotency-key": key })));
    const answers = [created!, ...retries];
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(201));
    expect(new Set(answers.map((answer) => answer.text)).size).toBe(1);
    expect(new Set(answers.map((answer) => answer.headers.get("etag"))).size).toBe(1);
    expect(retries.every((answer) => answer.headers.get("idempotent-replayed") === "true")).toBe(true);
    expect(created!.headers.get("idempotent-replayed")).toBeNull();
    expect(created!.json.data.licenseId).toMatch(/^lic_/);

    expect(await prisma.customer.count({ where: { applicationId: application.id } })).toBe(1);
    expect(await prisma.auditEvent.count({ where: { teamId: team.teamId, action: "customer.created", targetId: created!.json.data.id } })).toBe(1);
    // The kept answer holds the license ID: it is stored encrypted.
    const stored = await prisma.apiIdempotencyKey.findMany({ where: { key } });
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(created!.json.data.licenseId);
  });

  it("refuses the same key with another body or on another path, and changes nothing", async () => {
    const application = await newApplication("Reused key");
    const path = `/applications/${application.id}/customers`;
    const key = crypto.randomUUID();
    expect((await call(team.member, "POST", path, { name: "First", email: "" }, { "idempotency-key": key })).status).toBe(201);
    // The same body with its keys in another order is the same request.
    expect((await call(team.member, "POST", path, { email: "", name: "First" }, { "idempotency-key": key })).headers.get("idempotent-replayed")).toBe("true");
    const other = await call(team.member, "POST", path, { name: "Second", email: "" }, { "idempotency-key": key });
    expect(other.status).toBe(422);
    expect(other.json.error.code).toBe("idempotency_key_reused");
    expect(other.json.error.message).toMatch(/new key/);
    const elsewhere = await call(team.member, "POST", "/applications", { name: "Elsewhere" }, { "idempotency-key": key });
    expect(elsewhere.json.error.code).toBe("idempotency_key_reused");
    expect((await prisma.customer.findMany({ where: { applicationId: application.id } })).map((customer) => customer.name)).toEqual(["First"]);
    expect(await prisma.application.count({ where: { teamId: team.teamId, name: "Elsewhere" } })).toBe(0);
  });

  it("keys per token: another token's request with the same key runs on its own", async () => {
    const key = crypto.randomUUID();
    const mine = await call(team.member, "POST", "/applications", { name: "Per token" }, { "idempotency-key": key });
    const theirs = await call(team.otherMember, "POST", "/applications", { name: "Per token" }, { "idempotency-key": key });
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.json.data.id).not.toBe(mine.json.data.id);
  });

  it("does not keep a refusal of the request as it stands, so the retry with the same key runs once it is fixed", async () => {
    const key = crypto.randomUUID();
    const refused = await call(team.member, "POST", "/applications", { name: " " }, { "idempotency-key": key });
    expect(refused.status).toBe(400);
    const corrected = await call(team.member, "POST", "/applications", { name: "Corrected" }, { "idempotency-key": key });
    expect(corrected.status).toBe(201);
    expect(corrected.headers.get("idempotent-replayed")).toBeNull();

    // Nor a conflict with the object's state: once it is resolved, the retry runs.
    const application = await newApplication("Conflicted");
    const customer = (await call(team.member, "POST", `/applications/${application.id}/customers`, { name: "Revocable" })).json.data;
    const revoke = `/applications/${application.id}/customers/${customer.id}/revoke`;
    expect((await call(team.member, "POST", revoke)).status).toBe(200);
    const revokeKey = crypto.randomUUID();
    expect((await call(team.member, "POST", revoke, undefined, { "idempotency-key": revokeKey })).json.error.code).toBe("already_revoked");
    expect((await call(team.member, "POST", `/applications/${application.id}/customers/${customer.id}/restore`)).status).toBe(200);
    const retried = await call(team.member, "POST", revoke, undefined, { "idempotency-key": revokeKey });
    expect(retried.status).toBe(200);
    expect(retried.json.data.state).toBe("revoked");
  });

  it("replays a DELETE instead of answering 404 the second time", async () => {
    const application = await newApplication("Deleted once");
    const key = crypto.randomUUID();
    const first = await call(team.member, "DELETE", `/applications/${application.id}`, undefined, { "idempotency-key": key });
    const again = await call(team.member, "DELETE", `/applications/${application.id}`, undefined, { "idempotency-key": key });
    expect([first.status, again.status]).toEqual([204, 204]);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await call(team.member, "DELETE", `/applications/${application.id}`)).status).toBe(404);
  });

  it("names a key that is too long, not printable ASCII or empty", async () => {
    for (const key of ["k".repeat(256), "clé-1", ""]) {
      const answer = await call(team.member, "POST", "/applications", { name: "Bad key" }, { "idempotency-key": key });
      expect(answer.status, key).toBe(400);
      expect(answer.json.error.fields["Idempotency-Key"], key).toMatch(/Printable ASCII, 1 to 255 characters/);
    }
    expect((await call(team.member, "POST", "/applications", { name: "Good key" }, { "idempotency-key": "k".repeat(255) })).status).toBe(201);
    expect(await prisma.application.count({ where: { teamId: team.teamId, name: "Bad key" } })).toBe(0);
  });

  it("forgets answers after 24 hours: expired keys run again and are swept", async () => {
    const key = crypto.randomUUID();
    const first = await call(team.member, "POST", "/applications", { name: "Expiring" }, { "idempotency-key": key });
    await prisma.apiIdempotencyKey.updateMany({ where: { key }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const later = await call(team.member, "POST", "/applications", { name: "Expiring" }, { "idempotency-key": key });
    expect(later.status).toBe(201);
    expect(later.json.data.id).not.toBe(first.json.data.id);
    await prisma.apiIdempotencyKey.updateMany({ where: { key }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await sweepExpiredIdempotencyKeys()).toBeGreaterThanOrEqual(1);
    expect(await prisma.apiIdempotencyKey.count({ where: { key } })).toBe(0);
  });
});

describe("ETag, If-Match and If-None-Match", () => {
  it("refuses a write with a stale ETag (412) and writes nothing; the current ETag passes", async () => {
    const application = await newApplication("Versioned");
    const customer = (await call(team.member, "POST", `/applications/${application.id}/customers`, { name: "Versioned customer" })).json.data;
    const path = `/applications/${application.id}/customers/${customer.id}`;
    const read = await call(team.member, "GET", path);
    const etag = read.headers.get("etag")!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);

    const changed = await call(team.member, "PATCH", path, { name: "Changed by someone else" }, { ...MERGE_PATCH, "if-match": etag });
    expect(changed.status).toBe(200);
    const newEtag = changed.headers.get("etag")!;
    expect(newEtag).not.toBe(etag);
    expect((await call(team.member, "GET", path)).headers.get("etag")).toBe(newEtag);

    const before = await prisma.customer.findUniqueOrThrow({ where: { id: customer.id } });
    for (const [method, body, headers] of [
      ["PATCH", { name: "Lost update" }, MERGE_PATCH],
      ["PUT", { name: "Lost update", email: "", expiresOn: "" }, {}],
    ] as const) {
      const stale = await call(team.member, method, path, body, { ...headers, "if-match": etag });
      expect(stale.status, method).toBe(412);
      expect(stale.json.error.code).toBe("precondition_failed");
      expect(stale.json.error.message).toMatch(/Read it again/);
    }
    const after = await prisma.customer.findUniqueOrThrow({ where: { id: customer.id } });
    expect(after).toEqual(before);
    expect(await prisma.auditEvent.count({ where: { teamId: team.teamId, action: "customer.updated", targetId: customer.id } })).toBe(1);
    // A weak tag never matches If-Match; "*" matches whatever the version.
    expect((await call(team.member, "PATCH", path, { name: "Weak" }, { ...MERGE_PATCH, "if-match": `W/${newEtag}` })).status).toBe(412);
    expect((await call(team.member, "PATCH", path, { name: "Any version" }, { ...MERGE_PATCH, "if-match": "*" })).status).toBe(200);
  });

  it("lets exactly one of several writers holding the same ETag through", async () => {
    const application = await newApplication("Raced");
    const read = await call(team.member, "GET", `/applications/${application.id}`);
    const etag = read.headers.get("etag")!;
    const names = Array.from({ length: 6 }, (_, i) => `Writer ${i}`);
    const answers = await Promise.all(names.map((name) => call(team.member, "PATCH", `/applications/${application.id}`, { name }, { ...MERGE_PATCH, "if-match": etag })));
    const winners = answers.filter((answer) => answer.status === 200);
    expect(winners).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 412)).toHaveLength(names.length - 1);
    expect((await prisma.application.findUniqueOrThrow({ where: { id: application.id } })).name).toBe(winners[0]!.json.data.name);
  });

  it("refuses a DELETE with a stale ETag and keeps the registry", async () => {
    const created = await call(team.member, "POST", "/registries", { provider: "generic", name: "", hostname: "public.example.com", authType: "anonymous", allApplications: true, applicationIds: [] });
    const id = created.json.data.id;
    const etag = created.headers.get("etag")!;
    expect((await call(team.member, "GET", `/registries/${id}`)).headers.get("etag")).toBe(etag);
    expect((await call(team.member, "PATCH", `/registries/${id}`, { name: "renamed" }, MERGE_PATCH)).status).toBe(200);
    const stale = await call(team.member, "DELETE", `/registries/${id}`, undefined, { "if-match": etag });
    expect(stale.status).toBe(412);
    expect(await prisma.registry.count({ where: { id } })).toBe(1);
    const current = (await call(team.member, "GET", `/registries/${id}`)).headers.get("etag")!;
    expect((await call(team.member, "DELETE", `/registries/${id}`, undefined, { "if-match": current })).status).toBe(204);
  });

  it("holds a registry's secret rotation and app access to If-Match too", async () => {
    const created = await call(team.member, "POST", "/registries", { provider: "ghcr", name: "", hostname: "ghcr.io", authType: "basic", username: "acme-bot", password: GHCR_TOKEN, allApplications: true, applicationIds: [] });
    const id = created.json.data.id;
    const etag = created.headers.get("etag")!;
    const rotated = await call(team.member, "PUT", `/registries/${id}/credentials`, { password: NEW_GHCR_TOKEN }, { "if-match": etag });
    expect(rotated.status).toBe(200);
    expect(rotated.json.data.secretMasked).toBe("ghp_…0002");
    const stale = await call(team.member, "PUT", `/registries/${id}/app-access`, { allApplications: false, applicationIds: [(await newApplication("Access")).id] }, { "if-match": etag });
    expect(stale.status).toBe(412);
    expect((await call(team.member, "GET", `/registries/${id}`)).json.data.allApplications).toBe(true);
    const fresh = await call(team.member, "PUT", `/registries/${id}/credentials`, { password: GHCR_TOKEN }, { "if-match": etag });
    expect(fresh.status).toBe(412);
    expect((await call(team.member, "GET", `/registries/${id}`)).json.data.secretMasked).toBe("ghp_…0002");
  });

  it("answers 304 without a body to If-None-Match with the current ETag, and the object once it changed", async () => {
    const application = await newApplication("Cached");
    const path = `/applications/${application.id}`;
    const etag = (await call(team.viewer, "GET", path)).headers.get("etag")!;
    const cached = await call(team.viewer, "GET", path, undefined, { "if-none-match": `"other", ${etag}` });
    expect(cached.status).toBe(304);
    expect(cached.text).toBe("");
    expect(cached.headers.get("etag")).toBe(etag);
    await call(team.member, "PATCH", path, { name: "Cached 2" }, MERGE_PATCH);
    const fresh = await call(team.viewer, "GET", path, undefined, { "if-none-match": etag });
    expect(fresh.status).toBe(200);
    expect(fresh.json.data.name).toBe("Cached 2");
  });
});

describe("PATCH (JSON merge patch)", () => {
  it("changes only the fields named in a customer, and null empties email or expiry", async () => {
    const application = await newApplication("Patched customers");
    const customer = (await call(team.member, "POST", `/applications/${application.id}/customers`, { name: "Globex", email: "it@globex.example", expiresOn: "2999-12-31" })).json.data;
    const path = `/applications/${application.id}/customers/${customer.id}`;
    const patched = await call(team.member, "PATCH", path, { email: "ops@globex.example" }, MERGE_PATCH);
    expect(patched.status).toBe(200);
    expect(patched.json.data).toMatchObject({ name: "Globex", email: "ops@globex.example", expiresAt: "3000-01-01T00:00:00.000Z" });
    const emptied = await call(team.member, "PATCH", path, { expiresOn: null }, MERGE_PATCH);
    expect(emptied.json.data).toMatchObject({ name: "Globex", email: "ops@globex.example", expiresAt: null });
    const license = (await call(team.member, "GET", path)).json.data.licenseId;
    expect(license).toBe(customer.licenseId);
  });

  it("holds a patch to the form's rules, refuses unknown fields and other media types", async () => {
    const application = await newApplication("Patch rules");
    const path = `/applications/${application.id}`;
    const blank = await call(team.member, "PATCH", path, { name: " " }, MERGE_PATCH);
    expect(blank.status).toBe(400);
    expect(blank.json.error.fields.name).toBe("Enter an application name.");
    const typo = await call(team.member, "PATCH", path, { nmae: "Typo" }, MERGE_PATCH);
    expect(typo.status).toBe(400);
    expect(typo.json.error.fields.nmae).toMatch(/Unknown field. The fields are: name/);
    const notObject = await call(team.member, "PATCH", path, ["name"], MERGE_PATCH);
    expect(notObject.json.error.message).toMatch(/JSON object/);
    const json = await call(team.member, "PATCH", path, { name: "Plain JSON" });
    expect(json.status).toBe(415);
    expect(json.json.error.code).toBe("unsupported_media_type");
    expect(json.headers.get("accept-patch")).toBe("application/merge-patch+json");
    expect((await call(team.member, "GET", path)).json.data.name).toBe("Patch rules");
  });

  it("keeps a registry's secret through a patch of its name, and asks for it again when the host changes", async () => {
    const created = await call(team.member, "POST", "/registries", { provider: "generic", name: "harbor", hostname: "harbor.example.com", authType: "basic", username: "robot$pull", password: GHCR_TOKEN, flavor: "harbor", allApplications: true, applicationIds: [] });
    expect(created.status, created.text).toBe(201);
    const registry = created.json.data;
    const path = `/registries/${registry.id}`;
    const renamed = await call(team.member, "PATCH", path, { name: "harbor-prod" }, MERGE_PATCH);
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.json.data).toMatchObject({ name: "harbor-prod", hostname: "harbor.example.com", username: "robot$pull", secretMasked: registry.secretMasked, flavor: "harbor", authType: "basic" });

    const moved = await call(team.member, "PATCH", path, { hostname: "harbor.attacker.example" }, MERGE_PATCH);
    expect(moved.status).toBe(400);
    expect(moved.json.error.fields.password).toMatch(/hostname changed/);
    expect((await call(team.member, "GET", path)).json.data.hostname).toBe("harbor.example.com");

    const withSecret = await call(team.member, "PATCH", path, { hostname: "harbor2.example.com", password: NEW_GHCR_TOKEN }, MERGE_PATCH);
    expect(withSecret.status, withSecret.text).toBe(200);
    expect(withSecret.json.data).toMatchObject({ hostname: "harbor2.example.com", name: "harbor-prod", secretMasked: "ghp_…0002", testStatus: "never" });
    for (const answer of [created, renamed, moved, withSecret]) for (const secret of [GHCR_TOKEN, NEW_GHCR_TOKEN]) expect(answer.text).not.toContain(secret);
  });

  it("refuses a viewer's patch and another team's", async () => {
    const application = await newApplication("Guarded patch");
    expect((await call(team.viewer, "PATCH", `/applications/${application.id}`, { name: "Viewer" }, MERGE_PATCH)).status).toBe(403);
    const outsider = await newTeam("outsider");
    expect((await call(outsider.member, "PATCH", `/applications/${application.id}`, { name: "Outsider" }, MERGE_PATCH)).status).toBe(404);
    expect((await call(team.member, "GET", `/applications/${application.id}`)).json.data.name).toBe("Guarded patch");
  });
});

describe("optional customer fields", () => {
  it("adds a customer with a name only: no email, no expiry", async () => {
    const application = await newApplication("Name only");
    const created = await call(team.member, "POST", `/applications/${application.id}/customers`, { name: "Initech" });
    expect(created.status).toBe(201);
    expect(created.json.data).toMatchObject({ name: "Initech", email: null, expiresAt: null, state: "active" });
  });
});

describe("405 and 401", () => {
  it("answers an unsupported method with 405, the Allow header and the JSON error body", async () => {
    const cases: [string, string, string][] = [
      ["DELETE", "/applications", "GET, HEAD, OPTIONS, POST"],
      ["PUT", "/token", "GET, HEAD, OPTIONS"],
      ["POST", "/openapi.json", "GET, HEAD, OPTIONS"],
      ["GET", "/registries/x/credentials", "OPTIONS, PUT"],
    ];
    for (const [method, path, allow] of cases) {
      const answer = await call(team.member, method, path);
      expect(answer.status, `${method} ${path}`).toBe(405);
      expect(answer.headers.get("allow")).toBe(allow);
      expect(answer.headers.get("content-type")).toMatch(/application\/json/);
      expect(answer.json.error.code).toBe("method_not_allowed");
      expect(answer.json.error.message).toContain(`Allowed: ${allow}`);
    }
    const options = await call(null, "OPTIONS", "/registries/x");
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe("DELETE, GET, HEAD, OPTIONS, PATCH, PUT");
    expect(options.headers.get("accept-patch")).toBe("application/merge-patch+json");
  });

  it("challenges with WWW-Authenticate: Bearer, and error=invalid_token when a token was sent", async () => {
    const missing = await call(null, "GET", "/applications");
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="Registry portal API"');
    const invalid = await call(null, "GET", "/applications", undefined, { authorization: "Bearer rp_not-a-real-token" });
    expect(invalid.status).toBe(401);
    expect(invalid.headers.get("www-authenticate")).toBe('Bearer realm="Registry portal API", error="invalid_token"');
    expect(invalid.json.error.code).toBe("unauthorized");
  });
});
