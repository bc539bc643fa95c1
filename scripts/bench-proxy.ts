// `npm run bench:proxy`: the pull path of the server that ships, measured
// from outside beside the reference registry. Processes on loopback, each
// its own process tree: the local AWS (its ECR registry endpoint is the
// upstream of everything, and pulled directly it is the "direct" reference);
// the portal exactly as `npm start` leaves it running (the supervisor with its
// embedded PostgreSQL, the front process and the Next.js process); Debian's
// docker-registry (the CNCF reference registry) in pull-through mode
// (proxy.remoteurl) in front of the same upstream (reached through an
// instance of the pass-through that adds the ECR login, see
// passthrough-bench-server.ts), warm (its storage already
// holds the blobs) and, once per round, cold (a fresh instance with empty
// storage); a bare node:http pass-through (scripts/lib/passthrough-bench-
// server.ts: the least any process in the path can cost); and this script,
// the load generator, which alternates the targets over BENCH_ROUNDS rounds
// (default 3) and checks the sha256 of every blob it receives. CPU per unit
// of work is read from /proc for each target's whole process tree (user +
// system), which stays comparable on a busy machine where wall clock does
// not. Reports one 256 MiB blob (warm: pulled WARM_PULLS times in each
// measure, so that /proc's 10 ms ticks are a small part of the figure; cold:
// once); 200 blobs of 64 KiB at 16 clients; warm
// manifest HEAD latency at 50 clients; resident memory of every process of
// the portal's tree idle, and of the front process while it streams 1 GiB;
// and the upstream calls made by 100 concurrent cold pulls. A benchmark, not
// a test: it prints figures (docs/measurements.md). Each round also hashes
// 256 MiB in a process of its own (scripts/lib/sha256-bench.ts): with the
// pass-through, the least a proxy that verifies every byte it sends can
// cost. BENCH_PROXY_BLOB_CACHE=1
// turns the portal's blob cache on (the warm-up fills it; the cold pull of
// each round finds it emptied). BENCH_SOAK_MINUTES=N then loads the portal
// for N minutes with mixed pulls (256 MiB blobs, 64 KiB blobs and manifest
// HEADs at once, several clients) and measures the 256 MiB pull again,
// alternating with the warm peer, to show whether a long-lived process
// still costs what a fresh one does.
import { spawn, type ChildProcess } from "node:child_process";
import { benchPortalSetup, download, freePort, localAwsControl, proxyToken, setUpBenchVendor, sleep, startChild, startPortalAsNpmStart, stopProcess, waitUntil } from "./lib/bench-children";
import { median, percentile, sum } from "./lib/bench-stats";
import { commandLineOf, cpuTimeMs, processTree, pssMiB, rssMiB, treeCpuMs } from "./lib/portal-process-tree";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

const ROUNDS = Math.max(2, Number(process.env.BENCH_ROUNDS || 3));
/** Pulls of the 256 MiB blob in one warm measure (its CPU is reported per pull). */
const WARM_PULLS = 4;
const MiB = 1024 * 1024;
const REGION = "us-east-1";
const ACCOUNT = { accountId: "111111111111", accessKeyId: "AKIABENCHPROXY000001", secretAccessKey: "benchProxySecretKey000000000000000000001" };
const root = path.resolve(import.meta.dirname, "..");
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const cacheOn = process.env.BENCH_PROXY_BLOB_CACHE === "1";
const SOAK_MINUTES = Math.max(0, Number(process.env.BENCH_SOAK_MINUTES || 0));

// The benchmark makes thousands of requests with one license in a minute.
const { dataDir, awsPort, awsUrl, portalUrl, env } = await benchPortalSetup("proxy", { PROXY_RATE_LIMIT_PER_MINUTE: "100000000" });
const [passthroughPort, peerPort] = [await freePort(), await freePort()];
const blobCacheDir = path.join(dataDir, "blob-cache");
// The 256 MiB and 64 KiB blobs fit; the 1 GiB blob is above a quarter of the cache and streams.
if (cacheOn) Object.assign(env, { PROXY_BLOB_CACHE_DIR: blobCacheDir, PROXY_BLOB_CACHE_MAX_MB: "2048" });
const children: ChildProcess[] = [];
const bench = { root, env, children };
let stopPortal: (() => Promise<void>) | undefined;

