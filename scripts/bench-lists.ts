// `npm run bench:lists`: the list pages at scale. Seeds a team with 300
// registries (every status), 200 customers and 10,000 audit events in an
// embedded PostgreSQL, starts the built production server (its own process),
// signs in over HTTP, and times whole responses (first byte to last, on
// loopback: the server's time) of the registries list, the customers list,
// the members list and the audit log, unfiltered, filtered, sorted and on a
// late page, plus the audit CSV export. Reference: the same pages for a team
// with one registry and a handful of events, alternating with the big team
// over several rounds. Target: each list page under 300 ms. Needs `npm run build`.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { applyMigrations } from "@/lib/db/migrations";
import { postCredentials } from "@/test/support/http-session";
import { findProjectRoot } from "./lib/project-root";
import { spawnBenchPortal } from "./lib/spawn-bench-portal";

const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const SAMPLES_PER_ROUND = Number(process.env.BENCH_SAMPLES || 10);
const REGISTRIES = 300;
const AUDIT_EVENTS = 10_000;
const CUSTOMERS = 200;
const PASSWORD = "a long enough passphrase";

const root = findProjectRoot(import.meta.dirname);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-bench-lists-"));
fs.chmodSync(dataDir, 0o755);
const database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), database: "portal_bench" });
await applyMigrations(database.url);
Object.assign(process.env, { DATABASE_URL: database.url, NEXTAUTH_SECRET: "benchmark-secret-benchmark-secret-benchmark", DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"), APP_URL: "http://127.0.0.1:3999" });

const { signUp } = await import("@/lib/auth/service");
const { prisma } = await import("@/lib/db");
const { createApplication } = await import("@/lib/applications/service");

async function seedTeam(label: string, sizes: { registries: number; events: number; customers: number }) {
  const email = `bench-${label}-${randomBytes(3).toString("hex")}@example.com`;
  const { userId, teamId } = await signUp({ name: "Bench", email, password: PASSWORD, teamName: `Bench ${label}` });
  const actor = { userId, email };
  const application = await createApplication(teamId, actor, { name: "Shop" });
  const statuses = ["verified", "verified", "failing", "never", "unsafe"];
  const now = Date.now();
  await prisma.registry.createMany({
    data: Array.from({ length: sizes.registries }, (_, index) => {
      const status = statuses[index % statuses.length]!;
      const testedAt = status === "never" ? null : new Date(now - (index % 48) * 3_600_000);
      return {
        teamId,
        provider: "ecr",
        name: `registry-${String(index).padStart(3, "0")}`,
        hostname: `${String(100000000000 + index)}.dkr.ecr.eu-west-1.amazonaws.com`,
        authType: index % 3 === 0 ? "access_key" : "iam_role",
        settings: index % 3 === 0 ? { accessKeyIdMasked: "AKIA…MPLE" } : { roleArn: `arn:aws:iam::${100000000000 + index}:role/PortalEcrPull` },
        allApplications: index % 4 !== 0,
        testStatus: status,
        lastTestedAt: testedAt,
        verifiedAt: status === "verified" || status === "failing" ? testedAt : null,
        failingSince: status === "failing" ? testedAt : null,
        lastTestError: status === "failing" ? "AWS refused to let the portal assume the role (AccessDenied)." : null,
        connectionChangedAt: status === "never" && index % 2 === 0 ? new Date(now - 3_600_000) : null,
      };
    }),
  });
  const registryIds = (await prisma.registry.findMany({ where: { teamId }, select: { id: true } })).map((row) => row.id);
  await prisma.customer.createMany({
    data: Array.from({ length: sizes.customers }, (_, index) => ({
      teamId,
      applicationId: application.id,
      name: `Customer ${index}`,
      email: `customer-${index}@example.com`,
      licenseHash: randomBytes(32).toString("hex"),
      encryptedLicense: "v1:bench:unused",
      ...(index % 7 === 0 ? { revokedAt: new Date(now) } : {}),
    })),
  });
  const actions = ["auth.signed_in", "registry.tested", "registry.updated", "customer.updated", "api.request"];
  for (let offset = 0; offset < sizes.events; offset += 2_000) {
    await prisma.auditEvent.createMany({
      data: Array.from({ length: Math.min(2_000, sizes.events - offset) }, (_, i) => {
        const index = offset + i;
        const action = actions[index % actions.length]!;
        const registryTarget = action.startsWith("registry.");
        return {
          teamId,
          actorUserId: index % 10 === 0 ? null : userId,
          actorEmail: index % 10 === 0 ? null : email,
          action,
          targetType: registryTarget ? "registry" : null,
          targetId: registryTarget ? registryIds[index % registryIds.length]! : null,
          metadata: registryTarget ? { registry: `registry-${index % 300}`, outcome: "verified" } : { method: "GET", path: "/api/v1/registries" },
          createdAt: new Date(now - index * 60_000),
        };
      }),
    });
  }
  return { email, userId, slug: application.slug };
}

const big = await seedTeam("big", { registries: REGISTRIES, events: AUDIT_EVENTS, customers: CUSTOMERS });
const small = await seedTeam("small", { registries: 1, events: 10, customers: 1 });
await prisma.$disconnect();

const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
const portal = spawnBenchPortal({ cwd: root, port, databaseUrl: database.url });
try {
  await waitForHealth(baseUrl);
  const cookies = { big: await signIn(big.email), small: await signIn(small.email) };
  const pages = (team: typeof big) => [
    { name: "registries", path: `/apps/${team.slug}/registries` },
    { name: "registries ?status=stale&scope=all", path: `/apps/${team.slug}/registries?status=stale&scope=all` },
    { name: "registries ?q=registry-2&sort=lastTested", path: `/apps/${team.slug}/registries?q=registry-2&sort=lastTested&dir=desc` },
    { name: "registries last page (all)", path: `/apps/${team.slug}/registries?scope=all&page=12` },
    { name: "customers", path: `/apps/${team.slug}/customers` },
    { name: "customers ?state=active&sort=name", path: `/apps/${team.slug}/customers?state=active&sort=name&dir=asc` },
    { name: "members", path: `/team/members` },
    { name: "audit log", path: `/team/audit` },
    { name: "audit ?actor=user&action=registry.tested", path: `/team/audit?actor=user:${team.userId}&action=registry.tested` },
    { name: "audit page 200", path: `/team/audit?page=200` },
    { name: "audit CSV export (all)", path: `/api/team/audit/export` },
  ];
  const samples = new Map<string, { subject: number[]; reference: number[] }>();
  // Warm up every page once (Next compiles nothing at run time, but caches modules and connections).
  for (const page of [...pages(big), ...pages(small)]) await timeGet(baseUrl + page.path, cookies.big);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [kind, team, cookie] of [["subject", big, cookies.big], ["reference", small, cookies.small]] as const) {
      for (const page of pages(team)) {
        const entry = samples.get(page.name) ?? { subject: [], reference: [] };
        for (let i = 0; i < SAMPLES_PER_ROUND; i++) entry[kind].push(await timeGet(baseUrl + page.path, cookie));
        samples.set(page.name, entry);
      }
    }
  }
  console.log(`bench:lists  ${REGISTRIES} registries, ${CUSTOMERS} customers, ${AUDIT_EVENTS} audit events (reference: 1 registry, 1 customer, 10 events)`);
  console.log(`${ROUNDS} rounds x ${SAMPLES_PER_ROUND} sequential requests per page, subject and reference alternating; whole response on loopback, ms`);
  console.log(`${"page".padEnd(42)} ${"median".padStart(8)} ${"p95".padStart(8)} ${"ref med".padStart(8)} ${"ref p95".padStart(8)}`);
  for (const [name, entry] of samples) {
    console.log(`${name.padEnd(42)} ${fmt(quantile(entry.subject, 0.5))} ${fmt(quantile(entry.subject, 0.95))} ${fmt(quantile(entry.reference, 0.5))} ${fmt(quantile(entry.reference, 0.95))}`);
  }
} finally {
  portal.kill("SIGTERM");
  await new Promise((resolve) => portal.once("exit", resolve));
  await database.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

async function signIn(email: string): Promise<string> {
  const response = await postCredentials(baseUrl, email, PASSWORD);
  const session = response.headers.getSetCookie().find((cookie) => cookie.startsWith("next-auth.session-token="));
  if (!session) throw new Error(`sign-in failed with ${response.status}`);
  return session.split(";")[0]!;
}

async function timeGet(url: string, cookie: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers: { cookie }, redirect: "manual" });
  const body = await response.arrayBuffer();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${Buffer.from(body).toString("utf8").slice(0, 200)}`);
  return ms;
}

async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("the portal did not start within 120 s");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function fmt(ms: number): string {
  return ms.toFixed(1).padStart(8);
}
