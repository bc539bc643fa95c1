// `npm run bench:registry-test`: how much of a registry Test is the portal's
// own work. Runs the full Test (IAM authentication, negative check, ECR token,
// registry login, manifest HEAD; then an access-key registry) against the
// local AWS on loopback with a real embedded Postgres, and reports the median
// and p95 of the total and of the portal's share (total minus the wall time
// during which a call to AWS or the registry was in flight). A benchmark, not
// a test: it prints figures.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { applyMigrations } from "@/lib/db/migrations";

const RUNS = Number(process.env.BENCH_RUNS || 60);
const REGION = "eu-west-1";
const ACCOUNT = { accountId: "111111111111", accessKeyId: "AKIABENCHACCOUNT0001", secretAccessKey: "benchSecretKeyForAccount00000000000000001" };

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-bench-test-"));
fs.chmodSync(dataDir, 0o755);
const database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), database: "portal_bench" });
await applyMigrations(database.url);
Object.assign(process.env, { DATABASE_URL: database.url, NEXTAUTH_SECRET: randomBytes(32).toString("base64url"), DATA_ENCRYPTION_KEY: randomBytes(32).toString("base64"), APP_URL: "http://127.0.0.1:3999" });

// Imported after the environment is set: these modules read it.
const { startLocalAws } = await import("@/tools/local-aws/local-aws");
const { trustPolicyJson, VendorAws } = await import("@/e2e/support/vendor-aws");
const { startTestIssuer } = await import("@/test/support/issuer-server");
const { signUp } = await import("@/lib/auth/service");
const { prisma } = await import("@/lib/db");
const { resetEnvCache } = await import("@/lib/env");
const { ZCreateRegistryInput } = await import("@/lib/registries/schema");
const { createRegistry } = await import("@/lib/registries/service");
const { testRegistry } = await import("@/lib/registry-test/service");
const { TESTS_PER_MINUTE } = await import("@/lib/registry-test/rate-limit");

const aws = await startLocalAws({ port: 0, accounts: [ACCOUNT], jwksCacheSeconds: 3600 });
const issuer = await startTestIssuer();
Object.assign(process.env, { AWS_ENDPOINT_URL_STS: aws.url, AWS_ENDPOINT_URL_ECR: aws.url, REGISTRY_ENDPOINT_OVERRIDES: `*=${aws.url}/_registry/{hostname}` });
resetEnvCache();
const vendor = new VendorAws(aws.url, ACCOUNT);
await vendor.createProvider(issuer.url);
aws.pushFixtureImage({ accountId: ACCOUNT.accountId, region: REGION, repository: "bench/app", tag: "1.0" });
const hostname = aws.registryHostname(ACCOUNT.accountId, REGION);

interface Sample {
  totalMs: number;
  portalMs: number;
}

async function measure(kind: "iam_role" | "access_key"): Promise<Sample[]> {
  const samples: Sample[] = [];
  let team: { id: string; publicId: string } | null = null;
  let actor = { userId: "", email: "" };
  let registryId = "";
  for (let i = 0; i < RUNS + 1; i++) {
    // A new team every TESTS_PER_MINUTE runs: the benchmark must not hit the rate limit.
    if (i % TESTS_PER_MINUTE === 0) {
      const email = `bench-${kind}-${i}@example.com`;
      const { userId, teamId } = await signUp({ name: "Bench", email, password: "a long enough passphrase", teamName: "Bench" });
      team = await prisma.team.findUniqueOrThrow({ where: { id: teamId }, select: { id: true, publicId: true } });
      actor = { userId, email };
      const common = { provider: "ecr", name: "", hostname, allApplications: true, applicationIds: [] };
      const input =
        kind === "iam_role"
          ? { ...common, authType: "iam_role", accessKeyId: "", secretAccessKey: "", roleArn: await vendor.createRole(`Bench${kind}${i}`, trustPolicyJson({ accountId: ACCOUNT.accountId, issuerUrl: issuer.url, sub: team.publicId })) }
          : { ...common, authType: "access_key", roleArn: "", ...(await vendor.createUserWithKey(`bench-${i}`)) };
      registryId = (await createRegistry(team.id, actor, ZCreateRegistryInput.parse(input))).id;
    }
    const started = performance.now();
    const run = await testRegistry(team!, actor, registryId, { image: "bench/app:1.0" });
    const totalMs = performance.now() - started;
    if (run.result.verdict !== "verified") throw new Error(`benchmark setup is wrong: ${run.result.headline}`);
    if (i > 0) samples.push({ totalMs, portalMs: totalMs - run.externalMs }); // the first run warms up
  }
  return samples;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

try {
  console.log(`\nRegistry Test, ${RUNS} runs each, local AWS on loopback, embedded Postgres (${os.cpus().length} cores):`);
  for (const kind of ["iam_role", "access_key"] as const) {
    const samples = await measure(kind);
    const total = samples.map((s) => s.totalMs);
    const portal = samples.map((s) => s.portalMs);
    const label = kind === "iam_role" ? "IAM authentication (6 steps)" : "Access key (4 steps)";
    console.log(
      `${label.padEnd(30)} total median ${percentile(total, 50).toFixed(1)} ms, p95 ${percentile(total, 95).toFixed(1)} ms | portal's share median ${percentile(portal, 50).toFixed(1)} ms, p95 ${percentile(portal, 95).toFixed(1)} ms (target: median < 50 ms)`,
    );
  }
} finally {
  await aws.close();
  await issuer.close();
  await prisma.$disconnect();
  await database.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
