// `npm start` after a hard kill: the supervisor (`npm start`'s node process)
// and the portal server die together by SIGKILL, as the out-of-memory killer
// does it, and the embedded PostgreSQL they started keeps running. The next
// `npm start` must stop that orphan cleanly and start; it must never stop
// the database of a portal that is still running. Runs the real command, so
// it needs `npm run build` first.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { readProcessStat } from "@/lib/db/postgres-supervisor";

const root = path.resolve(import.meta.dirname, "..", "..");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-orphan-"));
const postgresDir = path.join(dataDir, "postgres");
const started: ChildProcess[] = [];

interface Started {
  npm: ChildProcess;
  output: string[];
  baseUrl: string;
}

function npmStart(port: number): Started {
  const { NODE_OPTIONS: _options, DATABASE_URL: _database, ...inherited } = process.env;
  const npm = spawn("npm", ["start", "--silent"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...inherited, DATA_DIR: dataDir, PORT: String(port), LISTEN_HOST: "127.0.0.1", APP_URL: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_PROFILE: "" },
  });
  started.push(npm);
  const output: string[] = [];
  for (const stream of [npm.stdout!, npm.stderr!]) stream.setEncoding("utf8").on("data", (chunk: string) => output.push(...chunk.split("\n").filter(Boolean)));
  return { npm, output, baseUrl: `http://127.0.0.1:${port}` };
}

async function waitUntilHealthy(portal: Started): Promise<void> {
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    if (portal.npm.exitCode !== null) throw new Error(`npm start exited with ${portal.npm.exitCode}:\n${portal.output.slice(-15).join("\n")}`);
    const healthy = await fetch(`${portal.baseUrl}/api/health`, { signal: AbortSignal.timeout(2000) }).then((response) => response.ok, () => false);
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`npm start did not become healthy:\n${portal.output.slice(-15).join("\n")}`);
}

function childrenOf(pid: number): number[] {
  return fs
    .readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((child) => readProcessStat(child)?.ppid === pid);
}

function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/** Running, and not a zombie waiting for its parent to reap it. */
function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0] !== "Z";
  } catch {
    return false;
  }
}
const postmasterPid = () => Number(fs.readFileSync(path.join(postgresDir, "postmaster.pid"), "utf8").split("\n")[0]);

async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

afterAll(async () => {
  for (const npm of started) if (npm.exitCode === null && npm.signalCode === null) npm.kill("SIGTERM");
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const leftover = fs.existsSync(path.join(postgresDir, "postmaster.pid")) ? postmasterPid() : 0;
  if (leftover && isAlive(leftover) && commandLine(leftover).includes(postgresDir)) process.kill(leftover, "SIGINT");
  await new Promise((resolve) => setTimeout(resolve, 2000));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("npm start after the portal was killed hard", () => {
  it("stops the orphaned embedded PostgreSQL cleanly and starts, but never stops a live portal's database", async () => {
    const first = npmStart(await findFreePort());
    await waitUntilHealthy(first);
    const supervisor = childrenOf(first.npm.pid!).find((pid) => commandLine(pid).includes("dist/start.mjs"));
    expect(supervisor, "the supervisor (node dist/start.mjs) under npm").toBeDefined();
    const server = childrenOf(supervisor!).find((pid) => commandLine(pid).includes("portal-server.mjs"));
    expect(server, "the portal server under the supervisor").toBeDefined();
    const orphan = postmasterPid();
    expect(readProcessStat(orphan)?.ppid).toBe(supervisor);

    process.kill(supervisor!, "SIGKILL");
    process.kill(server!, "SIGKILL");
    await waitFor(() => !isAlive(supervisor!) && !isAlive(server!), "the supervisor and the server are gone");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(isAlive(orphan), "PostgreSQL outlives its killed supervisor").toBe(true);

    const second = npmStart(await findFreePort());
    await waitUntilHealthy(second);
    expect(second.output.join("\n")).toMatch(/still running, but the portal that started it is gone/);
    expect(second.output.join("\n")).toMatch(/stopped the orphaned PostgreSQL server \(smart shutdown\)/);
    expect(isAlive(orphan)).toBe(false);
    const current = postmasterPid();
    expect(current).not.toBe(orphan);

    // A second portal on the same data directory while this one lives: refused, and nothing of the first is touched.
    const third = npmStart(await findFreePort());
    const code = await new Promise<number | null>((resolve) => third.npm.once("exit", resolve));
    expect(code).toBe(1);
    expect(third.output.join("\n")).toMatch(/is already running/);
    expect(isAlive(current)).toBe(true);
    expect((await fetch(`${second.baseUrl}/api/health`)).ok).toBe(true);

    second.npm.kill("SIGTERM");
    await new Promise((resolve) => second.npm.once("exit", resolve));
    await waitFor(() => !isAlive(current), "Ctrl-C stops the database too");
  });
});
