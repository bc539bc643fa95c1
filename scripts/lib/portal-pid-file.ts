// <DATA_DIR>/portal.pid: which supervisor (dist/start.mjs) serves this data
// directory, written by the supervisor when it starts (in the background from
// `npm start`, or in the foreground) and removed when it stops. `npm start`
// reads it to refuse a second portal and to find the log file, `npm stop` to
// know whom to stop. The record carries the process's start time from /proc,
// so a file left behind by a killed supervisor (stale, or naming a process ID
// that was reused since) is recognised and replaced, never obeyed. Node
// built-ins only: the supervisor that imports this stays small.
import fs from "node:fs";
import path from "node:path";
import { isSameProcess, readProcessStat } from "@/lib/db/postgres-supervisor";

export interface PortalRecord {
  pid: number;
  /** Field 22 of /proc/<pid>/stat; empty where there is no /proc. */
  startTime: string;
  appUrl: string;
  /** Where this machine reaches the public port: http://<listen host or 127.0.0.1>:<port>. */
  localUrl: string;
  /** The log file of a portal started in the background, else null. */
  logFile: string | null;
}

export function portalPidFile(dataDir: string): string {
  return path.join(dataDir, "portal.pid");
}

/** The directory `npm start` keeps its data in: DATA_DIR, or .data under the working directory. */
export function portalDataDir(): string {
  return path.resolve(process.env.DATA_DIR || ".data");
}

/** The supervisor named by the pid file when it is still that very process, else null (no file, stale, unreadable). */
export function readRunningPortal(dataDir: string): PortalRecord | null {
  let record: PortalRecord;
  try {
    record = JSON.parse(fs.readFileSync(portalPidFile(dataDir), "utf8")) as PortalRecord;
  } catch {
    return null;
  }
  if (!Number.isInteger(record.pid) || record.pid <= 0 || typeof record.startTime !== "string") return null;
  return isRunning(record.pid, record.startTime) ? record : null;
}

function isRunning(pid: number, startTime: string): boolean {
  if (readProcessStat(pid)) return isSameProcess({ pid, startTime });
  // No /proc (not Linux): only whether the process ID is in use can be known.
  if (startTime !== "") return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export class PortalAlreadyRunningError extends Error {
  constructor(readonly running: PortalRecord) {
    super(`The portal is already running from this data directory (pid ${running.pid}, ${running.appUrl}). Stop it with \`npm stop\` first, or give this one its own DATA_DIR.`);
  }
}

/**
 * Writes this process's record, atomically and only when no live supervisor
 * holds the file (a stale one is replaced). Throws PortalAlreadyRunningError
 * otherwise. Returns the function that removes the record again, which does
 * nothing once another process has taken the file over.
 */
export function claimPortalPidFile(dataDir: string, details: Omit<PortalRecord, "pid" | "startTime">): () => void {
  const file = portalPidFile(dataDir);
  const record: PortalRecord = { pid: process.pid, startTime: readProcessStat(process.pid)?.startTime ?? "", ...details };
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(record) + "\n", { flag: "wx", mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 2) throw error;
      const running = readRunningPortal(dataDir);
      if (running && running.pid !== process.pid) throw new PortalAlreadyRunningError(running);
      fs.rmSync(file, { force: true });
    }
  }
  return () => {
    if (readRunningPortal(dataDir)?.pid === process.pid) fs.rmSync(file, { force: true });
  };
}

/** http://<host>:<port> where this machine reaches a server listening on LISTEN_HOST (all interfaces: loopback). */
export function localUrlOf(listenHost: string | undefined, port: number): string {
  const host = !listenHost || listenHost === "0.0.0.0" || listenHost === "::" ? "127.0.0.1" : listenHost;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}
