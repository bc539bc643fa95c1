// `npm run bench:start`: how long the production server (the command `npm
// start` runs, PORTAL_SERVER_COMMAND) takes from spawn to its first healthy
// answer, and its memory (resident set of the server's whole process tree)
// once it has served the sign-in page and the JWKS. Linux only (reads /proc).
// A benchmark, not a test: it prints figures.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { findFreePort, startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { applyMigrations } from "@/lib/db/migrations";
import { PORTAL_SERVER_COMMAND } from "./lib/portal-server-command";
import { spawnBenchPortal } from "./lib/spawn-bench-portal";

const root = path.resolve(import.meta.dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS || 3);

if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) {
  console.error("No production build: run `npm run build` first.");
  process.exit(1);
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-bench-start-"));
fs.chmodSync(dataDir, 0o755);
const database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), database: "portal_bench" });
await applyMigrations(database.url);

const samples: { startMs: number; rssMb: number }[] = [];
try {
  for (let run = 0; run < RUNS; run++) samples.push(await measureOnce());
} finally {
  await database.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(`\nProduction server: ${PORTAL_SERVER_COMMAND[0].split("/").pop()} ${PORTAL_SERVER_COMMAND[1].map((arg) => path.relative(root, arg) || arg).join(" ")}`);
console.log(`start-up to first healthy answer: ${samples.map((sample) => `${sample.startMs} ms`).join(", ")} (median ${median(samples.map((sample) => sample.startMs))} ms)`);
console.log(`resident memory after serving pages: ${samples.map((sample) => `${sample.rssMb} MB`).join(", ")} (median ${median(samples.map((sample) => sample.rssMb))} MB)`);
console.log(`(${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)})`);

async function measureOnce(): Promise<{ startMs: number; rssMb: number }> {
  const port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const server = spawnBenchPortal({ cwd: root, port, databaseUrl: database.url });
  try {
    await waitFor(`${baseUrl}/api/health`);
    const startMs = Math.round(performance.now() - started);
    for (let i = 0; i < 20; i++) {
      await (await fetch(`${baseUrl}/sign-in`)).arrayBuffer();
      await (await fetch(`${baseUrl}/oidc/jwks`)).arrayBuffer();
    }
    const rssMb = Math.round(treeRssKb(server.pid!) / 1024);
    return { startMs, rssMb };
  } finally {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
  }
}

/** Resident memory of a process and all its descendants, in kB. */
function treeRssKb(pid: number): number {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      /* exited */
    }
  }
  const tree = [pid];
  for (let index = 0; index < tree.length; index++) {
    for (const [child, parent] of parents) if (parent === tree[index]) tree.push(child);
  }
  return tree.reduce((sum, member) => {
    try {
      const match = fs.readFileSync(`/proc/${member}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m);
      return sum + Number(match?.[1] ?? 0);
    } catch {
      return sum;
    }
  }, 0);
}

async function waitFor(url: string) {
  for (let attempt = 0; attempt < 1200; attempt++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the portal did not start at ${url}`);
}