try {
  await startChild(bench, "local AWS", ["tools/local-aws/cli.ts", "--port", String(awsPort), "--account", `${ACCOUNT.accountId}:${ACCOUNT.accessKeyId}:${ACCOUNT.secretAccessKey}`], /Local AWS .* on /);
  const awsPid = children.at(-1)!.pid!;

  // The portal as `npm start` runs it (the production build must exist: `npm run build`).
  console.log("Starting the portal with `npm start` (embedded PostgreSQL)…");
  const running = await startPortalAsNpmStart(bench);
  stopPortal = running.stop;
  const portalPid = running.pid;
  Object.assign(process.env, env, { DATABASE_URL: running.databaseUrl, NODE_ENV: "production" });
  const { resetEnvCache } = await import("@/lib/env");
  resetEnvCache();
  await sleep(5_000);
  const idleMemory = treeMemory(portalPid);

  // The vendor's side, through the portal's own services: OIDC provider, role, IAM registry (tested), customer.
  const { GetAuthorizationTokenCommand } = await import("@aws-sdk/client-ecr");
  const { prisma, vendor, hostname, licenseId, proxyName } = await setUpBenchVendor({ awsUrl, account: ACCOUNT, region: REGION, portalUrl, roleName: "BenchProxy" });

  console.log("Pushing synthetic blobs into the local AWS (1 GiB + 256 MiB + 200 x 64 KiB)…");
  const big = await localAwsControl<{ digest: string; layerDigests: string[] }>(awsUrl, "/_local/synthetic-images", { accountId: ACCOUNT.accountId, region: REGION, repository: "bench/big", tag: "1", layerSizes: [256 * MiB, 1024 * MiB] });
  const small = await localAwsControl<{ digest: string; layerDigests: string[] }>(awsUrl, "/_local/synthetic-images", { accountId: ACCOUNT.accountId, region: REGION, repository: "bench/small", tag: "1", layerSizes: Array.from({ length: 200 }, () => 64 * 1024) });
  const [blob256, blob1g] = big.layerDigests as [string, string];

  const token = await proxyToken(portalUrl, licenseId, [proxyName("bench/big"), proxyName("bench/small")]);
  const ecrLogin = (await vendor.ecr(REGION).send(new GetAuthorizationTokenCommand({}))).authorizationData![0]!.authorizationToken!;
  const passthroughPid = Number((await startChild(bench, "pass-through", ["scripts/lib/passthrough-bench-server.ts"], /^READY \d+ (\d+)/m, { PORT: String(passthroughPort), BENCH_PASSTHROUGH_UPSTREAM: `${awsUrl}/_registry/${hostname}` }))[1]);
  // The peer's way to the same upstream: its own pass-through adding the ECR login (not counted in the peer's CPU; only its cold pulls use it).
  const peerUpstreamPort = await freePort();
  await startChild(bench, "peer's upstream", ["scripts/lib/passthrough-bench-server.ts"], /^READY \d+ (\d+)/m, { PORT: String(peerUpstreamPort), BENCH_PASSTHROUGH_UPSTREAM: `${awsUrl}/_registry/${hostname}`, BENCH_PASSTHROUGH_AUTHORIZATION: `Basic ${ecrLogin}` });
  const peerUpstream = `http://127.0.0.1:${peerUpstreamPort}`;
  const peer = await startPeer(peerPort, peerUpstream);

  type Target = { label: string; base: string; auth: string | undefined; name: (repository: string) => string; pid: () => number };
  const subject: Target = { label: "portal", base: `${portalUrl}/v2`, auth: `Bearer ${token}`, name: proxyName, pid: () => portalPid };
  const direct: Target = { label: "direct", base: `${awsUrl}/_registry/${hostname}/v2`, auth: `Basic ${ecrLogin}`, name: (repository) => repository, pid: () => awsPid };
  const passthrough: Target = { label: "pass-through", base: `http://127.0.0.1:${passthroughPort}/v2`, auth: `Basic ${ecrLogin}`, name: (repository) => repository, pid: () => passthroughPid };
  const peerWarm: Target = { label: "peer (warm)", base: `http://127.0.0.1:${peerPort}/v2`, auth: undefined, name: (repository) => repository, pid: () => peer.pid! };
  const targets = [direct, passthrough, peerWarm, subject];

  // Cold: a fresh portal has no upstream login; 100 concurrent pulls must share one exchange.
  const before = await localAwsControl<Record<string, number>>(awsUrl, "/_local/calls", {});
  const cold = await Promise.all(Array.from({ length: 100 }, () => head(`${subject.base}/${subject.name("bench/small")}/manifests/1`, subject.auth!)));
  const after = await localAwsControl<Record<string, number>>(awsUrl, "/_local/calls", {});
  const delta = (key: string) => (after[key] ?? 0) - (before[key] ?? 0);
  console.log(`\nCold single-flight: 100 concurrent manifest HEADs (${cold.filter((status) => status === 200).length} x 200) caused ${delta("sts:AssumeRoleWithWebIdentity")} AssumeRoleWithWebIdentity and ${delta("ecr:GetAuthorizationToken")} GetAuthorizationToken (target: 1 and 1)`);

  type Measure = "256 MiB" | "256 MiB after load" | "256 MiB cold" | "64 KiB x 200, 16 clients" | "manifest HEAD, 50 clients";
  const speed = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  const heads = new Map<string, number[][]>();
  const push = (map: Map<string, number[]>, key: string, value: number) => map.set(key, [...(map.get(key) ?? []), value]);
  const measure = async (target: Target, what: Measure, units: number, work: () => Promise<number>) => {
    const cpuBefore = treeCpuMs(target.pid());
    const rolesBefore = target === subject ? treeCpuByRole(target.pid()) : {};
    const started = performance.now();
    const bytes = await work();
    const seconds = (performance.now() - started) / 1000;
    push(cpu, `${target.label}|${what}`, (treeCpuMs(target.pid()) - cpuBefore) / units);
    if (target === subject) for (const [role, ms] of Object.entries(treeCpuByRole(target.pid()))) push(cpu, `portal: ${role}|${what}`, (ms - (rolesBefore[role] ?? 0)) / units);
    if (bytes > 0) push(speed, `${target.label}|${what}`, bytes / MiB / seconds);
  };
  // What each target's tree burns doing nothing, in the second before its 256 MiB measure (the same pause for every target):
  // work left over from the previous phase (garbage collection, a background worker) is charged to whichever measure it overlaps.
  const idle = new Map<string, number[]>();
  const idleCpu = async (target: Target) => {
    const before = treeCpuMs(target.pid());
    await sleep(1_000);
    push(idle, target.label, treeCpuMs(target.pid()) - before);
  };
  const pullBig = async (target: Target, times: number) => {
    let total = 0;
    for (let pull = 0; pull < times; pull++) total += await download(agent, `${target.base}/${target.name("bench/big")}/blobs/${blob256}`, target.auth, blob256);
    return total;
  };
  const pullSmall = async (target: Target) => {
    const queue = [...small.layerDigests];
    let total = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let digest = queue.shift(); digest; digest = queue.shift()) {
        const bytes = await download(agent, `${target.base}/${target.name("bench/small")}/blobs/${digest}`, target.auth, digest);
        total += bytes;
      }
    }));
    if (total !== 200 * 64 * 1024) throw new Error(`${target.label}: got ${total} bytes of the small blobs`);
    return total;
  };

  // Warm-up, not measured: every target's first pulls (JIT, connections, storage locations, the peer's storage, the portal's cache).
  for (const target of targets) {
    await download(agent, `${target.base}/${target.name("bench/big")}/blobs/${blob256}`, target.auth, blob256);
    await pullSmall(target);
    await headLatencies(`${target.base}/${target.name("bench/small")}/manifests/1`, target.auth, 10, 100);
  }
  for (let round = 0; round < ROUNDS; round++) {
    console.log(`round ${round + 1} of ${ROUNDS}…`);
    // Tokens last 5 minutes, and a round on a busy machine may take longer.
    subject.auth = `Bearer ${await proxyToken(portalUrl, licenseId, [proxyName("bench/big"), proxyName("bench/small")])}`;
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) {
      await idleCpu(target);
      await measure(target, "256 MiB", WARM_PULLS, () => pullBig(target, WARM_PULLS));
    }
    // What hashing 256 MiB costs by itself, in its own process (with the cache on, warm pulls are not hashed).
    if (!cacheOn) push(cpu, "sha256 alone|256 MiB", Number((await startChild(bench, "sha256", ["scripts/lib/sha256-bench.ts"], /^SHA256 ([\d.]+)/m))[1]));
    // Cold: the peer with empty storage (a fresh instance); the portal with its cache emptied (with the cache off every pull is cold).
    for (const coldTarget of round % 2 === 0 ? ["peer", "portal"] : ["portal", "peer"]) {
      if (coldTarget === "peer") {
        const fresh = await startPeer(await freePort(), peerUpstream);
        const target: Target = { ...peerWarm, label: "peer (cold)", base: `http://127.0.0.1:${fresh.port}/v2`, pid: () => fresh.pid! };
        await measure(target, "256 MiB cold", 1, () => download(agent, `${target.base}/bench/big/blobs/${blob256}`, undefined, blob256));
        await stopProcess(fresh);
      } else {
        if (cacheOn) fs.rmSync(blobCacheDir, { recursive: true, force: true });
        await measure(subject, "256 MiB cold", 1, () => download(agent, `${subject.base}/${subject.name("bench/big")}/blobs/${blob256}`, subject.auth, blob256));
      }
    }
    for (const target of order) await measure(target, "64 KiB x 200, 16 clients", 200, () => pullSmall(target));
    for (const target of order) {
      await measure(target, "manifest HEAD, 50 clients", 2000, async () => {
        heads.set(target.label, [...(heads.get(target.label) ?? []), await headLatencies(`${target.base}/${target.name("bench/small")}/manifests/1`, target.auth, 50, 2000)]);
        return 0;
      });
    }
  }

  // Long load, then the 256 MiB pull again: does a process that has worked for a while still cost what a fresh one does?
  let soakPulls = 0;
  if (SOAK_MINUTES > 0) {
    console.log(`long load: mixed pulls for ${SOAK_MINUTES} min…`);
    const until = Date.now() + SOAK_MINUTES * 60_000;
    let tokenAt = 0;
    while (Date.now() < until) {
      if (Date.now() - tokenAt > 120_000) {
        subject.auth = `Bearer ${await proxyToken(portalUrl, licenseId, [proxyName("bench/big"), proxyName("bench/small")])}`;
        tokenAt = Date.now();
      }
      await Promise.all([
        download(agent, `${subject.base}/${subject.name("bench/big")}/blobs/${blob256}`, subject.auth, blob256),
        download(agent, `${subject.base}/${subject.name("bench/big")}/blobs/${blob256}`, subject.auth, blob256),
        pullSmall(subject),
        headLatencies(`${subject.base}/${subject.name("bench/small")}/manifests/1`, subject.auth, 20, 400),
      ]);
      soakPulls += 2 + 200 + 400;
    }
    subject.auth = `Bearer ${await proxyToken(portalUrl, licenseId, [proxyName("bench/big"), proxyName("bench/small")])}`;
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of round % 2 === 0 ? [subject, peerWarm] : [peerWarm, subject]) await measure(target, "256 MiB after load", WARM_PULLS, () => pullBig(target, WARM_PULLS));
    }
  }

  // Memory: the front process's resident set while it streams 1 GiB to a client that reads as fast as it can.
  subject.auth = `Bearer ${await proxyToken(portalUrl, licenseId, [proxyName("bench/big")])}`;
  const front = processTree(portalPid).find((pid) => commandLineOf(pid).includes("portal-proxy.mjs"));
  let peak = front ? rssMiB(front) : 0;
  const frontBefore = peak;
  const sampler = setInterval(() => front && (peak = Math.max(peak, rssMiB(front))), 50);
  const started = performance.now();
  await download(agent, `${subject.base}/${subject.name("bench/big")}/blobs/${blob1g}`, subject.auth, blob1g);
  clearInterval(sampler);
  const gibSpeed = 1024 / ((performance.now() - started) / 1000);
  const loadedMemory = treeMemory(portalPid);

  const med = (map: Map<string, number[]>, key: string) => median(map.get(key) ?? [NaN]);
  const rounds = (map: Map<string, number[]>, key: string, digits: number) => (map.get(key) ?? []).map((value) => value.toFixed(digits)).join("/");
  console.log(`\n## Pull path: ${ROUNDS} alternating rounds (256 MiB warm: ${WARM_PULLS} pulls per measure, CPU per pull), portal blob cache ${cacheOn ? "ON (warm: the warm-up filled it)" : "off (every pull streamed and hashed)"}; every blob's sha256 checked by the client`);
  console.log(`Machine: ${os.cpus().length} cores, load average ${os.loadavg().map((v) => v.toFixed(1)).join(" ")} at the end (a shared machine: wall-clock figures are noisy, CPU per unit is the stable measure).\n`);
  console.log("| measure | portal MiB/s | portal CPU ms/unit | peer MiB/s | peer CPU ms/unit | CPU portal/peer | direct MiB/s | pass-through MiB/s | portal/direct speed | CPU ms/unit: direct (local AWS), pass-through |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const what of ["256 MiB", "256 MiB cold", "64 KiB x 200, 16 clients"] as const) {
    const peerLabel = what === "256 MiB cold" ? "peer (cold)" : "peer (warm)";
    const key = (label: string) => `${label}|${what}`;
    const ratio = med(cpu, key("portal")) / med(cpu, key(peerLabel));
    const directSpeed = what === "256 MiB cold" ? med(speed, "direct|256 MiB") : med(speed, key("direct"));
    console.log(
      `| ${what}${what === "256 MiB cold" ? "" : ", peer warm"} | ${med(speed, key("portal")).toFixed(0)} (${rounds(speed, key("portal"), 0)}) | ${med(cpu, key("portal")).toFixed(what.startsWith("64") ? 2 : 0)} (${rounds(cpu, key("portal"), what.startsWith("64") ? 2 : 0)}) | ${med(speed, key(peerLabel)).toFixed(0)} | ${med(cpu, key(peerLabel)).toFixed(what.startsWith("64") ? 2 : 0)} (${rounds(cpu, key(peerLabel), what.startsWith("64") ? 2 : 0)}) | ${ratio.toFixed(2)}× | ${directSpeed.toFixed(0)} | ${what === "256 MiB cold" ? "" : med(speed, key("pass-through")).toFixed(0)} | ${((med(speed, key("portal")) / directSpeed) * 100).toFixed(0)}% | ${what === "256 MiB cold" ? "" : `${med(cpu, key("direct")).toFixed(what.startsWith("64") ? 2 : 0)}, ${med(cpu, key("pass-through")).toFixed(what.startsWith("64") ? 2 : 0)}`} |`,
    );
  }
  /** One target's CPU over another's, round by round ("2.30×/…"). */
  const perRound = (ours: number[], theirs: number[]) => ours.map((ms, index) => `${(ms / theirs[index]!).toFixed(2)}×`).join("/");
  const cpuOf = (key: string) => cpu.get(key) ?? [];
  console.log(`\nCPU portal/peer per round, 256 MiB, peer warm: ${perRound(cpuOf("portal|256 MiB"), cpuOf("peer (warm)|256 MiB"))}; pass-through/peer: ${perRound(cpuOf("pass-through|256 MiB"), cpuOf("peer (warm)|256 MiB"))}.`);
  // With the cache on, a warm pull is read from disk, not hashed: no such floor applies.
  if (!cacheOn) {
    const [passthroughMs, hashMs, portalMs] = [med(cpu, "pass-through|256 MiB"), med(cpu, "sha256 alone|256 MiB"), med(cpu, "portal|256 MiB")];
    const floor = passthroughMs + hashMs;
    console.log(
      `Floor for a proxy that checks the digest of every byte it sends, 256 MiB: the pass-through ${passthroughMs.toFixed(0)} ms + sha256 alone ${hashMs.toFixed(0)} ms (${rounds(cpu, "sha256 alone|256 MiB", 0)}; its own process) = ${floor.toFixed(0)} ms, ${(floor / med(cpu, "peer (warm)|256 MiB")).toFixed(2)}× the warm peer; the portal ${portalMs.toFixed(0)} ms, ${(portalMs - floor).toFixed(0)} ms above that floor.`,
    );
  }
  console.log(`CPU portal/peer per round, 64 KiB x 200, peer warm: ${perRound(cpuOf("portal|64 KiB x 200, 16 clients"), cpuOf("peer (warm)|64 KiB x 200, 16 clients"))}.`);
  console.log(`Each target's CPU (ms) in the idle second before its 256 MiB measure, per round: ${targets.map((target) => `${target.label} ${(idle.get(target.label) ?? []).map((ms) => ms.toFixed(0)).join("/")}`).join(", ")}.`);
  if (SOAK_MINUTES > 0) {
    const key = (label: string) => `${label}|256 MiB after load`;
    const ours = cpuOf(key("portal"));
    const theirs = cpuOf(key("peer (warm)"));
    console.log(`\nAfter ${SOAK_MINUTES} min of mixed load (${soakPulls} requests: 256 MiB and 64 KiB blobs, manifest HEADs), 256 MiB, ${ROUNDS} alternating measures: portal CPU ms ${ours.map((ms) => ms.toFixed(0)).join("/")}, peer (warm) ${theirs.map((ms) => ms.toFixed(0)).join("/")}, ratio per measure ${perRound(ours, theirs)}; portal MiB/s ${rounds(speed, key("portal"), 0)}, peer ${rounds(speed, key("peer (warm)"), 0)}.`);
  }
  console.log("\nThe portal's CPU per unit by process (median of rounds, ms; per round in brackets):");
  for (const what of ["256 MiB", ...(SOAK_MINUTES > 0 ? (["256 MiB after load"] as const) : []), "256 MiB cold", "64 KiB x 200, 16 clients", "manifest HEAD, 50 clients"] as const) {
    const parts = [...cpu.keys()].filter((key) => key.startsWith("portal: ") && key.endsWith(`|${what}`)).map((key) => `${key.slice(8, key.indexOf("|"))} ${med(cpu, key).toFixed(what.startsWith("256") ? 0 : 2)} (${rounds(cpu, key, what.startsWith("256") ? 0 : 2)})`);
    console.log(`- ${what}: ${parts.join(", ")}`);
  }
  console.log("\n| manifest HEAD, 50 clients, 2000 requests per round | p50 ms | p99 ms (per round) | CPU ms per HEAD (per round) |");
  console.log("|---|---|---|---|");
  for (const target of targets) {
    const samples = heads.get(target.label) ?? [];
    const key = `${target.label}|manifest HEAD, 50 clients`;
    console.log(`| ${target.label} | ${percentile(samples.flat(), 50).toFixed(1)} | ${percentile(samples.flat(), 99).toFixed(1)} (${samples.map((round) => percentile(round, 99).toFixed(0)).join("/")}) | ${med(cpu, key).toFixed(2)} (${rounds(cpu, key, 2)}) |`);
  }
  console.log("\n| memory, MiB | RSS idle | PSS idle | RSS after the benchmark | PSS after |");
  console.log("|---|---|---|---|---|");
  const cell = (value: number | undefined) => (value === undefined ? "-" : value.toFixed(0));
  for (const role of new Set([...Object.keys(idleMemory), ...Object.keys(loadedMemory)])) console.log(`| ${role} | ${cell(idleMemory[role]?.rss)} | ${cell(idleMemory[role]?.pss)} | ${cell(loadedMemory[role]?.rss)} | ${cell(loadedMemory[role]?.pss)} |`);
  const total = (memory: Record<string, { rss: number; pss: number }>, field: "rss" | "pss") => sum(Object.values(memory).map((entry) => entry[field]));
  console.log(`| whole tree | ${total(idleMemory, "rss").toFixed(0)} | ${total(idleMemory, "pss").toFixed(0)} | ${total(loadedMemory, "rss").toFixed(0)} | ${total(loadedMemory, "pss").toFixed(0)} |`);
  console.log(`| peer (docker-registry, warm) | | | ${rssMiB(peer.pid!).toFixed(0)} | ${pssMiB(peer.pid!).toFixed(0)} |`);
  console.log(`\nStreaming 1 GiB through the portal (${gibSpeed.toFixed(0)} MiB/s): front process RSS ${frontBefore.toFixed(0)} MiB before, peak ${peak.toFixed(0)} MiB (target <= 100 MiB).`);
  await prisma.$disconnect();
} finally {
  await stopPortal?.();
  for (const child of children) await stopProcess(child);
  fs.rmSync(dataDir, { recursive: true, force: true });
}

