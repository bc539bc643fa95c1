// `npm run bench:airgap`: air-gap archives from the server that ships,
// measured from outside. Processes on loopback, each its own process tree:
// the local AWS (its ECR registry endpoint and layer storage are the
// upstream), the portal exactly as `npm start` runs it (`npm start` returns, leaving the supervisor
// with its embedded PostgreSQL, the front process that answers /v2/ and
// /customer/airgap.tar, and the Next.js process), and this script, the client.
// In one run, alternating over BENCH_ROUNDS rounds (default 3, at least 3):
// the same 256 MiB layer pulled as a proxy blob (the reference) and inside a
// one-image archive (the subject), with the portal tree's CPU per GiB beside
// MiB/s; then the time to the first byte of an archive of 50 images, cold (50
// images pushed for the round, so no manifest of them is cached anywhere)
// and warm (the same archive again at once). The client checks every byte:
// a blob's sha256 against its digest, and each archive entry under
// blobs/sha256/ against its name (a streaming tar reader), with the archive's
// length against its Content-Length. A benchmark, not a test: it prints
// figures (docs/measurements.md).
import type { ChildProcess } from "node:child_process";
import { createHash, type Hash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { benchPortalSetup, localAwsControl, proxyToken, setUpBenchVendor, sleep, startChild, startPortalAsNpmStart, stopProcess } from "./lib/bench-children";
import { median } from "./lib/bench-stats";
import { commandLineOf, processTree, treeCpuMs } from "./lib/portal-process-tree";

const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS || 3));
const IMAGES = 50;
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const REGION = "us-east-1";
const ACCOUNT = { accountId: "111111111111", accessKeyId: "AKIABENCHAIRGAP00001", secretAccessKey: "benchAirgapSecretKey00000000000000000001" };
const root = path.resolve(import.meta.dirname, "..");
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

const { dataDir, awsPort, awsUrl, portalUrl, env } = await benchPortalSetup("airgap", { PROXY_RATE_LIMIT_PER_MINUTE: "100000000" });
const children: ChildProcess[] = [];
let stopPortal: (() => Promise<void>) | undefined;
const bench = { root, env, children };

