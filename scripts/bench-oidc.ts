// `npm run bench:oidc`: requests per second and p99 latency of the issuer's
// discovery document and JWKS on the production server, at 50 concurrent
// connections on loopback, next to a reference: a minimal static Node http
// server serving the same bytes and headers. The portal and the reference each
// run in their own process (never inside this load generator), and they
// alternate over BENCH_ROUNDS rounds (at least 2), the order flipped every
// round, so a load change on the machine hits both. A benchmark, not a test:
// it prints figures.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import autocannon from "autocannon";
import { findFreePort, startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { applyMigrations } from "@/lib/db/migrations";
import { spawnBenchPortal } from "./lib/spawn-bench-portal";

const root = path.resolve(import.meta.dirname, "..");
const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS || 10);
const ROUNDS = Math.max(2, Number(process.env.BENCH_ROUNDS || 2));
const CONNECTIONS = 50;

if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) {
  console.error("No production build: run `npm run build` first.");
  process.exit(1);
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-bench-"));
fs.chmodSync(dataDir, 0o755);
const database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), database: "portal_bench" });
await applyMigrations(database.url);
const port = await findFreePort();
const baseUrl = `http://127.0.0.1:${port}`;
const portal = spawnBenchPortal({ cwd: root, port, databaseUrl: database.url });
const references: ChildProcess[] = [];

interface Figures {
  requests: number;
  p99: number;
  errors: number;
}

try {
  await waitFor(`${baseUrl}/oidc/jwks`);
  const lines: string[] = [];
  for (const name of ["jwks", ".well-known/openid-configuration"]) {
    const url = `${baseUrl}/oidc/${name}`;
    const reference = await startReference(url);
    await run(url, 2); // warm up both
    await run(reference, 2);
    const portalRuns: Figures[] = [];
    const referenceRuns: Figures[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (["portal", "reference"] as const) : (["reference", "portal"] as const);
      for (const subject of order) {
        if (subject === "portal") portalRuns.push(await run(url, DURATION_SECONDS));
        else referenceRuns.push(await run(reference, DURATION_SECONDS));
      }
    }
    const portalMean = mean(portalRuns.map((figures) => figures.requests));
    const referenceMean = mean(referenceRuns.map((figures) => figures.requests));
    lines.push(
      `${name}: portal ${format(portalRuns)} | reference ${format(referenceRuns)} | portal ${((portalMean / referenceMean) * 100).toFixed(0)}% of the reference (mean of ${ROUNDS} rounds), portal errors ${portalRuns.reduce((sum, figures) => sum + figures.errors, 0)}`,
    );
  }
  console.log(`\nOIDC documents, ${CONNECTIONS} connections, ${DURATION_SECONDS}s per run, ${ROUNDS} alternating rounds, loopback, production server (${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}):`);
  for (const line of lines) console.log(line);
} finally {
  for (const reference of references) reference.kill("SIGTERM");
  portal.kill("SIGTERM");
  await database.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

async function run(url: string, duration: number): Promise<Figures> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration });
  return { requests: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function format(runs: Figures[]): string {
  return runs.map((figures) => `${Math.round(figures.requests)} req/s p99 ${figures.p99} ms`).join(", ");
}

/** The reference server, in its own `node` process, serving the portal's exact bytes and headers. */
async function startReference(url: string): Promise<string> {
  const response = await fetch(url);
  const bodyFile = path.join(dataDir, `reference-${references.length}.json`);
  fs.writeFileSync(bodyFile, Buffer.from(await response.arrayBuffer()));
  const keep = ["content-type", "cache-control", "etag", "access-control-allow-origin", "x-content-type-options"];
  const headers = Object.fromEntries(keep.flatMap((name) => (response.headers.has(name) ? [[name, response.headers.get(name)!]] : [])));
  const child = spawn(process.execPath, [path.join(root, "scripts", "bench", "static-reference-server.mjs"), bodyFile, JSON.stringify(headers)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  references.push(child);
  const first = await readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
  const line = typeof first.value === "string" ? first.value.trim() : "";
  if (!line.startsWith("http://")) throw new Error("the reference server did not start");
  return line;
}

async function waitFor(url: string) {
  for (let attempt = 0; attempt < 120; attempt++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the portal did not start at ${url}`);
}
