// `npm run bench:airgap`: air-gap archives on loopback against the local AWS.
// Three processes besides Postgres: the local AWS (registry endpoint and layer
// storage), the portal's fast paths (scripts/lib/airgap-bench-server.ts: the
// proxy's /v2/ and the air-gap downloads, as the production server mounts
// them), and this script, the client. In one run, alternating over
// BENCH_ROUNDS rounds (default 3): the same 256 MiB layer as a proxy blob
// (the reference) and inside a one-image archive (the subject), with the
// server's CPU time per MiB beside the wall clock; then the time to first
// byte (and to the last) of an archive of 50 images. A benchmark, not a test:
// it prints figures.
import type { ChildProcess } from "node:child_process";
import { localAwsControl, proxyToken, setUpBenchVendor, startChild } from "./lib/bench-children";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { applyMigrations } from "@/lib/db/migrations";

const ROUNDS = Math.max(2, Number(process.env.BENCH_ROUNDS || 3));
const MiB = 1024 * 1024;
const REGION = "us-east-1";
const ACCOUNT = { accountId: "111111111111", accessKeyId: "AKIABENCHAIRGAP00001", secretAccessKey: "benchAirgapSecretKey00000000000000000001" };
const root = path.resolve(import.meta.dirname, "..");
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-bench-airgap-"));
fs.chmodSync(dataDir, 0o755);
const database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), database: "portal_bench" });
await applyMigrations(database.url);
const [awsPort, proxyPort] = [await freePort(), await freePort()];
const awsUrl = `http://127.0.0.1:${awsPort}`;
const proxyUrl = `http://127.0.0.1:${proxyPort}`;
const env: Record<string, string> = {
  DATABASE_URL: database.url,
  NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
  DATA_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  APP_URL: proxyUrl,
  PROXY_URL: proxyUrl,
  OIDC_ISSUER_URL: `${proxyUrl}/oidc`,
  AWS_ENDPOINT_URL_STS: awsUrl,
  AWS_ENDPOINT_URL_ECR: awsUrl,
  REGISTRY_ENDPOINT_OVERRIDES: `*=${awsUrl}/_registry/{hostname}`,
  PROXY_ALLOWED_REDIRECT_ORIGINS: `http://localhost:${awsPort}`,
  PROXY_RATE_LIMIT_PER_MINUTE: "100000000",
  NODE_ENV: "production",
  LOG_LEVEL: "warn",
};
Object.assign(process.env, env);

const children: ChildProcess[] = [];
const bench = { root, env, children };
const { resetEnvCache } = await import("@/lib/env");
resetEnvCache();
const { getLifecyclePolicy } = await import("@/lib/oidc/lifecycle-policy");
const { maintainSigningKeys } = await import("@/lib/oidc/signing-keys");
await maintainSigningKeys(getLifecyclePolicy(), new Date());

