// The folder that holds the running code's package.json: the repository for
// scripts run from source or compiled into dist/, the standalone folder for
// the compiled production server (.next/standalone/scripts/…).
import fs from "node:fs";
import path from "node:path";

export function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