try {
  await startChild(bench, "local AWS", ["tools/local-aws/cli.ts", "--port", String(awsPort), "--account", `${ACCOUNT.accountId}:${ACCOUNT.accessKeyId}:${ACCOUNT.secretAccessKey}`], /Local AWS .* on /);
  console.log("Starting the portal with `npm start` (embedded PostgreSQL)…");
  const { pid: portalPid, databaseUrl, stop } = await startPortalAsNpmStart(bench);
  stopPortal = stop;
  Object.assign(process.env, env, { DATABASE_URL: databaseUrl, NODE_ENV: "production" });
  const { resetEnvCache } = await import("@/lib/env");
  resetEnvCache();
  await sleep(3_000);

  // The vendor's side through the portal's own services: OIDC provider, role, IAM registry (tested), customer with a page session.
  const { prisma, customer, licenseId, proxyName } = await setUpBenchVendor({ awsUrl, account: ACCOUNT, region: REGION, portalUrl, roleName: "BenchAirgap" });
  const { signCustomerSession } = await import("@/lib/customer-portal/session-token");
  const { airGapQuery } = await import("@/lib/airgap/schema");
  const row = await prisma.customer.findUniqueOrThrow({ where: { id: customer.id }, select: { id: true, teamId: true, licenseHash: true } });
  const cookie = { cookie: `portal-customer-session=${await signCustomerSession(row)}` };

  console.log(`Pushing a synthetic image of one 256 MiB layer, and ${IMAGES} images of 2 x 64 KiB for each round, into the local AWS…`);
  const big = await localAwsControl<{ digest: string; layerDigests: string[] }>(awsUrl, "/_local/synthetic-images", { accountId: ACCOUNT.accountId, region: REGION, repository: "bench/big", tag: "1", layerSizes: [256 * MiB] });
  const blob = { url: `${portalUrl}/v2/${proxyName("bench/big")}/blobs/${big.layerDigests[0]}`, digest: big.layerDigests[0]! };
  const bigArchive = `${portalUrl}/customer/airgap.tar?${airGapQuery([{ name: proxyName("bench/big"), tag: "1", digest: big.digest }])}`;
  const manyArchive = async (round: number) => {
    const images = [];
    for (let index = 0; index < IMAGES; index++) {
      const repository = `bench/round-${round}/image-${index}`;
      const pushed = await localAwsControl<{ digest: string }>(awsUrl, "/_local/synthetic-images", { accountId: ACCOUNT.accountId, region: REGION, repository, tag: "1", layerSizes: [64 * 1024, 64 * 1024] });
      images.push({ name: proxyName(repository), tag: "1", digest: pushed.digest });
    }
    return `${portalUrl}/customer/airgap.tar?${airGapQuery(images)}`;
  };
  const bearer = async () => ({ authorization: `Bearer ${await proxyToken(portalUrl, licenseId, [proxyName("bench/big")])}` });

  type Kind = "blob" | "archive";
  const speed: Record<Kind, number[]> = { blob: [], archive: [] };
  const cpuPerGiB: Record<Kind, number[]> = { blob: [], archive: [] };
  const frontCpuPerGiB: Record<Kind, number[]> = { blob: [], archive: [] };
  const ttfb = { cold: [] as number[], warm: [] as number[] };
  const whole = { cold: [] as number[], warm: [] as number[] };
  const front = () => processTree(portalPid).find((pid) => commandLineOf(pid).includes("portal-proxy.mjs"));
  const frontPid = front();
  if (!frontPid) throw new Error("the portal's front process (portal-proxy.mjs) was not found in its process tree");

  // Warm-up, not measured: JIT, connections, the registry login, the 256 MiB image's manifest.
  await getVerified(blob.url, await bearer(), { blob: blob.digest });
  await getVerified(bigArchive, cookie, { archive: true });
  const archiveSize = (await getVerified(bigArchive, cookie, { archive: true })).bytes;
  for (let round = 0; round < ROUNDS; round++) {
    console.log(`round ${round + 1} of ${ROUNDS}…`);
    const auth = await bearer();
    const order: Kind[] = round % 2 === 0 ? ["blob", "archive"] : ["archive", "blob"];
    for (const kind of order) {
      const [treeBefore, frontBefore] = [treeCpuMs(portalPid), treeCpuMs(frontPid)];
      const { bytes, totalMs } = kind === "blob" ? await getVerified(blob.url, auth, { blob: blob.digest }) : await getVerified(bigArchive, cookie, { archive: true });
      cpuPerGiB[kind].push((treeCpuMs(portalPid) - treeBefore) / (bytes / GiB));
      frontCpuPerGiB[kind].push((treeCpuMs(frontPid) - frontBefore) / (bytes / GiB));
      speed[kind].push(bytes / MiB / (totalMs / 1000));
    }
    const url = await manyArchive(round);
    for (const state of ["cold", "warm"] as const) {
      const { firstByteMs, totalMs } = await getVerified(url, cookie, { archive: true });
      ttfb[state].push(firstByteMs);
      whole[state].push(totalMs);
    }
  }

  const rounds = (values: number[], digits = 0) => values.map((value) => value.toFixed(digits)).join("/");
  const ratio = median(speed.archive) / median(speed.blob);
  console.log(`\n## Air-gap archives from \`npm start\`: ${ROUNDS} alternating rounds, every blob's sha256 checked by the client`);
  console.log(`Machine: ${os.cpus().length} cores, load average ${os.loadavg().map((v) => v.toFixed(1)).join(" ")} at the end (a shared machine: wall-clock figures are noisy, CPU per GiB is the stable measure).\n`);
  console.log("| 256 MiB layer | MiB/s, median (rounds) | portal tree CPU ms/GiB (rounds) | front process CPU ms/GiB |");
  console.log("|---|---|---|---|");
  console.log(`| proxy blob (reference) | ${median(speed.blob).toFixed(0)} (${rounds(speed.blob)}) | ${median(cpuPerGiB.blob).toFixed(0)} (${rounds(cpuPerGiB.blob)}) | ${median(frontCpuPerGiB.blob).toFixed(0)} |`);
  console.log(`| one-image archive, ${(archiveSize / MiB).toFixed(1)} MiB (subject) | ${median(speed.archive).toFixed(0)} (${rounds(speed.archive)}) | ${median(cpuPerGiB.archive).toFixed(0)} (${rounds(cpuPerGiB.archive)}) | ${median(frontCpuPerGiB.archive).toFixed(0)} |`);
  console.log(`\nArchive throughput / blob throughput: ${(ratio * 100).toFixed(0)}% (target >= 80%).`);
  console.log(`\n| archive of ${IMAGES} images (2 x 64 KiB layers each) | time to first byte, median (rounds) | whole archive, median (rounds) |`);
  console.log("|---|---|---|");
  for (const state of ["cold", "warm"] as const) {
    console.log(`| ${state === "cold" ? "cold: images new this round, no manifest cached" : "warm: the same archive again at once"} | ${median(ttfb[state]).toFixed(0)} ms (${rounds(ttfb[state])}) | ${median(whole[state]).toFixed(0)} ms (${rounds(whole[state])}) |`);
  }
  console.log("(target: time to first byte < 1000 ms)");
  await prisma.$disconnect();
} finally {
  await stopPortal?.();
  for (const child of [...children].reverse()) await stopProcess(child);
  fs.rmSync(dataDir, { recursive: true, force: true });
}

