// `npm run bench:proxy`: the pull path's figures on loopback against the
// local AWS. Three processes besides Postgres: the local AWS (its registry
// endpoint is the reference: the same blobs pulled directly, with an ECR
// login, following its layer redirect), the proxy (scripts/lib/
// proxy-bench-server.ts: the production server's pre-Next.js mount), and
// this script, the load generator, which alternates reference and subject
// over BENCH_ROUNDS rounds (default 3). A second reference, a bare pass-through
// (scripts/lib/passthrough-bench-server.ts, its own process: no auth, no
// hashing), shows what any process in the path costs on this machine. Reports: one 256 MiB blob; 200 blobs
// of 64 KiB at 16 concurrent clients; the proxy's RSS growth while it
// streams a 1 GiB blob; warm manifest HEAD latency at 50 concurrent clients;
// and the upstream calls made by 100 concurrent cold pulls. A benchmark, not
// a test: it prints figures. BENCH_PROXY_BLOB_CACHE=1 turns the proxy's blob
// cache on; BENCH_PROXY_CPU_PROF=<dir> writes the proxy's CPU profile there.
import { spawn, type ChildProcess } from "node:child_process";
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
const ACCOUNT = { accountId: "111111111111", accessKeyId: "AKIABENCHPROXY000001", secretAccessKey: "benchProxySecretKey000000000000000000001" };
const root = path.resolve(import.meta.dirname, "..");
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-bench-proxy-"));
fs.chmodSync(dataDir, 0o755);
const database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), database: "portal_bench" });
await applyMigrations(database.url);
const [awsPort, proxyPort, passthroughPort] = [await freePort(), await freePort(), await freePort()];
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
  // The benchmark makes thousands of requests with one license in a minute.
  PROXY_RATE_LIMIT_PER_MINUTE: "100000000",
  NODE_ENV: "production",
  LOG_LEVEL: "warn",
  // BENCH_PROXY_BLOB_CACHE=1: the proxy keeps verified blobs on disk (PROXY_BLOB_CACHE_DIR); the 256 MiB and
  // 64 KiB blobs fit (round 1 fills the cache, later rounds read it), the 1 GiB blob is above a quarter and streams.
  ...(process.env.BENCH_PROXY_BLOB_CACHE === "1" ? { PROXY_BLOB_CACHE_DIR: path.join(dataDir, "blob-cache"), PROXY_BLOB_CACHE_MAX_MB: "2048" } : {}),
};
Object.assign(process.env, env);

const children: ChildProcess[] = [];
const { resetEnvCache } = await import("@/lib/env");
resetEnvCache();
const { getLifecyclePolicy } = await import("@/lib/oidc/lifecycle-policy");
const { maintainSigningKeys } = await import("@/lib/oidc/signing-keys");
await maintainSigningKeys(getLifecyclePolicy(), new Date());

