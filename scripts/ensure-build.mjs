// Runs `npm run build` when the compiled portal is missing (a fresh clone), so
// `npm start` works first time. Plain JavaScript: it runs before anything is compiled.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const outputs = [".next/BUILD_ID", ...["portal", "portal-proxy", "portal-server"].map((name) => `.next/standalone/scripts/${name}.mjs`), "dist/start.mjs", "dist/portal-ctl.mjs", "dist/portal-config.mjs"];
const missing = outputs.filter((file) => !fs.existsSync(path.join(root, file)));
if (missing.length > 0) {
  console.log("[portal] no production build found: building (this takes a minute or two)");
  const build = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) {
    console.error("[portal] The build failed; see the output above.");
    process.exit(1);
  }
}
