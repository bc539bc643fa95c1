// The production server's entry point in Next's standalone output
// (.next/standalone/scripts/portal.mjs; `npm run build` compiles it): starts
// the front process (portal-proxy.mjs: the public port, /v2/, the OIDC
// documents) and the Next.js process (portal-server.mjs) beside it, restarts
// either when it stops, and stops both on SIGTERM or SIGINT. `npm start`
// (scripts/start.ts) does the same after preparing the database; this one
// expects the environment ready (DATABASE_URL, PORT, …). Node built-ins only,
// so this process stays small. See docs/proxy.md.
import path from "node:path";
import { startPortalProcesses } from "./lib/portal-processes";

const processes = startPortalProcesses({
  frontScript: path.join(import.meta.dirname, "portal-proxy.mjs"),
  nextScript: path.join(import.meta.dirname, "portal-server.mjs"),
  cwd: process.cwd(),
  env: process.env,
  log: (message) => console.log(`[portal] ${message}`),
});

let stopping = false;
const stop = (code: number) => {
  if (stopping) return;
  stopping = true;
  void processes.stop().finally(() => process.exit(code));
};
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => stop(0));
void processes.failed.then(stop);
