// The portal's two server processes, started side by side and restarted when
// one stops unexpectedly: the front (scripts/portal-proxy.ts: the public
// port, the pull path and the OIDC documents, no Next.js) and the Next.js
// server (scripts/portal-server.ts: pages, actions, the API) behind it on a
// private Unix socket. Used by `npm start` (scripts/start.ts) and by the
// standalone entry point (scripts/portal.ts). Node built-ins only: the
// process that runs this stays small. See docs/proxy.md.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NEXT_SOCKET_ENV } from "./next-socket";

export interface PortalProcessesOptions {
  /** The two compiled servers, and the directory they run in. */
  frontScript: string;
  nextScript: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  log: (message: string) => void;
}

export interface PortalProcesses {
  /** Process IDs of the running children (0 while one is being restarted). */
  pids(): { front: number; next: number };
  /** Stops both (SIGTERM, then SIGKILL after 10 s) and resolves once they have exited. */
  stop(): Promise<void>;
  /** Resolves with 1 when a process keeps failing at start-up and the portal gave up. */
  failed: Promise<number>;
}

/** A process that stops this soon after starting failed to start (a configuration error, a port in use). */
const EARLY_EXIT_MS = 10_000;
const MAX_EARLY_EXITS = 3;
const STOP_GRACE_MS = 10_000;

/**
 * glibc's malloc settings for the two servers (an operator's own setting
 * wins; docs/operations.md). Two arenas instead of up to eight per core:
 * the servers' threads (libuv, V8's compilers and GC) otherwise each keep an
 * arena of freed memory resident. The mmap and trim thresholds fixed at
 * glibc's own initial 128 KiB: left dynamic, glibc raises them each time a
 * large mapped block is freed (up to 32 and 64 MiB; start-up frees several,
 * the Prisma query compiler's WebAssembly is 3.4 MB decoded), and then up to
 * 64 MiB of freed memory at the top of the heap is never returned; fixed, each server starts 20-40 MiB smaller and no longer
 * varies by that much between starts (`npm run bench:memory`). Blocks of
 * 128 KiB or more are then mapped and unmapped each time; the 64 KiB socket
 * reads of the pull path stay below that.
 */
export const MALLOC_DEFAULTS = { MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "131072", MALLOC_TRIM_THRESHOLD_: "131072" };

/**
 * A small young generation for both servers: 4 MiB semi-spaces instead of
 * V8's 16 MiB. The front keeps little on its heap (blob bytes live in pooled
 * buffers outside it); measured with `npm run bench:memory`, the front stays
 * near 100 MiB (PSS) while streaming 1 GiB and the tree near 300 MiB idle,
 * against 140 and 360-375 without, at the same CPU per 256 MiB.
 */
const V8_FLAGS = ["--max-semi-space-size=4"];

/**
 * The front process compiles the Prisma query compiler's WebAssembly with
 * V8's baseline compiler (Liftoff) only. V8's optimizing compiler for it
 * (TurboFan) needs about 70 MB of malloc'd memory while it runs; freed, that
 * memory stays resident in the process (fragments of glibc's arenas), so the
 * front started 20-60 MiB larger and in two modes. Queries the front makes
 * are few and small (a license, a credential, a manifest's cache row).
 */
export const FRONT_V8_FLAGS = [...V8_FLAGS, "--liftoff-only"];

interface Slot {
  label: string;
  script: string;
  /** V8 flags of this process. */
  flags: string[];
  child: ChildProcess | null;
  startedAt: number;
  earlyExits: number;
}

export function startPortalProcesses(options: PortalProcessesOptions): PortalProcesses {
  const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-"));
  fs.chmodSync(socketDir, 0o700);
  const env = { ...MALLOC_DEFAULTS, ...options.env, [NEXT_SOCKET_ENV]: path.join(socketDir, "next.sock") };
  let stopping = false;
  let giveUp: (code: number) => void = () => {};
  const failed = new Promise<number>((resolve) => (giveUp = resolve));

  const slots: Slot[] = [
    { label: "front (public port, /v2/, OIDC documents)", script: options.frontScript, flags: FRONT_V8_FLAGS, child: null, startedAt: 0, earlyExits: 0 },
    { label: "Next.js", script: options.nextScript, flags: V8_FLAGS, child: null, startedAt: 0, earlyExits: 0 },
  ];

  const launch = (slot: Slot) => {
    const child = spawn(process.execPath, ["--conditions=react-server", ...slot.flags, slot.script], { cwd: options.cwd, env, stdio: ["inherit", "inherit", "inherit", "ipc"] });
    slot.child = child;
    slot.startedAt = Date.now();
    child.once("exit", (code, signal) => {
      slot.child = null;
      if (stopping) return;
      const early = Date.now() - slot.startedAt < EARLY_EXIT_MS;
      slot.earlyExits = early ? slot.earlyExits + 1 : 0;
      if (slot.earlyExits >= MAX_EARLY_EXITS) {
        options.log(`the ${slot.label} process failed ${MAX_EARLY_EXITS} times in a row at start-up (last: ${signal ?? `exit code ${code}`}); see its output above. Stopping.`);
        giveUp(1);
        return;
      }
      const delay = early ? 1000 * slot.earlyExits : 100;
      options.log(`the ${slot.label} process stopped (${signal ?? `exit code ${code}`}): restarting it in ${delay} ms`);
      setTimeout(() => !stopping && launch(slot), delay);
    });
  };
  for (const slot of slots) launch(slot);

  return {
    pids: () => ({ front: slots[0]!.child?.pid ?? 0, next: slots[1]!.child?.pid ?? 0 }),
    failed,
    async stop() {
      stopping = true;
      await Promise.all(slots.map((slot) => stopChild(slot.child)));
      fs.rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

function stopChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
