// `npm run bench:memory`: the resident memory of every process the portal
// leaves running, started exactly as a vendor starts it (`npm start`, which
// returns once the portal is healthy; the build must exist). Reports RSS and
// PSS (from /proc/<pid>/smaps_rollup; PSS divides shared pages, such as the
// node binary or PostgreSQL's shared buffers, among the processes sharing
// them, so a sum of PSS is what the tree really holds) of each process just
// after start, idle after some use, then the peak of each while one 1 GiB layer streams through /v2/ to a
// client that checks its sha256 (a license's token; the local AWS's ECR is the
// upstream, set up as in bench:proxy), with the front process's CPU per
// 256 MiB beside it, and the totals. Ends with `npm stop`. A benchmark, not
// a test: it prints figures (docs/measurements.md).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { benchPortalSetup, download, localAwsControl, proxyToken, setUpBenchVendor, startChild, startPortalAsNpmStart } from "./lib/bench-children";
import { commandLineOf, cpuTimeMs, executableResidentMiB, portalProcesses, residentMemory, type PortalRole } from "./lib/portal-process-tree";
import { FRONT_V8_FLAGS, MALLOC_DEFAULTS } from "./lib/portal-processes";
import { readProcessStat } from "@/lib/db/postgres-supervisor";

const MiB = 1024 * 1024;
const REGION = "us-east-1";
const ACCOUNT = { accountId: "111111111111", accessKeyId: "AKIABENCHMEMORY00001", secretAccessKey: "benchMemorySecretKey00000000000000000001" };
const root = path.resolve(import.meta.dirname, "..");
const ROLES: PortalRole[] = ["supervisor", "front", "Next.js", "PostgreSQL", "other"];

const { dataDir, awsPort, awsUrl, portalUrl, env } = await benchPortalSetup("memory");
const bench = { root, env, children: [] as ChildProcess[] };

type Sample = Record<PortalRole, { rss: number; pss: number; pids: number[] }>;

/** Every process of the tree now, summed by role. */
function sample(supervisorPid: number): Sample {
  const byRole = Object.fromEntries(ROLES.map((role) => [role, { rss: 0, pss: 0, pids: [] as number[] }])) as Sample;
  for (const member of portalProcesses(supervisorPid)) {
    const memory = residentMemory(member.pid);
    if (!memory) continue;
    byRole[member.role].rss += memory.rss;
    byRole[member.role].pss += memory.pss;
    byRole[member.role].pids.push(member.pid);
  }
  return byRole;
}
const total = (at: Sample, field: "rss" | "pss") => ROLES.reduce((sum, role) => sum + at[role][field], 0);