try {
  await startChild("local AWS", ["tools/local-aws/cli.ts", "--port", String(awsPort), "--account", `${ACCOUNT.accountId}:${ACCOUNT.accessKeyId}:${ACCOUNT.secretAccessKey}`], /Local AWS .* on /);
  const awsPid = children.at(-1)!.pid!;
  // BENCH_PROXY_CPU_PROF=<dir>: the proxy process writes a V8 CPU profile there when it exits.
  const profile = process.env.BENCH_PROXY_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROXY_CPU_PROF)}`] : [];
  const proxyPid = Number((await startChild("proxy", [...profile, "--conditions=react-server", "scripts/lib/proxy-bench-server.ts"], /^READY \d+ (\d+)/m, { PORT: String(proxyPort) }))[1]);

  // The vendor's side, through the portal's own services: OIDC provider, role, IAM registry (tested), customer.
  const { VendorAws, trustPolicyJson } = await import("@/e2e/support/vendor-aws");
  const { signUp } = await import("@/lib/auth/service");
  const { prisma } = await import("@/lib/db");
  const { createApplication } = await import("@/lib/applications/service");
  const { ZCreateRegistryInput } = await import("@/lib/registries/schema");
  const { createRegistry } = await import("@/lib/registries/service");
  const { testRegistry } = await import("@/lib/registry-test/service");
  const { ZCreateCustomerInput } = await import("@/lib/customers/schema");
  const { createCustomer } = await import("@/lib/customers/service");
  const { GetAuthorizationTokenCommand } = await import("@aws-sdk/client-ecr");
  const vendor = new VendorAws(awsUrl, ACCOUNT);
  await vendor.createProvider(`${proxyUrl}/oidc`);
  const { userId, teamId } = await signUp({ name: "Bench", email: "bench@example.com", password: "a long enough passphrase", teamName: "Bench" });
  const team = await prisma.team.findUniqueOrThrow({ where: { id: teamId }, select: { id: true, publicId: true } });
  const actor = { userId, email: "bench@example.com" };
  const application = await createApplication(team.id, actor, { name: "Bench" });
  const hostname = `${ACCOUNT.accountId}.dkr.ecr.${REGION}.amazonaws.com`;
  const roleArn = await vendor.createRole("BenchProxy", trustPolicyJson({ accountId: ACCOUNT.accountId, issuerUrl: `${proxyUrl}/oidc`, sub: team.publicId }));
  const registry = await createRegistry(team.id, actor, ZCreateRegistryInput.parse({ provider: "ecr", name: "", hostname, authType: "iam_role", accessKeyId: "", secretAccessKey: "", roleArn, allApplications: true, applicationIds: [] }));
  // Warm the proxy process's issuer documents first: the local AWS gives them 5 s, as STS does.
  for (const document of ["/oidc/.well-known/openid-configuration", "/oidc/jwks"]) await (await fetch(`${proxyUrl}${document}`)).arrayBuffer();
  const tested = await testRegistry(team, actor, registry.id, {});
  if (tested.result.verdict !== "verified") throw new Error(`benchmark setup is wrong: ${tested.result.headline}`);
  const { licenseId } = await createCustomer(team.id, actor, ZCreateCustomerInput.parse({ applicationId: application.id, name: "Bench customer", email: "", expiresOn: "" }));

  console.log("Pushing synthetic blobs into the local AWS (1 GiB + 256 MiB + 200 x 64 KiB)…");
  const big = await control<{ digest: string; layerDigests: string[] }>("/_local/synthetic-images", { accountId: ACCOUNT.accountId, region: REGION, repository: "bench/big", tag: "1", layerSizes: [256 * MiB, 1024 * MiB] });
  const small = await control<{ digest: string; layerDigests: string[] }>("/_local/synthetic-images", { accountId: ACCOUNT.accountId, region: REGION, repository: "bench/small", tag: "1", layerSizes: Array.from({ length: 200 }, () => 64 * 1024) });
  const [blob256, blob1g] = big.layerDigests as [string, string];

  const proxyName = (repository: string) => `proxy/${application.slug}/${hostname}/${repository}`;
  const token = await proxyToken(licenseId, [proxyName("bench/big"), proxyName("bench/small")]);
  const ecrLogin = (await vendor.ecr(REGION).send(new GetAuthorizationTokenCommand({}))).authorizationData![0]!.authorizationToken!;
  const subject = { label: "proxy", base: `${proxyUrl}/v2`, auth: `Bearer ${token}`, name: proxyName };
  const reference = { label: "direct", base: `${awsUrl}/_registry/${hostname}/v2`, auth: `Basic ${ecrLogin}`, name: (repository: string) => repository };
  const passthroughPid = Number((await startChild("pass-through", ["scripts/lib/passthrough-bench-server.ts"], /^READY \d+ (\d+)/m, { PORT: String(passthroughPort), BENCH_PASSTHROUGH_UPSTREAM: `${awsUrl}/_registry/${hostname}` }))[1]);
  const passthrough = { label: "passthrough", base: `http://127.0.0.1:${passthroughPort}/v2`, auth: `Basic ${ecrLogin}`, name: (repository: string) => repository };

  // Cold: a fresh proxy process has no upstream login; 100 concurrent pulls must share one exchange.
  const before = await control<Record<string, number>>("/_local/calls", {});
  const cold = await Promise.all(Array.from({ length: 100 }, () => head(`${subject.base}/${subject.name("bench/small")}/manifests/1`, subject.auth)));
  const after = await control<Record<string, number>>("/_local/calls", {});
  const delta = (key: string) => (after[key] ?? 0) - (before[key] ?? 0);
  console.log(`\nCold single-flight: 100 concurrent manifest HEADs (${cold.filter((status) => status === 200).length} x 200) caused ${delta("sts:AssumeRoleWithWebIdentity")} AssumeRoleWithWebIdentity and ${delta("ecr:GetAuthorizationToken")} GetAuthorizationToken (target: 1 and 1)`);

  type Target = typeof subject;
  const results: Record<string, Record<string, number[]>> = { "256 MiB blob (MiB/s)": { direct: [], passthrough: [], proxy: [] }, "200 x 64 KiB, 16 clients (MiB/s)": { direct: [], passthrough: [], proxy: [] } };
  const heads: Record<string, number[][]> = { direct: [], passthrough: [], proxy: [] };
  // CPU seconds of the proxy process per unit of work: unlike wall-clock figures, barely affected by other load on the machine.
  const proxyCpu: Record<string, number[]> = { "ms per 256 MiB blob": [], "ms per 64 KiB blob": [], "ms per manifest HEAD": [] };
  const upstreamCpu: Record<string, number[]> = { "ms per 256 MiB blob": [], "ms per 64 KiB blob": [], "ms per manifest HEAD": [] };
  const passthroughCpu: Record<string, number[]> = { "ms per 256 MiB blob": [], "ms per 64 KiB blob": [], "ms per manifest HEAD": [] };
  const measureCpu = async <T>(target: Target, key: string, units: number, work: () => Promise<T>): Promise<T> => {
    const [proxyBefore, awsBefore, passthroughBefore] = [cpuMs(proxyPid), cpuMs(awsPid), cpuMs(passthroughPid)];
    const result = await work();
    if (target === subject) proxyCpu[key]!.push((cpuMs(proxyPid) - proxyBefore) / units);
    else if (target === passthrough) passthroughCpu[key]!.push((cpuMs(passthroughPid) - passthroughBefore) / units);
    else upstreamCpu[key]!.push((cpuMs(awsPid) - awsBefore) / units);
    return result;
  };
  // Warm-up, not measured: every target's first pulls (JIT, connections, the proxy's blob locations) before round 1.
  for (const target of [reference, passthrough, subject]) {
    await download(`${target.base}/${target.name("bench/big")}/blobs/${blob256}`, target.auth);
    await Promise.all(small.layerDigests.slice(0, 32).map((digest) => download(`${target.base}/${target.name("bench/small")}/blobs/${digest}`, target.auth)));
  }
  for (let round = 0; round < ROUNDS; round++) {
    // Tokens last 5 minutes, and a round on a busy machine may take longer.
    subject.auth = `Bearer ${await proxyToken(licenseId, [proxyName("bench/big"), proxyName("bench/small")])}`;
    const order: Target[] = round % 2 === 0 ? [reference, passthrough, subject] : [subject, passthrough, reference];
    for (const target of order) {
      const started = performance.now();
      const bytes = await measureCpu(target, "ms per 256 MiB blob", 1, () => download(`${target.base}/${target.name("bench/big")}/blobs/${blob256}`, target.auth));
      if (bytes !== 256 * MiB) throw new Error(`${target.label}: got ${bytes} bytes of the 256 MiB blob`);
      results["256 MiB blob (MiB/s)"]![target.label]!.push(256 / ((performance.now() - started) / 1000));
    }
    for (const target of order) {
      const queue = [...small.layerDigests];
      const started = performance.now();
      let total = 0;
      await measureCpu(target, "ms per 64 KiB blob", 200, () => Promise.all(Array.from({ length: 16 }, async () => {
        for (let digest = queue.shift(); digest; digest = queue.shift()) {
          const bytes = await download(`${target.base}/${target.name("bench/small")}/blobs/${digest}`, target.auth);
          total += bytes;
        }
      })));
      if (total !== 200 * 64 * 1024) throw new Error(`${target.label}: got ${total} bytes of the small blobs`);
      results["200 x 64 KiB, 16 clients (MiB/s)"]![target.label]!.push(total / MiB / ((performance.now() - started) / 1000));
    }
    for (const target of order) heads[target.label]!.push(await measureCpu(target, "ms per manifest HEAD", 2000, () => headLatencies(`${target.base}/${target.name("bench/small")}/manifests/1`, target.auth, 50, 2000)));
  }

  console.log(`\nThroughput, ${ROUNDS} rounds alternating direct (local AWS registry endpoint, its own process), a bare pass-through (its own process) and the proxy; median of rounds; proxy blob cache ${env.PROXY_BLOB_CACHE_DIR ? "ON (round 1 fills it, later rounds read it)" : "off (every pull streamed and hashed)"}:`);
  for (const [label, byTarget] of Object.entries(results)) {
    const [direct, bare, proxied] = [median(byTarget.direct!), median(byTarget.passthrough!), median(byTarget.proxy!)];
    const rounds = (label: string) => byTarget[label]!.map((v) => v.toFixed(0)).join("/");
    console.log(`  ${label.padEnd(36)} direct ${direct.toFixed(1).padStart(7)}  pass-through ${bare.toFixed(1).padStart(7)}  proxy ${proxied.toFixed(1).padStart(7)}  proxy/direct ${((proxied / direct) * 100).toFixed(0)}% (target >= 90%)  pass-through/direct ${((bare / direct) * 100).toFixed(0)}%  proxy/pass-through ${((proxied / bare) * 100).toFixed(0)}%   rounds: direct ${rounds("direct")}, pass-through ${rounds("passthrough")}, proxy ${rounds("proxy")}`);
  }
  for (const label of ["direct", "passthrough", "proxy"]) {
    const all = heads[label]!.flat();
    const p99s = heads[label]!.map((samples) => percentile(samples, 99));
    console.log(`  Warm manifest HEAD, 50 clients, ${label.padEnd(6)} p50 ${percentile(all, 50).toFixed(1)} ms, p99 ${percentile(all, 99).toFixed(1)} ms (per round p99: ${p99s.map((v) => v.toFixed(1)).join("/")})${label === "proxy" ? " (target p99 < 20 ms)" : ""}`);
  }

  console.log("\nCPU time (user + system) per unit of work, median of rounds: the proxy process (subject rounds) and the pass-through process next to the local AWS process serving the direct pulls (reference rounds):");
  for (const key of Object.keys(proxyCpu)) console.log(`  ${key.padEnd(22)} proxy ${median(proxyCpu[key]!).toFixed(2)} ms, pass-through ${median(passthroughCpu[key]!).toFixed(2)} ms, local AWS (direct) ${median(upstreamCpu[key]!).toFixed(2)} ms`);

  subject.auth = `Bearer ${await proxyToken(licenseId, [proxyName("bench/big")])}`;
  // Memory: the proxy's resident set while it streams 1 GiB to a client that reads as fast as it can.
  const baseline = rssMiB(proxyPid);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(proxyPid))), 50);
  const started = performance.now();
  const streamed = await download(`${subject.base}/${subject.name("bench/big")}/blobs/${blob1g}`, subject.auth);
  clearInterval(sampler);
  if (streamed !== 1024 * MiB) throw new Error(`got ${streamed} bytes of the 1 GiB blob`);
  console.log(`\nStreaming 1 GiB through the proxy (${(1024 / ((performance.now() - started) / 1000)).toFixed(0)} MiB/s): RSS ${baseline.toFixed(0)} MiB before, peak ${peak.toFixed(0)} MiB, growth ${(peak - baseline).toFixed(1)} MiB (target < 64 MiB)`);
  console.log(`\nMachine: ${os.cpus().length} cores, load average ${os.loadavg().map((v) => v.toFixed(1)).join(" ")} (figures on a shared machine are indicative only).`);
  await prisma.$disconnect();
} finally {
  for (const child of children) child.kill("SIGTERM");
  await new Promise((resolve) => setTimeout(resolve, 500));
  await database.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

function startChild(label: string, args: string[], ready: RegExp, extraEnv: Record<string, string> = {}): Promise<RegExpExecArray> {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: root, env: { ...process.env, ...env, ...extraEnv }, stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = ready.exec(output);
      if (match) {
        resolve(match);
        // From now on the child's log lines (pino JSON: warnings and errors only) go to stderr.
        child.stdout!.removeAllListeners("data");
        child.stdout!.on("data", (more: Buffer) => {
          for (const line of more.toString("utf8").split("\n")) if (line.startsWith("{")) process.stderr.write(`${label}: ${line}\n`);
        });
      }
    });
    child.once("exit", (code) => reject(new Error(`${label} exited with ${code} before it was ready:\n${output}`)));
  });
}

