import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A checkout with `npm stop`'s script and, optionally, a dist/portal-ctl.mjs. */
function checkout(ctl?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-stop-"));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, "scripts"));
  fs.copyFileSync(path.join(import.meta.dirname, "portal-stop.mjs"), path.join(dir, "scripts", "portal-stop.mjs"));
  if (ctl !== undefined) {
    fs.mkdirSync(path.join(dir, "dist"));
    fs.writeFileSync(path.join(dir, "dist", "portal-ctl.mjs"), ctl);
  }
  return dir;
}

const runStop = (dir: string) => spawnSync(process.execPath, [path.join(dir, "scripts", "portal-stop.mjs")], { cwd: dir, encoding: "utf8", timeout: 10_000 });

describe("npm stop", () => {
  it("on a fresh clone says nothing runs, at once, and builds nothing", () => {
    const dir = checkout();
    const result = runStop(dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("[portal] not running: this checkout has no build yet");
    expect(fs.readdirSync(dir).sort()).toEqual(["scripts"]);
  });

  it("with a build, runs dist/portal-ctl.mjs stop and exits with its status", () => {
    const dir = checkout(`console.log("ctl " + process.argv.slice(2).join(" ") + " " + process.execArgv.join(" ")); process.exit(3);`);
    const result = runStop(dir);
    expect(result.stdout).toContain("ctl stop --conditions=react-server");
    expect(result.status).toBe(3);
  });
});
