// How to run the production server (scripts/portal-server.ts): the one
// command `npm start`, the end-to-end tests and the benchmark all spawn.
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..", "..");

export const PORTAL_SERVER_COMMAND: readonly [string, string[]] = [
  path.join(root, "node_modules", ".bin", "tsx"),
  ["--conditions=react-server", path.join(root, "scripts", "portal-server.ts")],
];
