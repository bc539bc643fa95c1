import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { readProcessStat } from "@/lib/db/postgres-supervisor";
import { claimPortalPidFile, localUrlOf, PortalAlreadyRunningError, portalPidFile, readRunningPortal, type PortalRecord } from "./portal-pid-file";

const dirs: string[] = [];
const children: ChildProcess[] = [];
const details = { appUrl: "https://portal.example.com", localUrl: "http://127.0.0.1:3000", logFile: null };

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-pid-"));
  dirs.push(dir);
  return dir;
}

/** A real process that stays alive until the test ends. */
async function liveProcess(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  children.push(child);
  await new Promise((resolve) => child.once("spawn", resolve));
  return child.pid!;
}

/** The process ID of a process that has exited (and been reaped). */
async function deadProcess(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid!;
}

function writeRecord(dir: string, record: Partial<PortalRecord>): void {
  fs.writeFileSync(portalPidFile(dir), JSON.stringify({ ...details, startTime: "", ...record }));
}

afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the portal's pid file", () => {
  it("records this process with its start time and removes the record on release", () => {
    const dir = dataDir();
    const release = claimPortalPidFile(dir, details);
    const record = readRunningPortal(dir);
    expect(record).toMatchObject({ pid: process.pid, startTime: readProcessStat(process.pid)!.startTime, appUrl: details.appUrl });
    expect(fs.statSync(portalPidFile(dir)).mode & 0o777).toBe(0o600);
    release();
    expect(fs.existsSync(portalPidFile(dir))).toBe(false);
  });

  it("refuses a second portal while the recorded supervisor is alive, naming it", async () => {
    const dir = dataDir();
    const pid = await liveProcess();
    writeRecord(dir, { pid, startTime: readProcessStat(pid)!.startTime });
    expect(() => claimPortalPidFile(dir, details)).toThrow(PortalAlreadyRunningError);
    expect(() => claimPortalPidFile(dir, details)).toThrow(`pid ${pid}, https://portal.example.com`);
    expect(readRunningPortal(dir)?.pid).toBe(pid);
  });

  it("replaces the record of a supervisor that was killed", async () => {
    const dir = dataDir();
    writeRecord(dir, { pid: await deadProcess(), startTime: "1" });
    expect(readRunningPortal(dir)).toBeNull();
    claimPortalPidFile(dir, details);
    expect(readRunningPortal(dir)?.pid).toBe(process.pid);
  });

  it("does not take a reused process ID for the recorded supervisor", async () => {
    const dir = dataDir();
    const pid = await liveProcess();
    writeRecord(dir, { pid, startTime: String(Number(readProcessStat(pid)!.startTime) - 100) });
    expect(readRunningPortal(dir)).toBeNull();
    claimPortalPidFile(dir, details);
    expect(readRunningPortal(dir)?.pid).toBe(process.pid);
  });

  it("ignores an unreadable record", () => {
    const dir = dataDir();
    fs.writeFileSync(portalPidFile(dir), "not json");
    expect(readRunningPortal(dir)).toBeNull();
    claimPortalPidFile(dir, details);
    expect(readRunningPortal(dir)?.pid).toBe(process.pid);
  });

  it("leaves a record alone on release once another supervisor owns it", async () => {
    const dir = dataDir();
    const release = claimPortalPidFile(dir, details);
    const pid = await liveProcess();
    writeRecord(dir, { pid, startTime: readProcessStat(pid)!.startTime });
    release();
    expect(readRunningPortal(dir)?.pid).toBe(pid);
  });
});

describe("the address this machine reaches the portal at", () => {
  it("is loopback when the portal listens on every interface", () => {
    expect(localUrlOf(undefined, 3000)).toBe("http://127.0.0.1:3000");
    expect(localUrlOf("0.0.0.0", 8080)).toBe("http://127.0.0.1:8080");
    expect(localUrlOf("::", 8080)).toBe("http://127.0.0.1:8080");
  });

  it("is the listen address otherwise, bracketed for IPv6", () => {
    expect(localUrlOf("10.0.0.5", 3000)).toBe("http://10.0.0.5:3000");
    expect(localUrlOf("::1", 3000)).toBe("http://[::1]:3000");
  });
});
