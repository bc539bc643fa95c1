// Signing-key rotation while the portal runs: two production-server processes
// on one embedded database, `npm run oidc:rotate` run beside them as an
// operator would, and registry Tests driven through the real Test route on
// both processes throughout. The local AWS verifies every token against the
// issuer's JWKS fetched fresh each time (no cache), and records which key
// signed each token it accepted. The issuer is the first process, so Tests on
// it check that a process signs only with keys it publishes itself, and Tests
// on the second check that it signs only with keys the first publishes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp } from "@/lib/auth/service";
import { prisma } from "@/lib/db";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { resetEnvCache } from "@/lib/env";
import { ZCreateRegistryInput } from "@/lib/registries/schema";
import { createRegistry } from "@/lib/registries/service";
import { TESTS_PER_MINUTE } from "@/lib/registry-test/rate-limit";
import { trustPolicyJson, VendorAws } from "@/e2e/support/vendor-aws";
import { runRegistryTestOverHttp, signInOverHttp } from "@/test/support/http-session";
import { startPortalCluster, type PortalCluster } from "@/test/support/portal-cluster";
import { startLocalAws, type LocalAws } from "@/tools/local-aws/local-aws";

const REGION = "us-east-2";
const ACCOUNT = { accountId: "777777777777", accessKeyId: "AKIACLUSTERTEST00007", secretAccessKey: "clusterTestSecretKey00000000000000000007" };
const IMAGE = "app:2.0";
// Two portal instances, each a front process (it serves the JWKS) and a Next.js process (it signs): four listeners acknowledge.
const ACKNOWLEDGED_BY_ALL = "4 of 4 running portal processes acknowledged the change";
const TEAMS = 14;
const PASSWORD = "a long enough passphrase";
/** Two processes at one Test per this many ms each stay under TEAMS × (TESTS_PER_MINUTE - 1) a minute. */
const TEST_PACE_MS = Math.ceil((2 * 60_000) / (TEAMS * (TESTS_PER_MINUTE - 1)));

let aws: LocalAws;
let cluster: PortalCluster;
const teams: { teamId: string; registryId: string; cookie: string; started: number[] }[] = [];

interface TestRun {
  process: number;
  startedAt: number;
  endedAt: number;
  verdict: string | null;
  problems: string[];
}

interface JwksPoll {
  process: number;
  at: number;
  kids: string[];
}

