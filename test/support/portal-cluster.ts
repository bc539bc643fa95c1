// N production-server processes (PORTAL_SERVER_COMMAND, exactly what
// `npm start` runs) on ONE embedded PostgreSQL, laid out as `npm start` lays
// out its DATA_DIR, so a command run with the same DATA_DIR (e.g.
// `npm run oidc:rotate`) joins the running database. For tests and
// benchmarks of several processes behind one load balancer: key rotation,
// shared rate limits, shared sign-in throttling. Needs a production build.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { findFreePort, startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/db/embedded-postgres";
import { applyMigrations } from "@/lib/db/migrations";
import { PORTAL_SERVER_COMMAND } from "@/scripts/lib/portal-server-command";

const root = path.resolve(import.meta.dirname, "..", "..");
const READY_TIMEOUT_MS = 180_000;

export interface PortalClusterOptions {
  /** How many portal processes (default 2). */
  processes?: number;
  /** Extra environment for every process (e.g. AWS_ENDPOINT_URL_STS). */
  env?: Record<string, string>;
  /** Extra environment for one process, given its index and base URL. */
  envFor?: (index: number, baseUrl: string) => Record<string, string>;
  /** The OIDC issuer every process signs as (default: the first process's /oidc, as behind one public address). */
  issuerUrl?: (baseUrls: readonly string[]) => string;
  /** Copy each process's output to this process's stdout/stderr too (default false; it is always kept in `output`). */
  echo?: boolean;
}

export interface PortalProcess {
  index: number;
  baseUrl: string;
  port: number;
  child: ChildProcess;
  /** Everything it printed so far (pino JSON lines in production). */
  output: string[];
}

export interface PortalCluster {
  /** DATA_DIR: the embedded database in postgres/ with its password file, as `npm start` keeps it. */
  dataDir: string;
  databaseUrl: string;
  issuerUrl: string;
  baseUrls: string[];
  processes: PortalProcess[];
  /** Environment shared by every process and by commands acting on the same portal (no DATABASE_URL: commands find the running embedded database through DATA_DIR). */
  commandEnv: Record<string, string>;
  /** Runs `npm run <script> -- <args>` against this portal, as an operator would (extra environment in `env`); resolves with its output and exit code. */
  runNpmScript(script: string, args?: string[], env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }>;
  stopProcess(index: number): Promise<void>;
  /** Stops the database under the running processes (outage tests). */
  stopDatabase(): Promise<void>;
  /** Stops every process, then the database, and removes DATA_DIR. */
  stop(): Promise<void>;
}

export async function startPortalCluster(options: PortalClusterOptions = {}): Promise<PortalCluster> {
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) throw new Error("the portal cluster needs a production build: run `npm run build` first");
  const count = options.processes ?? 2;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-cluster-"));
  fs.chmodSync(dataDir, 0o755);
  let database: EmbeddedDatabase | undefined;
  const processes: PortalProcess[] = [];
  try {
    database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), database: "portal" });
    await applyMigrations(database.url);
    const ports = await distinctFreePorts(count);
    const baseUrls = ports.map((port) => `http://127.0.0.1:${port}`);
    const issuerUrl = options.issuerUrl?.(baseUrls) ?? `${baseUrls[0]}/oidc`;
    const { NODE_OPTIONS: _ignored, DATABASE_URL: _suite, ...inherited } = process.env;
    const commandEnv: Record<string, string> = {
      DATA_DIR: dataDir,
      NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
      DATA_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      OIDC_ISSUER_URL: issuerUrl,
      // No ambient AWS credentials leak into the portal from the test machine.
      AWS_ACCESS_KEY_ID: "",
      AWS_SECRET_ACCESS_KEY: "",
      AWS_PROFILE: "",
      ...options.env,
    };
    const started = ports.map((port, index) => {
      const baseUrl = baseUrls[index]!;
      const child = spawn(...PORTAL_SERVER_COMMAND, {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...inherited,
          ...commandEnv,
          NODE_ENV: "production",
          NEXT_TELEMETRY_DISABLED: "1",
          LISTEN_HOST: "127.0.0.1",
          PORT: String(port),
          APP_URL: baseUrl,
          NEXTAUTH_URL: baseUrl,
          DATABASE_URL: database!.url,
          ...options.envFor?.(index, baseUrl),
        },
      });
      const portal: PortalProcess = { index, baseUrl, port, child, output: [] };
      for (const stream of [child.stdout!, child.stderr!]) {
        stream.setEncoding("utf8");
        stream.on("data", (chunk: string) => {
          portal.output.push(...chunk.split("\n").filter((line) => line.length > 0));
          if (options.echo) process.stdout.write(chunk.replace(/^/gm, `[portal ${index}] `));
        });
      }
      processes.push(portal);
      return waitUntilReady(portal);
    });
    await Promise.all(started);

    const cluster: PortalCluster = {
      dataDir,
      databaseUrl: database.url,
      issuerUrl,
      baseUrls,
      processes,
      commandEnv,
      runNpmScript: (script, args = [], env = {}) => runNpmScript(script, args, { ...inherited, ...commandEnv, NODE_ENV: "production", ...env }),
      stopProcess: (index) => stopChild(processes[index]!.child),
      stopDatabase: () => database!.stop(),
      async stop() {
        await Promise.all(processes.map((portal) => stopChild(portal.child)));
        await database?.stop().catch(() => {});
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
    return cluster;
  } catch (error) {
    await Promise.all(processes.map((portal) => stopChild(portal.child)));
    await database?.stop().catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await findFreePort());
  return [...ports];
}

async function waitUntilReady(portal: PortalProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (portal.child.exitCode !== null) throw new Error(`portal process ${portal.index} exited with ${portal.child.exitCode}:\n${portal.output.slice(-20).join("\n")}`);
    try {
      const response = await fetch(`${portal.baseUrl}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`portal process ${portal.index} did not answer ${portal.baseUrl}/api/health within ${READY_TIMEOUT_MS / 1000} s:\n${portal.output.slice(-20).join("\n")}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

function runNpmScript(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", script, "--", ...args], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
