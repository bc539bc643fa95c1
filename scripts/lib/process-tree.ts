// A process tree's CPU time and memory, read from /proc: what the benchmarks
// report per unit of work for each process tree they measure (a subject and
// its reference each in processes of their own), which stays comparable on a
// busy machine where wall clock does not.
import fs from "node:fs";

/** A process and all its descendants. */
export function treePids(pid: number): number[] {
  let children: number[] = [];
  try {
    for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
      children = children.concat(fs.readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
    }
  } catch {
    return [];
  }
  return [pid, ...children.flatMap(treePids)];
}

export function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/** utime + stime of a process, in ms (clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU time of a process tree, in ms (processes that exited meanwhile count 0). */
export function treeCpuMs(pid: number): number {
  let total = 0;
  for (const member of treePids(pid)) {
    try {
      total += cpuMs(member);
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

export function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** Proportional set size: shared pages (PostgreSQL's shared buffers, the node binary) divided among the processes sharing them, so a tree's sum is what it really holds. */
export function pssMiB(pid: number): number {
  const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)![1]) / 1024;
}
