// `npm start` and `npm stop` as a vendor runs them (scripts/portal-ctl.ts):
// the portal runs in the background with no npm process left, a second start
// on the same data directory is refused, a stale record of a killed portal
// is replaced, `npm stop` stops every process, Ctrl-C while it starts
// stops what it started, and `npm start --
// --foreground` keeps it in the foreground. Runs the real commands, so it
// needs `npm run build` first.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { readProcessStat } from "@/lib/db/postgres-supervisor";
import { portalPidFile, readRunningPortal } from "@/scripts/lib/portal-pid-file";
import { commandLineOf, portalProcesses } from "@/scripts/lib/portal-process-tree";

const root = path.resolve(import.meta.dirname, "..", "..");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-start-stop-"));
const port = await findFreePort();
const baseUrl = `http://127.0.0.1:${port}`;
const { NODE_OPTIONS: _options, DATABASE_URL: _database, ...inherited } = process.env;
const env = { ...inherited, DATA_DIR: dataDir, PORT: String(port), LISTEN_HOST: "127.0.0.1", APP_URL: baseUrl, AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_PROFILE: "" };

function npm(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const child = spawn("npm", [...args, "--silent"], { cwd: root, env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  for (const stream of [child.stdout, child.stderr]) stream.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, output })));
}

const healthy = () => fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(3000) }).then((response) => response.ok, () => false);
const alive = (pid: number) => readProcessStat(pid) !== null && !fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.startsWith("Z");

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

afterAll(async () => {
  const running = readRunningPortal(dataDir);
  if (running) {
    process.kill(running.pid, "SIGTERM");
    await waitFor(() => !alive(running.pid), "the leftover portal stopped").catch(() => {});
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("npm start and npm stop", () => {
  it("start the portal in the background with no npm left, refuse a second start, and stop every process", async () => {
    // A record left by a portal that was killed: a process that has exited.
    const dead = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => dead.once("exit", resolve));
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(portalPidFile(dataDir), JSON.stringify({ pid: dead.pid, startTime: "1", appUrl: baseUrl, localUrl: baseUrl, logFile: null }));

    const started = await npm(["start"]);
    expect(started.code, started.output).toBe(0);
    // The start-up log is shown while npm waits, then where the portal runs and how to stop it.
    expect(started.output).toMatch(/serving on port \d+/);
    expect(started.output).toContain(`The portal is running in the background at ${baseUrl}`);
    expect(started.output).toMatch(/processes: supervisor \d+, PostgreSQL \d+ \(\+\d+ workers\), front \d+, Next\.js \d+/);
    expect(started.output).toContain(`log: ${path.join(dataDir, "portal.log")}`);
    expect(started.output).toContain("stop it with `npm stop`");
    expect(await healthy()).toBe(true);

    const record = readRunningPortal(dataDir)!;
    expect(record.pid).not.toBe(dead.pid);
    expect(record.logFile).toBe(path.join(dataDir, "portal.log"));
    // npm has exited: the supervisor's parent is no npm process, and the tree holds none.
    expect(commandLineOf(readProcessStat(record.pid)!.ppid)).not.toMatch(/npm/);
    const members = portalProcesses(record.pid);
    expect(members.map((member) => member.role)).toEqual(expect.arrayContaining(["supervisor", "front", "Next.js", "PostgreSQL"]));
    expect(members.filter((member) => /npm/.test(member.command))).toEqual([]);
    // The servers' output goes to the log file.
    expect(fs.readFileSync(record.logFile!, "utf8")).toContain("portal front listening");

    const second = await npm(["start"]);
    expect(second.code).toBe(1);
    expect(second.output).toContain(`The portal is already running from ${dataDir} (pid ${record.pid}) at ${baseUrl}`);
    expect(second.output).toContain("Stop it with `npm stop`");
    expect(readRunningPortal(dataDir)?.pid).toBe(record.pid);
    expect(await healthy()).toBe(true);

    const stopped = await npm(["stop"]);
    expect(stopped.code, stopped.output).toBe(0);
    expect(stopped.output).toContain("stopped");
    for (const member of members) expect(alive(member.pid), `${member.role} ${member.pid} stopped`).toBe(false);
    expect(fs.existsSync(portalPidFile(dataDir))).toBe(false);
    expect(fs.readFileSync(record.logFile!, "utf8")).toContain("stopping the embedded PostgreSQL server");

    const again = await npm(["stop"]);
    expect(again.code).toBe(0);
    expect(again.output).toContain("The portal is not running");
  });

  it("says why the portal did not start, and leaves nothing running", async () => {
    const failed = await npm(["start"], { PORT: "not-a-port" });
    expect(failed.code).toBe(1);
    expect(failed.output).toContain("Configuration error: PORT must be a port number");
    expect(failed.output).toContain(`The portal did not start (exit code 1); the reason is above, and in ${path.join(dataDir, "portal.log")}.`);
    expect(fs.existsSync(portalPidFile(dataDir))).toBe(false);
  });

  it("stops what it started when interrupted (Ctrl-C) before the portal answers, leaving nothing running", async () => {
    // As a terminal's Ctrl-C reaches the command `npm start` runs (the supervisor has a session of its own).
    const ctl = spawn(process.execPath, ["--conditions=react-server", path.join(root, "dist", "portal-ctl.mjs"), "start"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    for (const stream of [ctl.stdout, ctl.stderr]) stream.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => ctl.once("exit", resolve));
    // Interrupted mid-start: the supervisor has recorded itself, its database is starting, nothing answers yet.
    await waitFor(() => readRunningPortal(dataDir) !== null, `the supervisor recorded itself (${output})`);
    const record = readRunningPortal(dataDir)!;
    const startedProcesses = portalProcesses(record.pid);
    ctl.kill("SIGINT");
    expect(await exited).toBe(130);
    await waitFor(() => !alive(record.pid), "the interrupted supervisor stopped", 90_000);
    for (const member of [...startedProcesses, ...portalProcesses(record.pid)]) expect(alive(member.pid), `${member.role} ${member.pid} stopped`).toBe(false);
    expect(fs.existsSync(portalPidFile(dataDir))).toBe(false);
    expect(await healthy()).toBe(false);
    // Nothing is left that would refuse or hinder the next start.
    const next = await npm(["start"]);
    expect(next.code, next.output).toBe(0);
    const stopped = await npm(["stop"]);
    expect(stopped.code, stopped.output).toBe(0);
  });

  it("runs in the foreground with --foreground, where SIGTERM stops it", async () => {
    const npmProcess = spawn("npm", ["start", "--silent", "--", "--foreground"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    for (const stream of [npmProcess.stdout, npmProcess.stderr]) stream.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    await waitFor(healthy, `the foreground portal answers (${output})`, 120_000);
    expect(output).toMatch(/serving on port \d+/);
    const record = readRunningPortal(dataDir)!;
    expect(record.logFile).toBeNull();
    // The supervisor runs in the command npm started (no further process between them).
    const parent = readProcessStat(record.pid)!.ppid;
    expect(parent === npmProcess.pid || readProcessStat(parent)?.ppid === npmProcess.pid).toBe(true);

    process.kill(record.pid, "SIGTERM");
    const code = await new Promise((resolve) => npmProcess.once("exit", resolve));
    expect(code).toBe(0);
    expect(fs.existsSync(portalPidFile(dataDir))).toBe(false);
  });
});
