// `npm run dev`: the portal from source with `next dev` (one process, no
// front process), on the embedded database unless DATABASE_URL is set, with
// migrations applied. Ctrl-C stops it and then the database.
import { spawn } from "node:child_process";
import path from "node:path";
import { findProjectRoot } from "./lib/project-root";
import { log, preparePortalRuntime, runMain } from "./lib/portal-runtime";

const root = findProjectRoot(import.meta.dirname);

runMain(async () => {
  const runtime = await preparePortalRuntime();
  const { env } = runtime;
  log(`serving on port ${env.PORT} at ${env.APP_URL} (OIDC issuer ${env.OIDC_ISSUER_URL})`);
  const next = spawn(path.join(root, "node_modules", ".bin", "next"), ["dev", "-p", String(env.PORT)], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, DATABASE_URL: runtime.databaseUrl, NEXTAUTH_URL: env.APP_URL, PORT: String(env.PORT) },
  });
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      log(`${signal} received: stopping`);
      stopping = true;
      next.kill("SIGTERM");
    });
  }
  next.on("exit", async (code) => {
    await runtime.stop();
    process.exit(stopping ? 0 : (code ?? 0));
  });
});
