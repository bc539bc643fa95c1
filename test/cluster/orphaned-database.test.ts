// `npm start` after a hard kill: the supervisor (dist/start.mjs, which `npm
// start` leaves running in the background) and the portal server die
// together by SIGKILL, as the out-of-memory killer does it, and the embedded
// PostgreSQL they started keeps running. The next `npm start` must stop that
// orphan cleanly and start; it must never stop the database of a portal that
// is still running. Runs the real commands, so it needs `npm run build` first.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { readProcessStat } from "@/lib/db/postgres-supervisor";
import { readRunningPortal } from "@/scripts/lib/portal-pid-file";

const root = path.resolve(import.meta.dirname, "..", "..");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-orphan-"));
const postgresDir = path.join(dataDir, "postgres");

interface Started {
  code: number | null;
  output: string;
  baseUrl: string;
}

/** `npm start`, which returns once the portal answers /api/health (or failed). */
function npm(script: "start" | "stop", port: number): Promise<Started> {
  const { NODE_OPTIONS: _options, DATABASE_URL: _database, ...inherited } = process.env;
  const child = spawn("npm", [script, "--silent"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...inherited, DATA_DIR: dataDir, PORT: String(port), LISTEN_HOST: "127.0.0.1", APP_URL: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_PROFILE: "" },
  });
  let output = "";
  for (const stream of [child.stdout, child.stderr]) stream.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, output, baseUrl: `http://127.0.0.1:${port}` })));
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
  const running = readRunningPortal(dataDir);
  if (running) process.kill(running.pid, "SIGTERM");
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const leftover = fs.existsSync(path.join(postgresDir, "postmaster.pid")) ? postmasterPid() : 0;
  if (leftover && isAlive(leftover) && commandLine(leftover).includes(postgresDir)) process.kill(leftover, "SIGINT");
  await new Promise((resolve) => setTimeout(resolve, 2000));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("npm start after the portal was killed hard", () => {
  it("stops the orphaned embedded PostgreSQL cleanly and starts, but never stops a live portal's database", async () => {
    const first = await npm("start", await findFreePort());
    expect(first.code, first.output).toBe(0);
    const supervisor = readRunningPortal(dataDir)?.pid;
    expect(supervisor, "the supervisor (node dist/start.mjs) recorded in portal.pid").toBeDefined();
    expect(commandLine(supervisor!)).toContain("dist/start.mjs");
    const server = childrenOf(supervisor!).find((pid) => commandLine(pid).includes("portal-server.mjs"));
    expect(server, "the portal server under the supervisor").toBeDefined();
    const orphan = postmasterPid();
    expect(readProcessStat(orphan)?.ppid).toBe(supervisor);

    process.kill(supervisor!, "SIGKILL");
    process.kill(server!, "SIGKILL");
    await waitFor(() => !isAlive(supervisor!) && !isAlive(server!), "the supervisor and the server are gone");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(isAlive(orphan), "PostgreSQL outlives its killed supervisor").toBe(true);

    const second = await npm("start", await findFreePort());
    expect(second.code, second.output).toBe(0);
    expect(second.output).toMatch(/still running, but the portal that started it is gone/);
    expect(second.output).toMatch(/stopped the orphaned PostgreSQL server \(smart shutdown\)/);
    expect(isAlive(orphan)).toBe(false);
    const current = postmasterPid();
    expect(current).not.toBe(orphan);

    // A second portal on the same data directory while this one lives: refused, and nothing of the first is touched.
    const third = await npm("start", await findFreePort());
    expect(third.code).toBe(1);
    expect(third.output).toMatch(/is already running/);
    expect(isAlive(current)).toBe(true);
    expect((await fetch(`${second.baseUrl}/api/health`)).ok).toBe(true);

    const stopped = await npm("stop", 0);
    expect(stopped.code, stopped.output).toBe(0);
    await waitFor(() => !isAlive(current), "npm stop stops the database too");
  });
});