try {
  await startChild(bench, "local AWS", ["tools/local-aws/cli.ts", "--port", String(awsPort), "--account", `${ACCOUNT.accountId}:${ACCOUNT.accessKeyId}:${ACCOUNT.secretAccessKey}`], /Local AWS .* on /);
  const serverPid = Number((await startChild(bench, "portal", ["--conditions=react-server", "scripts/lib/airgap-bench-server.ts"], /^READY \d+ (\d+)/m, { PORT: String(proxyPort) }))[1]);

  // The vendor's side through the portal's own services: OIDC provider, role, IAM registry (tested), customer.
  const { signCustomerSession } = await import("@/lib/customer-portal/session-token");
  const { airGapQuery } = await import("@/lib/airgap/schema");
  const { prisma, customer, licenseId, proxyName } = await setUpBenchVendor({ awsUrl, account: ACCOUNT, region: REGION, portalUrl: proxyUrl, roleName: "BenchAirgap" });
  const row = await prisma.customer.findUniqueOrThrow({ where: { id: customer.id }, select: { id: true, teamId: true, licenseHash: true } });
  const cookie = `portal-customer-session=${await signCustomerSession(row)}`;

  console.log("Pushing synthetic images into the local AWS (256 MiB, and 50 images of 2 x 64 KiB)…");
  const big = await localAwsControl<{ digest: string; layerDigests: string[] }>(awsUrl, "/_local/synthetic-images", { accountId: ACCOUNT.accountId, region: REGION, repository: "bench/big", tag: "1", layerSizes: [256 * MiB] });
  const many = [];
  for (let index = 0; index < 50; index++) {
    many.push(await localAwsControl<{ digest: string }>(awsUrl, "/_local/synthetic-images", { accountId: ACCOUNT.accountId, region: REGION, repository: `bench/image-${index}`, tag: "1", layerSizes: [64 * 1024, 64 * 1024] }));
  }
  const blobUrl = `${proxyUrl}/v2/${proxyName("bench/big")}/blobs/${big.layerDigests[0]}`;
  const bigArchive = `${proxyUrl}/customer/airgap.tar?${airGapQuery([{ name: proxyName("bench/big"), tag: "1", digest: big.digest }])}`;
  const manyArchive = `${proxyUrl}/customer/airgap.tar?${airGapQuery(many.map((image, index) => ({ name: proxyName(`bench/image-${index}`), tag: "1", digest: image.digest })))}`;

  const throughput: Record<"blob" | "archive", number[]> = { blob: [], archive: [] };
  const cpuPerMiB: Record<"blob" | "archive", number[]> = { blob: [], archive: [] };
  const firstByte: number[] = [];
  const whole: number[] = [];
  // Warm-up, not measured.
  await timedGet(blobUrl, { authorization: `Bearer ${await proxyToken(proxyUrl, licenseId, [proxyName("bench/big")])}` });
  await timedGet(bigArchive, { cookie });
  for (let round = 0; round < ROUNDS; round++) {
    const auth = { authorization: `Bearer ${await proxyToken(proxyUrl, licenseId, [proxyName("bench/big")])}` };
    const order: ("blob" | "archive")[] = round % 2 === 0 ? ["blob", "archive"] : ["archive", "blob"];
    for (const kind of order) {
      const cpuBefore = cpuMs(serverPid);
      const { bytes, totalMs } = await timedGet(kind === "blob" ? blobUrl : bigArchive, kind === "blob" ? auth : { cookie });
      cpuPerMiB[kind].push((cpuMs(serverPid) - cpuBefore) / (bytes / MiB));
      throughput[kind].push(bytes / MiB / (totalMs / 1000));
    }
    const { firstByteMs, totalMs } = await timedGet(manyArchive, { cookie });
    firstByte.push(firstByteMs);
    whole.push(totalMs);
  }

  const rounds = (values: number[], digits = 0) => values.map((value) => value.toFixed(digits)).join("/");
  console.log(`\n${ROUNDS} rounds alternating the reference (the 256 MiB layer as a proxy blob) and the subject (a one-image archive holding it); median of rounds:`);
  console.log(`  proxy blob     ${median(throughput.blob).toFixed(1).padStart(7)} MiB/s  server CPU ${median(cpuPerMiB.blob).toFixed(2)} ms/MiB   rounds ${rounds(throughput.blob)}`);
  console.log(`  air-gap tar    ${median(throughput.archive).toFixed(1).padStart(7)} MiB/s  server CPU ${median(cpuPerMiB.archive).toFixed(2)} ms/MiB   rounds ${rounds(throughput.archive)}`);
  console.log(`  archive/blob   ${((median(throughput.archive) / median(throughput.blob)) * 100).toFixed(0)}% (target >= 80%)`);
  console.log(`  50-image archive: time to first byte ${median(firstByte).toFixed(0)} ms (target < 1000 ms; rounds ${rounds(firstByte)}), whole archive ${median(whole).toFixed(0)} ms`);
  console.log(`\nMachine: ${os.cpus().length} cores, load average ${os.loadavg().map((v) => v.toFixed(1)).join(" ")} (figures on a shared machine are indicative only).`);
  await prisma.$disconnect();
} finally {
  for (const child of children) child.kill("SIGTERM");
  await new Promise((resolve) => setTimeout(resolve, 500));
  await database.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

/** GET, following redirects without Authorization on another host; the byte count, the time to the first byte and to the last. */
function timedGet(url: string, headers: Record<string, string>, hops = 0): Promise<{ bytes: number; firstByteMs: number; totalMs: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && response.headers.location && hops < 3) {
          response.resume();
          const next = new URL(response.headers.location, url);
          return resolve(timedGet(next.toString(), next.host === new URL(url).host ? headers : {}, hops + 1));
        }
        if (status !== 200) return reject(new Error(`GET ${url.slice(0, 120)}: ${status}`));
        let bytes = 0;
        let firstByteMs = 0;
        response.on("data", (chunk: Buffer) => {
          if (bytes === 0) firstByteMs = performance.now() - started;
          bytes += chunk.length;
        });
        response.once("end", () => resolve({ bytes, firstByteMs, totalMs: performance.now() - started }));
        response.once("error", reject);
      })
      .once("error", reject);
  });
}


/** utime + stime of a process, in ms (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function median(values: number[]): number {
  return percentile(values, 50);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