let supervisorPid = 0;
let stopPortal: (() => Promise<void>) | undefined;
try {
  await startChild(bench, "local AWS", ["tools/local-aws/cli.ts", "--port", String(awsPort), "--account", `${ACCOUNT.accountId}:${ACCOUNT.accessKeyId}:${ACCOUNT.secretAccessKey}`], /Local AWS .* on /);

  console.log("Starting the portal with `npm start` (embedded PostgreSQL)…");
  const portal = await startPortalAsNpmStart(bench);
  ({ pid: supervisorPid, stop: stopPortal } = portal);
  const parent = readProcessStat(supervisorPid)?.ppid ?? 0;
  const parentCommand = parent === 1 ? "init" : commandLineOf(parent).slice(0, 60);
  Object.assign(process.env, env, { DATABASE_URL: portal.databaseUrl, NODE_ENV: "production" });
  await sleep(10_000);
  const fresh = sample(supervisorPid);

  // The vendor's side (OIDC provider, role, tested IAM registry, customer), then a small pull so the
  // ECR credential exchange has happened before the measured stream, as on a portal in use.
  const { prisma, licenseId, proxyName } = await setUpBenchVendor({ awsUrl, account: ACCOUNT, region: REGION, portalUrl, roleName: "BenchMemory" });
  const image = await localAwsControl<{ layerDigests: string[] }>(awsUrl, "/_local/synthetic-images", { accountId: ACCOUNT.accountId, region: REGION, repository: "bench/memory", tag: "1", layerSizes: [64 * 1024, 1024 * MiB] });
  const [small, big] = image.layerDigests as [string, string];
  const token = await proxyToken(portalUrl, licenseId, [proxyName("bench/memory")]);
  const blobUrl = (digest: string) => `${portalUrl}/v2/${proxyName("bench/memory")}/blobs/${digest}`;
  await download(undefined, blobUrl(small), `Bearer ${token}`, small);
  await prisma.$disconnect();

  await sleep(10_000);
  const idle = sample(supervisorPid);

  const front = idle.front.pids[0]!;
  const peak = sample(supervisorPid);
  let peakTotal = { rss: 0, pss: 0 };
  const sampler = setInterval(() => {
    const now = sample(supervisorPid);
    for (const role of ROLES) for (const field of ["rss", "pss"] as const) peak[role][field] = Math.max(peak[role][field], now[role][field]);
    peakTotal = { rss: Math.max(peakTotal.rss, total(now, "rss")), pss: Math.max(peakTotal.pss, total(now, "pss")) };
  }, 100);
  const cpuBefore = cpuTimeMs(front);
  const startedAt = performance.now();
  await download(undefined, blobUrl(big), `Bearer ${token}`, big);
  const seconds = (performance.now() - startedAt) / 1000;
  const frontCpuPer256 = (cpuTimeMs(front) - cpuBefore) / 4;
  clearInterval(sampler);
  await sleep(5_000);
  const after = sample(supervisorPid);
  const frontExecutable = executableResidentMiB(front);

  // The reference: a node process that does nothing, started as the front is (same flags, same malloc settings), in its own process.
  const bare = spawn(process.execPath, [...FRONT_V8_FLAGS, "-e", "setInterval(() => {}, 1000)"], { env: { ...process.env, ...MALLOC_DEFAULTS }, stdio: "ignore" });
  bench.children.push(bare);
  await sleep(2_000);
  const bareMemory = residentMemory(bare.pid!);
  const bareExecutable = executableResidentMiB(bare.pid!);
  bare.kill("SIGTERM");

  const cell = (value: number) => value.toFixed(0);
  console.log(`\n## Resident memory of the portal started by \`npm start\` (MiB; RSS and PSS from /proc/<pid>/smaps_rollup)`);
  console.log(`Machine: ${os.cpus().length} cores, load average ${os.loadavg().map((value) => value.toFixed(1)).join(" ")}; node ${process.version}.`);
  console.log(`The supervisor's parent once \`npm start\` returned: pid ${parent} (${parentCommand}): ${/npm/.test(parentCommand) ? "npm is still there" : "no npm process is left"}.\n`);
  console.log("| process | pids | RSS just started | PSS just started | RSS idle in use | PSS idle in use | RSS peak, streaming 1 GiB | PSS peak, streaming | RSS 5 s after | PSS after |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const role of ROLES) {
    if (idle[role].pids.length === 0) continue;
    const pids = role === "PostgreSQL" ? `${idle[role].pids.length} processes` : idle[role].pids.join(" ");
    console.log(`| ${role} | ${pids} | ${cell(fresh[role].rss)} | ${cell(fresh[role].pss)} | ${cell(idle[role].rss)} | ${cell(idle[role].pss)} | ${cell(peak[role].rss)} | ${cell(peak[role].pss)} | ${cell(after[role].rss)} | ${cell(after[role].pss)} |`);
  }
  console.log(`| whole tree | | ${cell(total(fresh, "rss"))} | ${cell(total(fresh, "pss"))} | ${cell(total(idle, "rss"))} | ${cell(total(idle, "pss"))} | ${cell(peakTotal.rss)} | ${cell(peakTotal.pss)} | ${cell(total(after, "rss"))} | ${cell(total(after, "pss"))} |`);
  console.log(
    `\nThe front process 5 s after: RSS ${cell(after.front.rss)} MiB, of which ${cell(frontExecutable)} MiB are pages of the node binary (shared with every node process) and ${cell(after.front.rss - frontExecutable)} MiB the rest. A node process that does nothing, started as the front is: RSS ${cell(bareMemory?.rss ?? 0)} MiB (${cell(bareExecutable)} MiB of them the node binary's), PSS ${cell(bareMemory?.pss ?? 0)} MiB.`,
  );
  console.log(`The 1 GiB layer: ${(1024 / seconds).toFixed(0)} MiB/s, sha256 checked; the front process's CPU ${frontCpuPer256.toFixed(0)} ms per 256 MiB.`);
  console.log("Just started: 10 s after `npm start` returned. Idle in use: after a vendor's setup (sign-up, a tested ECR registry, a customer) and one small pull, which loads the AWS SDK in the front process for the ECR login, 10 s later.");
  console.log("Targets: whole tree <= 350 MiB idle (PSS: RSS counts the shared node binary and shared buffers once per process); the front process <= 100 MiB while streaming 1 GiB.");
} finally {
  await stopPortal?.();
  for (const child of bench.children) child.kill("SIGTERM");
  await sleep(500);
  fs.rmSync(dataDir, { recursive: true, force: true });
}



function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