async function control<T>(pathname: string, body: object): Promise<T> {
  const response = await fetch(`${awsUrl}${pathname}`, { method: "POST", body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`local AWS ${pathname}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function proxyToken(licenseId: string, names: string[]): Promise<string> {
  const scopes = names.map((name) => `scope=${encodeURIComponent(`repository:${name}:pull`)}`).join("&");
  const response = await fetch(`${proxyUrl}/v2/token?service=${new URL(proxyUrl).host}&${scopes}`, { headers: { authorization: `Basic ${Buffer.from(`${licenseId}:${licenseId}`).toString("base64")}` } });
  if (!response.ok) throw new Error(`token: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/** GET, following redirects as registry clients do (without Authorization on another host); resolves with the byte count. */
function download(url: string, authorization: string | undefined, hops = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: authorization ? { authorization } : {} }, (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && response.headers.location && hops < 3) {
          response.resume();
          const next = new URL(response.headers.location, url);
          return resolve(download(next.toString(), next.host === new URL(url).host ? authorization : undefined, hops + 1));
        }
        if (status !== 200) return reject(new Error(`GET ${url}: ${status}`));
        let bytes = 0;
        response.on("data", (chunk: Buffer) => (bytes += chunk.length));
        response.once("end", () => resolve(bytes));
        response.once("error", reject);
      })
      .once("error", reject);
  });
}

function head(url: string, authorization: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "HEAD", agent, headers: { authorization, accept: "application/vnd.oci.image.manifest.v1+json" } }, (response) => {
      response.resume();
      response.once("end", () => resolve(response.statusCode ?? 0));
    });
    request.once("error", reject);
    request.end();
  });
}

async function headLatencies(url: string, authorization: string, clients: number, total: number): Promise<number[]> {
  const samples: number[] = [];
  let remaining = total;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (remaining-- > 0) {
      const started = performance.now();
      const status = await head(url, authorization);
      if (status !== 200) throw new Error(`HEAD ${url}: ${status}`);
      samples.push(performance.now() - started);
    }
  }));
  return samples;
}

/** utime + stime of a process, in ms (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
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
