// How to run the production server: the one command `npm start`, the
// end-to-end tests and the benchmarks all spawn. `npm run build` compiles
// scripts/portal-server.ts into Next's standalone output, which holds every
// module the server needs; plain `node` runs it (no TypeScript at run time).
import path from "node:path";
import { findProjectRoot } from "./project-root";

const root = findProjectRoot(import.meta.dirname);

/** The standalone folder: a self-contained copy of the built portal (copy it with prisma/migrations to deploy). */
export const STANDALONE_DIR = path.join(root, ".next", "standalone");
export const COMPILED_SERVER = path.join(STANDALONE_DIR, "scripts", "portal-server.mjs");

export const PORTAL_SERVER_COMMAND: readonly [string, string[]] = [process.execPath, ["--conditions=react-server", COMPILED_SERVER]];
