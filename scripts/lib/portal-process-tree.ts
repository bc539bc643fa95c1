// The processes of a running portal, read from /proc under its supervisor:
// what `npm start` prints and what the benchmarks (bench:memory, bench:proxy,
// bench:airgap) measure: CPU per unit of work and memory per process tree. Linux
// only; elsewhere a tree is its root alone. Node built-ins only.
import fs from "node:fs";

export type PortalRole = "supervisor" | "front" | "Next.js" | "PostgreSQL" | "other";

export interface PortalProcess {
  pid: number;
  role: PortalRole;
  command: string;
}

/** A process and all its descendants, parents first. */
export function processTree(pid: number): number[] {
  const children: number[] = [];
  try {
    for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
      children.push(...fs.readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
    }
  } catch {
    // gone, or no /proc
  }
  return [pid, ...children.flatMap(processTree)];
}

export function commandLineOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
  } catch {
    return "";
  }
}

export function roleOf(command: string, isRoot: boolean): PortalRole {
  if (isRoot) return "supervisor";
  if (command.includes("portal-proxy.mjs")) return "front";
  if (command.includes("portal-server.mjs")) return "Next.js";
  if (/(^|\/)postgres(:| |$)/.test(command)) return "PostgreSQL";
  return "other";
}

export function portalProcesses(supervisorPid: number): PortalProcess[] {
  return processTree(supervisorPid).map((pid) => {
    const command = commandLineOf(pid);
    return { pid, role: roleOf(command, pid === supervisorPid), command };
  });
}

/** "supervisor 10, PostgreSQL 11 (+6 workers), front 18, Next.js 19". */
export function describePortalProcesses(supervisorPid: number): string {
  const members = portalProcesses(supervisorPid);
  const parts: string[] = [];
  for (const role of ["supervisor", "PostgreSQL", "front", "Next.js", "other"] as const) {
    const ofRole = members.filter((member) => member.role === role);
    if (ofRole.length === 0) continue;
    const workers = role === "PostgreSQL" && ofRole.length > 1 ? ` (+${ofRole.length - 1} workers)` : "";
    parts.push(`${role} ${role === "PostgreSQL" ? ofRole[0]!.pid : ofRole.map((member) => member.pid).join(" ")}${workers}`);
  }
  return parts.join(", ");
}

/** Resident set and proportional set size (shared pages divided among the processes sharing them), in MiB, from /proc/<pid>/smaps_rollup; null once the process is gone. */
export function residentMemory(pid: number): { rss: number; pss: number } | null {
  try {
    const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(rollup)?.[1] ?? 0) / 1024;
    return { rss: field("Rss"), pss: field("Pss") };
  } catch {
    return null;
  }
}

/** MiB of a process's resident set that are pages of its executable (the node binary, shared with every node process). */
export function executableResidentMiB(pid: number): number {
  try {
    const executable = fs.readlinkSync(`/proc/${pid}/exe`);
    let kB = 0;
    let inExecutable = false;
    for (const line of fs.readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
      if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inExecutable = line.endsWith(` ${executable}`);
      else if (inExecutable && line.startsWith("Rss:")) kB += Number(/(\d+) kB/.exec(line)?.[1] ?? 0);
    }
    return kB / 1024;
  } catch {
    return 0;
  }
}

/** User + system CPU time of a process, in ms (clock ticks of 10 ms); 0 once it is gone. */
export function cpuTimeMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** CPU time of a process tree, in ms (processes that exited meanwhile count 0). */
export function treeCpuMs(pid: number): number {
  return processTree(pid).reduce((total, member) => total + cpuTimeMs(member), 0);
}

export function rssMiB(pid: number): number {
  return residentMemory(pid)?.rss ?? 0;
}

export function pssMiB(pid: number): number {
  return residentMemory(pid)?.pss ?? 0;
}