/** Tests on every process, one after another per process, spread over teams to stay under the per-team limit. */
function startTestTraffic() {
  let running = true;
  const runs: TestRun[] = [];
  const nextTeam = () => {
    const now = Date.now();
    return teams.find((team) => team.started.filter((at) => now - at < 61_000).length < TESTS_PER_MINUTE - 1);
  };
  const loops = cluster.baseUrls.map(async (baseUrl, process) => {
    while (running) {
      const team = nextTeam();
      if (!team) {
        await sleep(200);
        continue;
      }
      const startedAt = Date.now();
      team.started.push(startedAt);
      const outcome = await runRegistryTestOverHttp(baseUrl, team.cookie, team.registryId, IMAGE);
      runs.push({ process, startedAt, endedAt: Date.now(), verdict: outcome.verdict, problems: outcome.problems });
      // Paced so that the teams' Test limits are never used up: every
      // rotation, however quickly its command returns, has Tests around it.
      await sleep(TEST_PACE_MS);
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return runs;
    },
  };
}

/** Every process's published kids, every 25 ms. */
function startJwksPolling() {
  let running = true;
  const polls: JwksPoll[] = [];
  const loops = cluster.baseUrls.map(async (baseUrl, process) => {
    while (running) {
      const response = await fetch(`${baseUrl}/oidc/jwks`);
      const body = (await response.json()) as { keys: { kid: string }[] };
      polls.push({ process, at: Date.now(), kids: body.keys.map((key) => key.kid) });
      await sleep(25);
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return polls;
    },
  };
}

async function currentSigningKid(): Promise<string> {
  const now = new Date();
  const keys = await prisma.oidcSigningKey.findMany({ where: { signsFrom: { lte: now }, OR: [{ signsUntil: null }, { signsUntil: { gt: now } }] }, orderBy: { signsFrom: "desc" } });
  return keys[0]!.kid;
}

/** Runs the rotation command beside the running processes, with Tests before, during and after it. */
async function rotateUnderLoad(args: string[], options: { afterMs: number }) {
  const checksBefore = aws.webIdentityChecks.length;
  const oldKid = await currentSigningKid();
  const traffic = startTestTraffic();
  const polling = startJwksPolling();
  await sleep(3000);
  const commandStartedAt = Date.now();
  const command = await cluster.runNpmScript("oidc:rotate", args);
  const returnedAt = Date.now();
  await sleep(options.afterMs);
  const [runs, polls] = [await traffic.stop(), await polling.stop()];
  expect(command.stderr).toBe("");
  expect(command.code).toBe(0);
  const newKid = /created\s+(\S+)/.exec(command.stdout)?.[1];
  expect(newKid, command.stdout).toBeDefined();
  const checks = aws.webIdentityChecks.slice(checksBefore);
  console.log(
    `oidc:rotate ${args.join(" ")}: command ${returnedAt - commandStartedAt} ms; ${runs.length} Tests (${runs.filter((run) => run.verdict === "verified").length} verified), ${checks.length} tokens verified by the local AWS, ${checks.filter((check) => !check.accepted).length} refused`,
  );
  return { command, commandStartedAt, returnedAt, oldKid, newKid: newKid!, runs, polls, checks };
}

/** When each process first published `kid` (or stopped publishing it), in ms after the command returned (≤ 0: already at return). */
function publishDelays(polls: JwksPoll[], returnedAt: number, served: (kids: string[]) => boolean): number[] {
  return cluster.baseUrls.map((_, process) => {
    const after = polls.filter((poll) => poll.process === process && poll.at >= returnedAt);
    const firstServed = after.find((poll) => served(poll.kids));
    expect(after.slice(after.indexOf(firstServed!)).every((poll) => served(poll.kids))).toBe(true);
    return firstServed ? firstServed.at - returnedAt : Number.POSITIVE_INFINITY;
  });
}

beforeAll(async () => {
  aws = await startLocalAws({ port: 0, accounts: [ACCOUNT], jwksCacheSeconds: 0 });
  aws.pushFixtureImage({ accountId: ACCOUNT.accountId, region: REGION, repository: "app", tag: "2.0" });
  cluster = await startPortalCluster({
    processes: 2,
    // Team 0's admin is also the portal's operator (the key history is operator material).
    env: { AWS_ENDPOINT_URL_STS: aws.url, AWS_ENDPOINT_URL_ECR: aws.url, REGISTRY_ENDPOINT_OVERRIDES: `*=${aws.url}/_registry/{hostname}`, OPERATOR_EMAILS: "cluster-0@example.com" },
  });
  Object.assign(process.env, cluster.commandEnv, { DATABASE_URL: cluster.databaseUrl });
  resetEnvCache();

  const vendor = new VendorAws(aws.url, ACCOUNT);
  await vendor.createProvider(cluster.issuerUrl);
  for (let index = 0; index < TEAMS; index++) {
    const email = `cluster-${index}@example.com`;
    const { userId, teamId } = await signUp({ name: `Cluster ${index}`, email, password: PASSWORD, teamName: `Cluster team ${index}` });
    const team = await prisma.team.findUniqueOrThrow({ where: { id: teamId }, select: { publicId: true } });
    const roleArn = await vendor.createRole(`ClusterRole${index}`, trustPolicyJson({ accountId: ACCOUNT.accountId, issuerUrl: cluster.issuerUrl, sub: team.publicId }));
    const input = ZCreateRegistryInput.parse({ provider: "ecr", name: "", hostname: aws.registryHostname(ACCOUNT.accountId, REGION), authType: "iam_role", accessKeyId: "", secretAccessKey: "", roleArn, allApplications: true, applicationIds: [] });
    const registry = await createRegistry(teamId, { userId, email }, input);
    teams.push({ teamId, registryId: registry.id, cookie: await signInOverHttp(cluster.baseUrls[index % 2]!, email, PASSWORD), started: [] });
  }
  // Every process serves Tests before any rotation.
  for (const [process, baseUrl] of cluster.baseUrls.entries()) {
    const team = teams[process]!;
    team.started.push(Date.now());
    expect(await runRegistryTestOverHttp(baseUrl, team.cookie, team.registryId, IMAGE)).toMatchObject({ verdict: "verified" });
  }
});

afterAll(async () => {
  await prisma.$disconnect().catch(() => {});
  await cluster?.stop();
  await aws?.close();
});

describe("signing-key rotation with two portal processes on one database", () => {
  it("a normal rotation, run while the portal is up on the embedded database, is published by every process at once with 0 failed verifications", async () => {
    const rotation = await rotateUnderLoad([], { afterMs: 3000 });
    expect(rotation.command.stdout).toContain("using the embedded PostgreSQL server already running");
    expect(rotation.command.stdout).not.toContain("undefined");
    expect(rotation.command.stdout).toContain(ACKNOWLEDGED_BY_ALL);
    const delays = publishDelays(rotation.polls, rotation.returnedAt, (kids) => kids.includes(rotation.newKid) && kids.includes(rotation.oldKid));
    console.log(`normal rotation: the new key was published by each process ${delays.map((ms) => `${Math.max(0, ms)} ms`).join(", ")} after the command returned`);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1000);
    expect(rotation.checks.filter((check) => !check.accepted)).toEqual([]);
    // The next key is published a day ahead: the old one keeps signing.
    expect(new Set(rotation.checks.map((check) => check.kid))).toEqual(new Set([rotation.oldKid]));
    expect(rotation.runs.length).toBeGreaterThan(4);
    expect(rotation.runs.filter((run) => run.verdict !== "verified")).toEqual([]);
  });

  it("--next-now publishes the new key at once, signs with it after the overlap on every process, with 0 failed verifications", async () => {
    const overlapMs = 15_000;
    const rotation = await rotateUnderLoad(["--next-now", `--overlap=${overlapMs / 1000}s`], { afterMs: overlapMs + 4000 });
    expect(rotation.command.stdout).toContain(ACKNOWLEDGED_BY_ALL);
    const delays = publishDelays(rotation.polls, rotation.returnedAt, (kids) => kids.includes(rotation.newKid));
    console.log(`--next-now: the new key was published by each process ${delays.map((ms) => `${Math.max(0, ms)} ms`).join(", ")} after the command returned`);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1000);
    expect(rotation.checks.filter((check) => !check.accepted)).toEqual([]);
    const signsFrom = Date.parse(/signs from (\S+Z)/.exec(rotation.command.stdout)![1]!);
    expect(signsFrom).toBeGreaterThanOrEqual(rotation.commandStartedAt + overlapMs);
    // Tokens minted before the switch are the old key's; tokens minted from a second after it are the new key's
    // (by their iat, whole seconds, hence the extra second; a loaded machine may verify a token seconds after minting it).
    const mintedAt = (check: { issuedAt: number | null }) => check.issuedAt! * 1000;
    expect(rotation.checks.filter((check) => mintedAt(check) < signsFrom - 2000).every((check) => check.kid === rotation.oldKid)).toBe(true);
    const afterSwitch = rotation.checks.filter((check) => mintedAt(check) >= signsFrom + 2000);
    expect(afterSwitch.length).toBeGreaterThan(0);
    expect(afterSwitch.filter((check) => check.kid !== rotation.newKid)).toEqual([]);
    expect(rotation.runs.filter((run) => run.verdict !== "verified")).toEqual([]);
  });

  it("an emergency unpublishes the old key and signs with the new one on every process at once: 0 old-key tokens accepted after the command returns + 1 s", async () => {
    const rotation = await rotateUnderLoad(["--emergency"], { afterMs: 4000 });
    expect(rotation.command.stdout).toContain(ACKNOWLEDGED_BY_ALL);
    expect(rotation.command.stdout).toMatch(/may refuse the new key's tokens and accept the old key's until \d{4}-\d\d-\d\dT/);
    const delays = publishDelays(rotation.polls, rotation.returnedAt, (kids) => kids.includes(rotation.newKid) && !kids.includes(rotation.oldKid));
    console.log(`emergency: the new set (old key gone) was served by each process ${delays.map((ms) => `${Math.max(0, ms)} ms`).join(", ")} after the command returned`);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1000);
    const late = rotation.checks.filter((check) => check.at >= rotation.returnedAt + 1000);
    expect(late.length).toBeGreaterThan(0);
    expect(late.filter((check) => check.accepted && check.kid === rotation.oldKid)).toEqual([]);
    // Only tokens of the leaked key may fail, and only those in flight when it was unpublished.
    expect(late.filter((check) => !check.accepted)).toEqual([]);
    expect(rotation.checks.filter((check) => !check.accepted && check.kid !== rotation.oldKid)).toEqual([]);
    const startedAfter = rotation.runs.filter((run) => run.startedAt >= rotation.returnedAt);
    expect(startedAfter.length).toBeGreaterThan(0);
    expect(startedAfter.filter((run) => run.verdict !== "verified")).toEqual([]);
  });

  it("records every key event in the operator's key history and logs it with kid and reason", async () => {
    const events = await prisma.oidcKeyEvent.findMany({ orderBy: { createdAt: "asc" } });
    const actions = events.map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(["created", "promoted", "retired", "emergency_replaced"]));
    const emergency = events.find((event) => event.action === "emergency_replaced" && event.reason.includes("--emergency"));
    expect(emergency?.details).toHaveProperty("cachesExpireBy");
    expect(events.find((event) => event.action === "retired" && event.reason.includes("--next-now"))).toBeDefined();
    // A team admin's Identity provider page (server-rendered) shows the emergency's cache window and when the keys changed;
    // the operator's page shows the history.
    const vendorPage = await (await fetch(`${cluster.baseUrls[1]}/team/identity-provider`, { headers: { cookie: teams[1]!.cookie } })).text();
    expect(vendorPage).toContain("The signing key was replaced in an emergency");
    expect(vendorPage).toContain("The keys last changed");
    expect(vendorPage).not.toContain("Replaced (emergency)");
    const operatorPage = await fetch(`${cluster.baseUrls[1]}/operator`, { headers: { cookie: teams[0]!.cookie } });
    expect(operatorPage.status).toBe(200);
    const html = await operatorPage.text();
    expect(html).toContain("Replaced (emergency)");
    expect(html).toContain("up to 5 minutes");
    for (const event of events.slice(-5)) expect(html).toContain(event.kid);
    expect((await fetch(`${cluster.baseUrls[1]}/operator`, { headers: { cookie: teams[1]!.cookie } })).status).toBe(404);
    // The team audit log is not where operator key events go.
    expect(await prisma.auditEvent.count({ where: { action: "oidc.key_rotated" } })).toBe(0);
    const output = cluster.processes.flatMap((portal) => portal.output);
    expect(output.filter((line) => line.includes("oidc key set reloaded")).length).toBeGreaterThanOrEqual(2);
    // The --next-now key started signing at its time, with no write: a process recorded and logged it.
    const promoted = events.filter((event) => event.action === "promoted" && event.reason === "its signs-from time arrived");
    expect(promoted.length).toBeGreaterThanOrEqual(1);
    expect(output.some((line) => line.includes("oidc signing key promoted") && line.includes(promoted[0]!.kid))).toBe(true);
    expect(cluster.processes.flatMap((portal) => portal.output).join("\n")).not.toMatch(/PRIVATE KEY|"d":/);
  });

  it("npm start on the same data directory refuses to start a second database, naming the running one", async () => {
    const result = await cluster.runNpmScript("start", [], { PORT: String(await findFreePort()) });
    expect(result.code).toBe(1);
    // npm start shows the supervisor's start-up log (which it appends to DATA_DIR/portal.log) on stdout.
    expect(result.stdout + result.stderr).toMatch(/The embedded PostgreSQL server for \S+ is already running \(pid \d+, port \d+\): another portal is using this data directory/);
    expect(result.stderr).toMatch(/The portal did not start \(exit code 1\)/);
    expect(result.stdout + result.stderr).not.toContain("undefined");
  });

  it("keeps serving the last published discovery document and JWKS while the database is down", async () => {
    const before = await Promise.all(cluster.baseUrls.map(async (baseUrl) => ({ jwks: await (await fetch(`${baseUrl}/oidc/jwks`)).text(), discovery: await (await fetch(`${baseUrl}/oidc/.well-known/openid-configuration`)).text() })));
    await prisma.$disconnect();
    await cluster.stopDatabase();
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      for (const [process, baseUrl] of cluster.baseUrls.entries()) {
        const jwks = await fetch(`${baseUrl}/oidc/jwks`, { signal: AbortSignal.timeout(5000) });
        expect(jwks.status).toBe(200);
        expect(await jwks.text()).toBe(before[process]!.jwks);
        const discovery = await fetch(`${baseUrl}/oidc/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
        expect(discovery.status).toBe(200);
        expect(await discovery.text()).toBe(before[process]!.discovery);
      }
      await sleep(500);
    }
    // Each process noticed the outage and tried to re-read, and served from memory instead.
    for (const portal of cluster.processes) {
      expect(portal.output.some((line) => line.includes("serving the last published set"))).toBe(true);
    }
  });
});

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
