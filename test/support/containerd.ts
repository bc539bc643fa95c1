// A real containerd (Debian's, run as root) with its own config, root, state
// and socket under a temporary directory, so a test can drive it with `ctr`
// without touching the machine's containerd: `ctr images import`, `pull`.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface Containerd {
  socket: string;
  /** `ctr -a <socket> …args`, run in `cwd` if given. */
  ctr(args: readonly string[], options?: { cwd?: string }): Promise<{ stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

/** Plugins a test never needs (and that want kernel features or files a test machine lacks). */
const DISABLED_PLUGINS = [
  "io.containerd.grpc.v1.cri",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.internal.v1.opt",
  "io.containerd.tracing.processor.v1.otlp",
];

export async function startContainerd(): Promise<Containerd> {
  // Short: a unix socket's path is at most 107 bytes.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ctrd-"));
  const socket = path.join(dir, "containerd.sock");
  const config = path.join(dir, "config.toml");
  fs.writeFileSync(
    config,
    [
      "version = 2",
      `root = ${JSON.stringify(path.join(dir, "root"))}`,
      `state = ${JSON.stringify(path.join(dir, "state"))}`,
      `disabled_plugins = ${JSON.stringify(DISABLED_PLUGINS)}`,
      "[grpc]",
      `  address = ${JSON.stringify(socket)}`,
      "[ttrpc]",
      `  address = ${JSON.stringify(`${socket}.ttrpc`)}`,
      "[debug]",
      `  address = ${JSON.stringify(path.join(dir, "debug.sock"))}`,
      "",
    ].join("\n"),
  );
  const logFile = fs.openSync(path.join(dir, "containerd.log"), "w");
  const child: ChildProcess = spawn("containerd", ["--config", config], { stdio: ["ignore", logFile, logFile] });
  fs.closeSync(logFile);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ctr = (args: readonly string[], options: { cwd?: string } = {}) => run("ctr", ["-a", socket, ...args], { cwd: options.cwd, maxBuffer: 16 * 1024 * 1024 });
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    // Unpacked snapshots may still be mounted if containerd died: unmount before removing.
    await run("umount", ["-R", path.join(dir, "root")]).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await run("ctr", ["-a", socket, "version"], { timeout: 5_000 });
      return { socket, ctr, stop };
    } catch (error) {
      if (child.exitCode !== null || attempt >= 100) {
        const logText = fs.readFileSync(path.join(dir, "containerd.log"), "utf8").slice(-2_000);
        await stop();
        throw new Error(`containerd did not start: ${(error as Error).message}\n${logText}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
