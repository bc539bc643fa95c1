// `npm start` and `npm stop` (compiled to dist/portal-ctl.mjs by `npm run build`).
//
// npm cannot hand its process over to the server, so a portal run under npm
// would keep an idle npm process (≈60 MiB) alive for its whole lifetime.
// Instead `npm start` starts the supervisor (dist/start.mjs) in the
// background, in a session of its own, with its output and its servers'
// appended to <DATA_DIR>/portal.log; it shows that log on the terminal while
// the portal starts, waits until /api/health answers, prints the address,
// the log file and the process IDs, and exits, like `pg_ctl start`.
// `npm stop` sends SIGTERM to the supervisor (which stops Next.js, the front
// process and then PostgreSQL) and waits until it is gone. Both find the
// supervisor through <DATA_DIR>/portal.pid (scripts/lib/portal-pid-file.ts).
//
// `npm start -- --foreground` runs the supervisor in this process instead
// (Ctrl-C stops it); containers and service managers should run
// `node --conditions=react-server dist/start.mjs` directly, which is the same
// without npm. See docs/operations.md.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { portalDataDir, portalPidFile, readRunningPortal, type PortalRecord } from "./lib/portal-pid-file";
import { describePortalProcesses } from "./lib/portal-process-tree";

const START_SCRIPT = path.join(import.meta.dirname, "start.mjs");
/** How long `npm start` waits for /api/health before leaving the portal starting on its own. */
const HEALTHY_WITHIN_MS = 5 * 60_000;
/** How long `npm stop` waits: the supervisor gives its servers 10 s, then stops PostgreSQL (a checkpoint). */
const STOPPED_WITHIN_MS = 90_000;

const say = (message: string) => console.log(`[portal] ${message}`);
const complain = (message: string) => console.error(`[portal] ${message}`);
/** A path as the operator would type it: relative under the working directory, else absolute. */
const shown = (file: string) => {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const [command, ...options] = process.argv.slice(2);
if (command === "start" && options.includes("--foreground")) {
  process.argv = [process.argv[0]!, START_SCRIPT];
  await import(pathToFileURL(START_SCRIPT).href);
} else if (command === "start") {
  process.exitCode = await startInBackground();
} else if (command === "stop") {
  process.exitCode = await stop();
} else {
  complain("usage: portal-ctl.mjs start [--foreground] | stop");
  process.exitCode = 2;
}

async function startInBackground(): Promise<number> {
  const dataDir = portalDataDir();
  const running = readRunningPortal(dataDir);
  if (running) {
    complain(`The portal is already running from ${shown(dataDir)} (pid ${running.pid}) at ${running.appUrl}.${running.logFile ? ` Its log: ${shown(running.logFile)}.` : ""} Stop it with \`npm stop\`.`);
    return 1;
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const logFile = path.join(dataDir, "portal.log");
  const log = fs.openSync(logFile, "a", 0o600);
  let shownUpTo = fs.fstatSync(log).size;
  const supervisor = spawn(process.execPath, ["--conditions=react-server", START_SCRIPT, `--background-log=${logFile}`], { detached: true, stdio: ["ignore", log, log] });
  fs.closeSync(log);
  let exited: string | null = null;
  supervisor.once("exit", (code, signal) => (exited = signal ?? `exit code ${code}`));
  // Ctrl-C while it starts: the portal started by this command is stopped, not left half-started.
  let interrupted = false;
  process.once("SIGINT", () => {
    interrupted = true;
    supervisor.kill("SIGTERM");
  });

  // The log as it grows, so a first start (a build, migrations) reads as it always did.
  const showNewLog = () => {
    const size = fs.statSync(logFile).size;
    if (size <= shownUpTo) return;
    const fd = fs.openSync(logFile, "r");
    const chunk = Buffer.alloc(size - shownUpTo);
    fs.readSync(fd, chunk, 0, chunk.length, shownUpTo);
    fs.closeSync(fd);
    shownUpTo = size;
    process.stdout.write(chunk);
  };

  const deadline = Date.now() + HEALTHY_WITHIN_MS;
  for (;;) {
    showNewLog();
    if (exited !== null) {
      await sleep(100);
      showNewLog();
      if (interrupted) return 130;
      complain(`The portal did not start (${exited}); the reason is above, and in ${shown(logFile)}.`);
      return 1;
    }
    const record = readRunningPortal(dataDir);
    if (record && record.pid === supervisor.pid && (await isHealthy(record))) break;
    if (Date.now() > deadline) {
      complain(`The portal is still not answering ${record?.localUrl ?? "its port"}/api/health after ${HEALTHY_WITHIN_MS / 60_000} minutes; it goes on starting in the background (pid ${supervisor.pid}). Watch ${shown(logFile)}, or stop it with \`npm stop\`.`);
      supervisor.unref();
      return 1;
    }
    await sleep(250);
  }
  showNewLog();
  const record = readRunningPortal(dataDir)!;
  say(`The portal is running in the background at ${record.appUrl}`);
  say(`processes: ${describePortalProcesses(record.pid)}`);
  say(`log: ${shown(logFile)} (tail -f ${shown(logFile)})`);
  say("stop it with `npm stop`");
  supervisor.unref();
  return 0;
}

async function isHealthy(record: PortalRecord): Promise<boolean> {
  try {
    const response = await fetch(`${record.localUrl}/api/health`, { signal: AbortSignal.timeout(3000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

async function stop(): Promise<number> {
  const dataDir = portalDataDir();
  const running = readRunningPortal(dataDir);
  if (!running) {
    const stale = fs.existsSync(portalPidFile(dataDir));
    if (stale) fs.rmSync(portalPidFile(dataDir), { force: true });
    say(`The portal is not running from ${shown(dataDir)}${stale ? " (removed the record of one that was killed)" : ""}.`);
    return 0;
  }
  say(`stopping the portal (pid ${running.pid}): Next.js, the front process, then the database…`);
  process.kill(running.pid, "SIGTERM");
  const deadline = Date.now() + STOPPED_WITHIN_MS;
  while (readRunningPortal(dataDir)?.pid === running.pid) {
    if (Date.now() > deadline) {
      complain(`The portal (pid ${running.pid}) is still running ${STOPPED_WITHIN_MS / 1000} s after SIGTERM.${running.logFile ? ` See ${shown(running.logFile)}.` : ""} Stop it with \`kill -9 ${running.pid}\` if it hangs; the next \`npm start\` then stops its database cleanly.`);
      return 1;
    }
    await sleep(100);
  }
  say("stopped");
  return 0;
}
