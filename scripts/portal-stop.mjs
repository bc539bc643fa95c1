// `npm stop`: stops the portal through dist/portal-ctl.mjs. Unlike `npm start`
// it never builds: without a build nothing was started from this checkout, so
// a fresh clone's `npm stop` says so at once instead of building first.
// Plain JavaScript: it runs before anything is compiled.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const ctl = path.resolve(import.meta.dirname, "..", "dist", "portal-ctl.mjs");
if (!fs.existsSync(ctl)) {
  console.log("[portal] not running: this checkout has no build yet (`npm start` builds it), so no portal was started from it");
  process.exit(0);
}
const stop = spawnSync(process.execPath, ["--conditions=react-server", ctl, "stop"], { stdio: "inherit" });
process.exit(stop.status ?? 1);