/**
 * GET, following redirects without Authorization on another host, checking
 * what arrives: a blob's sha256 against its digest, or an archive entry by
 * entry (tarEntries) with its length against Content-Length. The byte count,
 * and the times to the first byte and to the last.
 */
function getVerified(url: string, headers: Record<string, string>, check: { blob: string } | { archive: true }, hops = 0): Promise<{ bytes: number; firstByteMs: number; totalMs: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && response.headers.location && hops < 3) {
          response.resume();
          const next = new URL(response.headers.location, url);
          return resolve(getVerified(next.toString(), next.host === new URL(url).host ? headers : {}, check, hops + 1));
        }
        if (status !== 200) {
          let body = "";
          response.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
          response.once("end", () => reject(new Error(`GET ${url.slice(0, 120)}…: ${status} ${body.slice(0, 300)}`)));
          return;
        }
        const hash = "blob" in check ? createHash("sha256") : null;
        const entries = "archive" in check ? tarEntries() : null;
        let bytes = 0;
        let firstByteMs = 0;
        response.on("data", (chunk: Buffer) => {
          if (bytes === 0) firstByteMs = performance.now() - started;
          bytes += chunk.length;
          hash?.update(chunk);
          try {
            entries?.write(chunk);
          } catch (error) {
            response.destroy(error as Error);
          }
        });
        response.once("end", () => {
          const totalMs = performance.now() - started;
          if (hash && "blob" in check && `sha256:${hash.digest("hex")}` !== check.blob) return reject(new Error(`GET ${url}: the body is not ${check.blob}`));
          if (entries) {
            if (String(bytes) !== response.headers["content-length"]) return reject(new Error(`GET ${url.slice(0, 120)}…: ${bytes} bytes, Content-Length ${response.headers["content-length"]}`));
            if (!entries.ended() || entries.blobs() === 0) return reject(new Error(`GET ${url.slice(0, 120)}…: the archive ended early`));
          }
          resolve({ bytes, firstByteMs, totalMs });
        });
        response.once("error", reject);
      })
      .once("error", reject);
  });
}

/** A streaming reader of a tar (ustar, sizes in octal or base-256) that checks every file under blobs/sha256/ against its name. */
function tarEntries() {
  let header = Buffer.alloc(0);
  let entry: { name: string; remaining: number; padding: number; hash: Hash | null } | null = null;
  let verified = 0;
  let end = false;
  const size = (field: Buffer) => (field[0]! & 0x80 ? Number(field.subarray(1).readBigUInt64BE(field.length - 9)) : parseInt(field.toString("latin1").replace(/\0.*$/s, "").trim() || "0", 8));
  const close = () => {
    if (entry?.hash && `blobs/sha256/${entry.hash.digest("hex")}` !== entry.name) throw new Error(`archive entry ${entry.name} does not match its content`);
    if (entry?.hash) verified++;
  };
  return {
    write(chunk: Buffer) {
      let offset = 0;
      while (offset < chunk.length) {
        if (entry && entry.remaining > 0) {
          const take = Math.min(entry.remaining, chunk.length - offset);
          entry.hash?.update(chunk.subarray(offset, offset + take));
          entry.remaining -= take;
          offset += take;
          if (entry.remaining === 0) close();
          continue;
        }
        if (entry && entry.padding > 0) {
          const take = Math.min(entry.padding, chunk.length - offset);
          entry.padding -= take;
          offset += take;
          continue;
        }
        entry = null;
        const take = Math.min(512 - header.length, chunk.length - offset);
        header = Buffer.concat([header, chunk.subarray(offset, offset + take)]);
        offset += take;
        if (header.length < 512) continue;
        const block = header;
        header = Buffer.alloc(0);
        if (block.every((byte) => byte === 0)) {
          end = true;
          continue;
        }
        const name = block.subarray(0, 100).toString("utf8").replace(/\0.*$/s, "");
        const length = size(block.subarray(124, 136));
        entry = { name, remaining: length, padding: (512 - (length % 512)) % 512, hash: name.startsWith("blobs/sha256/") && block[156] === 0x30 ? createHash("sha256") : null };
        if (length === 0) close();
      }
    },
    ended: () => end,
    blobs: () => verified,
  };
}
