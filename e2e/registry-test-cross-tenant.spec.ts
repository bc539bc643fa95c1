// The Test's route over real HTTP with real sessions: another team's registry
// is a 404 that runs nothing, viewers and cross-site requests are refused, a
// bad image is named, the eleventh test in a minute is a 429, and the stream
// the browser receives holds no token, secret or temporary credential.
import { randomUUID } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import { addTeamMember, createVendor, expect, signedInContext, test, type Vendor } from "./support/fixtures";
import { applyServerEnvironment, readE2eEnvironment } from "./support/environment";
import { E2E_FIXTURE_IMAGE } from "./support/constants";
import { VendorAws } from "./support/vendor-aws";

const environment = readE2eEnvironment();
const account = environment.localAws.accounts[0]!;
const HOSTNAME = `${account.accountId}.dkr.ecr.${E2E_FIXTURE_IMAGE.region}.amazonaws.com`;

async function accessKeyRegistry(vendor: Vendor, credentials: { accessKeyId: string; secretAccessKey: string }): Promise<string> {
  applyServerEnvironment();
  const [{ createRegistry }, { ZCreateRegistryInput }] = await Promise.all([import("@/lib/registries/service"), import("@/lib/registries/schema")]);
  const input = ZCreateRegistryInput.parse({ provider: "ecr", name: "", hostname: HOSTNAME, authType: "access_key", roleArn: "", allApplications: true, applicationIds: [], ...credentials });
  return (await createRegistry(vendor.teamId, { userId: vendor.userId, email: vendor.email }, input)).id;
}

function postTest(request: APIRequestContext, registryId: string, body: unknown = {}, origin: string | null = environment.baseUrl) {
  return request.post(`/api/registries/${registryId}/test`, { data: body, headers: origin ? { origin } : {} });
}

test("the Test route refuses other teams, viewers, cross-site requests and bad input, rate-limits, and streams no secret", async ({ browser }) => {
  test.setTimeout(90_000);
  const alice = await createVendor("alice");
  const bob = await createVendor("bob");
  const viewer = await addTeamMember(alice, "VIEWER");
  const key = await new VendorAws(environment.localAws.url, account).createUserWithKey(`stream-${randomUUID().slice(0, 8)}`);
  const registryId = await accessKeyRegistry(alice, key);
  const [aliceContext, bobContext, viewerContext] = await Promise.all([signedInContext(browser, alice), signedInContext(browser, bob), signedInContext(browser, viewer)]);

  // Bob, with Alice's registry ID: a 404 that says nothing about it, and no test runs.
  const foreign = await postTest(bobContext.request, registryId);
  expect(foreign.status()).toBe(404);
  expect(await foreign.text()).not.toContain(HOSTNAME);

  // Alice's viewer: can see, cannot run.
  const asViewer = await postTest(viewerContext.request, registryId);
  expect(asViewer.status()).toBe(403);
  expect((await asViewer.json()).error.code).toBe("forbidden");

  // Alice herself, but from another site (or without an Origin): refused.
  expect((await postTest(aliceContext.request, registryId, {}, "https://evil.example")).status()).toBe(403);
  expect((await postTest(aliceContext.request, registryId, {}, null)).status()).toBe(403);

  // A bad image is named next to its field.
  const invalid = await postTest(aliceContext.request, registryId, { image: "Not An Image" });
  expect(invalid.status()).toBe(400);
  expect((await invalid.json()).error.fieldErrors.image).toMatch(/repository:tag/);

  // A real run: newline-delimited steps, then the verdict; nothing secret in the stream.
  const run = await postTest(aliceContext.request, registryId, { image: `${E2E_FIXTURE_IMAGE.repository}:${E2E_FIXTURE_IMAGE.tag}` });
  expect(run.status()).toBe(200);
  expect(run.headers()["content-type"]).toContain("application/x-ndjson");
  const stream = await run.text();
  const events = stream.trim().split("\n").map((line) => JSON.parse(line) as { type: string; result?: { verdict: string } });
  expect(events.at(-1)).toMatchObject({ type: "result", result: { verdict: "verified" } });
  expect(events.filter((event) => event.type === "step").length).toBeGreaterThanOrEqual(8);
  expect(stream).not.toContain(key.secretAccessKey);
  expect(stream).not.toContain(key.accessKeyId);
  expect(stream).not.toMatch(/ASIA[A-Z0-9]{16}|eyJ[\w-]+\.[\w-]+\./);

  // Ten tests a minute per team: this was the first, nine more pass, the eleventh is a 429.
  for (let i = 0; i < 9; i++) expect((await postTest(aliceContext.request, registryId)).status()).toBe(200);
  const limited = await postTest(aliceContext.request, registryId);
  expect(limited.status()).toBe(429);
  expect(Number(limited.headers()["retry-after"])).toBeGreaterThan(0);
  expect((await limited.json()).error.message).toMatch(/10 tests in the last minute.*Try again in \d+ s/);
  // Bob's team has its own budget (and still cannot reach Alice's registry).
  expect((await postTest(bobContext.request, registryId)).status()).toBe(404);

  await Promise.all([aliceContext.close(), bobContext.close(), viewerContext.close()]);
});