/** docker-registry in pull-through mode (proxy.remoteurl) in front of the local AWS's registry endpoint. */
async function startPeer(port: number, remoteUrl: string): Promise<ChildProcess & { port: number }> {
  const storage = fs.mkdtempSync(path.join(dataDir, "peer-"));
  const config = path.join(storage, "config.yml");
  fs.writeFileSync(
    config,
    [
      "version: 0.1",
      "log:",
      "  level: error",
      "storage:",
      "  cache:",
      "    blobdescriptor: inmemory",
      "  filesystem:",
      `    rootdirectory: ${path.join(storage, "data")}`,
      "http:",
      `  addr: 127.0.0.1:${port}`,
      "proxy:",
      `  remoteurl: ${remoteUrl}`,
      "",
    ].join("\n"),
  );
  const child = Object.assign(spawn("docker-registry", ["serve", config], { stdio: ["ignore", "ignore", "inherit"], env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NODE_ENV: "production" } }), { port });
  children.push(child);
  await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/v2/`)).ok, "docker-registry", 30_000);
  return child;
}


function head(url: string, authorization: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "HEAD", agent, headers: { ...(authorization ? { authorization } : {}), accept: "application/vnd.oci.image.manifest.v1+json" } }, (response) => {
      response.resume();
      response.once("end", () => resolve(response.statusCode ?? 0));
    });
    request.once("error", reject);
    request.end();
  });
}

async function headLatencies(url: string, authorization: string | undefined, clients: number, total: number): Promise<number[]> {
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

function roleOf(pid: number): string {
  const command = commandLineOf(pid);
  return command.includes("portal-proxy.mjs") ? "front process (/v2/, OIDC)" : command.includes("portal-server.mjs") ? "Next.js process" : command.includes("dist/start.mjs") ? "supervisor (dist/start.mjs)" : /postgres/.test(command) ? "PostgreSQL (all its processes)" : /npm/.test(command) ? "npm" : `other: ${command.slice(0, 40)}`;
}

function treeCpuByRole(pid: number): Record<string, number> {
  const roles: Record<string, number> = {};
  for (const member of processTree(pid)) {
    try {
      roles[roleOf(member)] = (roles[roleOf(member)] ?? 0) + cpuTimeMs(member);
    } catch {
      // exited meanwhile
    }
  }
  return roles;
}

/** Resident memory of a process tree by role (the portal's: npm, supervisor, front, Next.js, PostgreSQL). */
function treeMemory(pid: number): Record<string, { rss: number; pss: number }> {
  const roles: Record<string, { rss: number; pss: number }> = {};
  for (const member of processTree(pid)) {
    const role = roleOf(member);
    try {
      const [rss, pss] = [rssMiB(member), pssMiB(member)];
      roles[role] = { rss: (roles[role]?.rss ?? 0) + rss, pss: (roles[role]?.pss ?? 0) + pss };
    } catch {
      // exited meanwhile
    }
  }
  return roles;
}

