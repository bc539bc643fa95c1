// The orphan check against real processes: stand-ins whose /proc/<pid>/cmdline
// reads "postgres -D <dir>" (node with argv0 "postgres"), a record of their
// supervisor, and what must never be signalled.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findOrphanedPostmaster, identityOf, isPostmasterOf, readProcessStat, stopOrphanedPostmaster, supervisorRecordFile, type ProcessIdentity } from "@/lib/db/postgres-supervisor";

const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), "supervisor-test-"));
  dirs.push(parent);
  const dir = path.join(parent, "postgres");
  fs.mkdirSync(dir);
  return dir;
}

/** A process that looks like `postgres -D <dir>`; `onTerm` says what it does with SIGTERM. */
async function fakePostmaster(dir: string, onTerm: "exit" | "ignore", argv0 = "postgres"): Promise<ChildProcess> {
  const script = `process.on("SIGTERM", () => { ${onTerm === "exit" ? "process.exit(0)" : ""} }); process.on("SIGINT", () => process.exit(0)); setInterval(() => {}, 1000); console.log("up");`;
  const child = spawn(process.execPath, ["-e", script, "--", "-D", dir, "-p", "5432"], { argv0, stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  await new Promise((resolve) => child.stdout!.once("data", resolve));
  fs.writeFileSync(path.join(dir, "postmaster.pid"), `${child.pid}\n${dir}\n${Math.floor(Date.now() / 1000)}\n5432\n`);
  return child;
}

/** The identity of a process that has already exited (a killed supervisor). */
async function goneProcess(): Promise<ProcessIdentity> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  children.push(child);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const identity = identityOf(child.pid!)!;
  child.kill("SIGKILL");
  await new Promise((resolve) => child.once("exit", resolve));
  return identity;
}

function writeRecord(dir: string, postmaster: ProcessIdentity, supervisor: ProcessIdentity): void {
  fs.writeFileSync(supervisorRecordFile(dir), JSON.stringify({ postmaster, supervisor }));
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));

describe("recognising an orphaned embedded PostgreSQL", () => {
  it("reads a process's parent and start time from /proc", () => {
    const stat = readProcessStat(process.pid);
    expect(stat?.ppid).toBe(process.ppid);
    expect(stat?.startTime).toMatch(/^\d+$/);
    expect(readProcessStat(2 ** 22 + 7)).toBeNull();
  });

  it("finds the postmaster of its data directory whose supervisor is gone, and stops it with a smart shutdown", async () => {
    const dir = dataDir();
    const postmaster = await fakePostmaster(dir, "exit");
    writeRecord(dir, identityOf(postmaster.pid!)!, await goneProcess());
    const orphan = findOrphanedPostmaster(dir);
    expect(orphan?.pid).toBe(postmaster.pid);
    expect(await stopOrphanedPostmaster(orphan!)).toBe("smart");
    await exited(postmaster);
    expect(postmaster.signalCode ?? postmaster.exitCode).toBe(0);
  });

  it("falls back to a fast shutdown (SIGINT) when the smart one does not end it in time", async () => {
    const dir = dataDir();
    const postmaster = await fakePostmaster(dir, "ignore");
    writeRecord(dir, identityOf(postmaster.pid!)!, await goneProcess());
    expect(await stopOrphanedPostmaster(findOrphanedPostmaster(dir)!, { smartTimeoutMs: 300 })).toBe("fast");
    await exited(postmaster);
  });

  it("takes a killed supervisor that nobody reaped (a zombie, as under a container's PID 1) for gone", async () => {
    const dir = dataDir();
    const postmaster = await fakePostmaster(dir, "exit");
    // The shell's background child exits; the shell has become \`sleep\`, which never reaps it.
    const parent = spawn("sh", ["-c", "sleep 0 & echo $!; exec sleep 30"], { stdio: ["ignore", "pipe", "ignore"] });
    children.push(parent);
    const zombie = Number(await new Promise<string>((resolve) => parent.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString()))));
    const deadline = Date.now() + 5000;
    while (readProcessStat(zombie)?.state !== "Z" && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(readProcessStat(zombie)?.state).toBe("Z");
    writeRecord(dir, identityOf(postmaster.pid!)!, identityOf(zombie)!);
    expect(findOrphanedPostmaster(dir)?.pid).toBe(postmaster.pid);
  });

  it("leaves alone a postmaster whose supervisor is alive", async () => {
    const dir = dataDir();
    const postmaster = await fakePostmaster(dir, "exit");
    writeRecord(dir, identityOf(postmaster.pid!)!, identityOf(process.pid)!);
    expect(findOrphanedPostmaster(dir)).toBeNull();
  });

  it("leaves alone a process that is not a PostgreSQL server on this data directory", async () => {
    const dir = dataDir();
    const other = await fakePostmaster(dir, "exit", "node");
    writeRecord(dir, identityOf(other.pid!)!, await goneProcess());
    expect(isPostmasterOf(other.pid!, dir)).toBe(false);
    expect(findOrphanedPostmaster(dir)).toBeNull();

    const elsewhere = dataDir();
    const postmasterOfAnother = await fakePostmaster(elsewhere, "exit");
    // postmaster.pid of `dir` names a server that runs on another directory.
    fs.writeFileSync(path.join(dir, "postmaster.pid"), `${postmasterOfAnother.pid}\n${dir}\n0\n5432\n`);
    writeRecord(dir, identityOf(postmasterOfAnother.pid!)!, await goneProcess());
    expect(findOrphanedPostmaster(dir)).toBeNull();
  });

  it("leaves alone a postmaster the record does not describe (started by hand, or the ID reused)", async () => {
    const dir = dataDir();
    const postmaster = await fakePostmaster(dir, "exit");
    const gone = await goneProcess();
    expect(findOrphanedPostmaster(dir)).toBeNull(); // no record at all
    writeRecord(dir, { pid: postmaster.pid!, startTime: "1" }, gone);
    expect(findOrphanedPostmaster(dir)).toBeNull();
    writeRecord(dir, gone, gone);
    expect(findOrphanedPostmaster(dir)).toBeNull();
    expect(postmaster.exitCode).toBeNull();
  });
});
