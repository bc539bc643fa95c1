// How to run the production server: the one command the end-to-end tests, the
// several-process tests and the benchmarks spawn (`npm start` runs the same two
// processes itself, scripts/start.ts). `npm run build` compiles scripts/portal.ts,
// portal-proxy.ts and portal-server.ts into Next's standalone output, which
// holds every module they need; plain `node` runs them (no TypeScript at run time).
import path from "node:path";
import { findProjectRoot } from "./project-root";

const root = findProjectRoot(import.meta.dirname);

/** The standalone folder: a self-contained copy of the built portal (copy it with prisma/migrations to deploy). */
export const STANDALONE_DIR = path.join(root, ".next", "standalone");
/** The standalone entry point: starts the two processes below and restarts them. */
export const COMPILED_SERVER = path.join(STANDALONE_DIR, "scripts", "portal.mjs");
/** The front process: public port, /v2/, OIDC documents; no Next.js. */
export const FRONT_SCRIPT = path.join(STANDALONE_DIR, "scripts", "portal-proxy.mjs");
/** The Next.js process (alone, with PORT, it serves everything in one process). */
export const NEXT_SCRIPT = path.join(STANDALONE_DIR, "scripts", "portal-server.mjs");

export const PORTAL_SERVER_COMMAND: readonly [string, string[]] = [process.execPath, ["--conditions=react-server", COMPILED_SERVER]];
