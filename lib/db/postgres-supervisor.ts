// Which process started the embedded PostgreSQL server of a data directory,
// so that a server left behind by a hard kill can be recognised and stopped.
//
// When `npm start` (the supervisor) and the portal server are killed together
// (SIGKILL, as the kernel's out-of-memory killer does), the postmaster keeps
// running with nobody to stop it, and the next start would find the data
// directory in use. startEmbeddedPostgres writes <data dir>.supervisor.json
// beside the data directory: the postmaster's and the supervisor's process IDs
// and start times (from /proc, so a reused process ID is not mistaken for
// them). A running postmaster is an orphan to stop only when all of these
// hold: postmaster.pid names it, /proc/<pid>/cmdline shows the PostgreSQL
// server running on exactly this data directory, the record describes this
// very postmaster (same process ID and start time), and the recorded
// supervisor is gone. Anything else (another portal's live server, a server
// someone started by hand, a process that merely reuses the ID) is left alone.
// Linux only (/proc); elsewhere nothing is ever taken for an orphan.
import fs from "node:fs";
import path from "node:path";

export interface ProcessIdentity {
  pid: number;
  /** Field 22 of /proc/<pid>/stat: clock ticks after boot at which it started. */
  startTime: string;
}

export interface SupervisorRecord {
  postmaster: ProcessIdentity;
  supervisor: ProcessIdentity;
}

export function supervisorRecordFile(dataDir: string): string {
  return path.join(path.dirname(path.resolve(dataDir)), `${path.basename(dataDir)}.supervisor.json`);
}

/** Parent pid, start time and state (R, S, Z for a zombie, …) from /proc/<pid>/stat, or null when there is no such process (or no /proc). */
export function readProcessStat(pid: number): { ppid: number; startTime: string; state: string } | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // Field 2 is the command name in parentheses and may itself hold spaces or
  // parentheses: the fields after the last ")" start with field 3.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ppid = Number(fields[1]);
  const startTime = fields[19];
  return Number.isInteger(ppid) && startTime ? { ppid, startTime, state: fields[0] ?? "" } : null;
}

export function identityOf(pid: number): ProcessIdentity | null {
  const stat = readProcessStat(pid);
  return stat ? { pid, startTime: stat.startTime } : null;
}

/**
 * That very process is still running. A zombie is not: a supervisor killed
 * after `npm start` returned is a child of PID 1, which in a container may
 * never reap it.
 */
export function isSameProcess(identity: ProcessIdentity): boolean {
  const stat = readProcessStat(identity.pid);
  return stat !== null && stat.startTime === identity.startTime && stat.state !== "Z";
}

/** The postmaster's process ID from postmaster.pid, when its second line names this data directory. */
export function postmasterPidOf(dataDir: string): number | null {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n");
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || path.resolve(lines[1] ?? "") !== path.resolve(dataDir)) return null;
  return pid;
}

/** True when /proc/<pid>/cmdline is a PostgreSQL server (`postgres -D <dataDir> …`) on this data directory. */
export function isPostmasterOf(pid: number, dataDir: string): boolean {
  let argv: string[];
  try {
    argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return false;
  }
  const dataFlag = argv.indexOf("-D");
  return path.basename(argv[0] ?? "") === "postgres" && dataFlag > 0 && path.resolve(argv[dataFlag + 1] ?? "") === path.resolve(dataDir);
}

/** Called by the process that has just started the server. Without /proc nothing is written. */
export function recordSupervisor(dataDir: string): void {
  const pid = postmasterPidOf(dataDir);
  const postmaster = pid === null ? null : identityOf(pid);
  const supervisor = identityOf(process.pid);
  if (!postmaster || !supervisor) return;
  const record: SupervisorRecord = { postmaster, supervisor };
  fs.writeFileSync(supervisorRecordFile(dataDir), JSON.stringify(record) + "\n", { mode: 0o600 });
}

export function forgetSupervisor(dataDir: string): void {
  fs.rmSync(supervisorRecordFile(dataDir), { force: true });
}

function readSupervisorRecord(dataDir: string): SupervisorRecord | null {
  try {
    const record = JSON.parse(fs.readFileSync(supervisorRecordFile(dataDir), "utf8")) as SupervisorRecord;
    return Number.isInteger(record.postmaster?.pid) && Number.isInteger(record.supervisor?.pid) ? record : null;
  } catch {
    return null;
  }
}

/** The running postmaster of this data directory when its supervisor is gone (see the module comment), else null. */
export function findOrphanedPostmaster(dataDir: string): ProcessIdentity | null {
  const pid = postmasterPidOf(dataDir);
  if (pid === null || !isPostmasterOf(pid, dataDir)) return null;
  const record = readSupervisorRecord(dataDir);
  if (!record || record.postmaster.pid !== pid || !isSameProcess(record.postmaster)) return null;
  if (isSameProcess(record.supervisor)) return null;
  return record.postmaster;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForExit(postmaster: ProcessIdentity, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isSameProcess(postmaster)) return true;
    await sleep(100);
  }
  return !isSameProcess(postmaster);
}

/**
 * Stops an orphaned postmaster the way `pg_ctl stop` would: SIGTERM (smart
 * shutdown: waits for sessions to end; its portal's sessions died with the
 * portal), then after `smartTimeoutMs` SIGINT (fast shutdown: ends sessions,
 * still a clean checkpoint). Never SIGKILL. Resolves with how it stopped;
 * rejects when it is still running after both.
 */
export async function stopOrphanedPostmaster(postmaster: ProcessIdentity, options: { smartTimeoutMs?: number; fastTimeoutMs?: number } = {}): Promise<"smart" | "fast"> {
  const signal = (name: NodeJS.Signals) => {
    // Re-checked right before each signal: the ID must still be that process.
    if (isSameProcess(postmaster)) process.kill(postmaster.pid, name);
  };
  signal("SIGTERM");
  if (await waitForExit(postmaster, options.smartTimeoutMs ?? 10_000)) return "smart";
  signal("SIGINT");
  if (await waitForExit(postmaster, options.fastTimeoutMs ?? 30_000)) return "fast";
  throw new Error(`the orphaned PostgreSQL server (pid ${postmaster.pid}) did not stop after SIGTERM and SIGINT`);
}
