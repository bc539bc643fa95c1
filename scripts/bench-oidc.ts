// `npm run bench:oidc`: requests per second and p99 latency of the issuer's
// discovery document and JWKS on the production build, at 50 concurrent
// connections on loopback, next to a minimal static Node http server serving
// the same bytes as the reference. A benchmark, not a test: it prints figures.
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { findFreePort, startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { applyMigrations } from "@/lib/db/migrations";
import { PORTAL_SERVER_COMMAND } from "./lib/portal-server-command";

const root = path.resolve(import.meta.dirname, "..");
const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS || 10);
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
const { NODE_OPTIONS: _ignored, ...inherited } = process.env;
const next = spawn(...PORTAL_SERVER_COMMAND, {
  cwd: root,
  stdio: "ignore",
  env: {
    ...inherited,
    NODE_ENV: "production",
    LISTEN_HOST: "127.0.0.1",
    PORT: String(port),
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: database.url,
    APP_URL: baseUrl,
    NEXTAUTH_SECRET: "benchmark-secret-benchmark-secret-benchmark",
    DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  },
});

try {
  await waitFor(`${baseUrl}/oidc/jwks`);
  const results: string[] = [];
  for (const name of ["jwks", ".well-known/openid-configuration"]) {
    const url = `${baseUrl}/oidc/${name}`;
    const body = await (await fetch(url)).text();
    const headers = Object.fromEntries((await fetch(url)).headers);
    const reference = await staticServer(body, headers);
    await run(url, 2); // warm up
    const portal = await run(url, DURATION_SECONDS);
    const baseline = await run(reference.url, DURATION_SECONDS);
    reference.close();
    const share = (portal.requests.average / baseline.requests.average) * 100;
    results.push(
      `${name.padEnd(34)} portal ${Math.round(portal.requests.average).toString().padStart(6)} req/s p99 ${portal.latency.p99} ms | static node ${Math.round(baseline.requests.average).toString().padStart(6)} req/s p99 ${baseline.latency.p99} ms | ${share.toFixed(0)}% of reference, errors ${portal.errors + portal.non2xx}`,
    );
  }
  console.log(`\nOIDC documents, ${CONNECTIONS} connections, ${DURATION_SECONDS}s each, loopback, production build (${os.cpus().length} cores):`);
  for (const line of results) console.log(line);
} finally {
  next.kill("SIGTERM");
  await database.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

function run(url: string, duration: number) {
  return autocannon({ url, connections: CONNECTIONS, duration });
}

async function staticServer(body: string, headers: Record<string, string>) {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { "content-type": headers["content-type"] ?? "application/json", "cache-control": headers["cache-control"] ?? "", etag: headers["etag"] ?? "" });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}/`, close: () => server.close() };
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
