// Redocly's linter (@redocly/cli) with its recommended ruleset, run on the
// OpenAPI document as the portal serves it: validity, info.license, servers,
// operation rules, and every example checked against its schema
// (no-invalid-media-type-examples). Used by openapi.test.ts and
// `npm run api:lint`.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const CLI = path.resolve(import.meta.dirname, "..", "..", "node_modules", "@redocly", "cli", "bin", "cli.js");

export interface LintProblem {
  ruleId: string;
  severity: string;
  message: string;
  pointer: string;
}

export async function lintOpenApiDocument(document: object): Promise<LintProblem[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openapi-lint-"));
  try {
    const file = path.join(dir, "openapi.json");
    fs.writeFileSync(file, JSON.stringify(document, null, 2));
    // Exits 1 when there are errors; the JSON report is on stdout either way.
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, "lint", file, "--extends=recommended", "--format=json"], {
      cwd: dir,
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
    const report = JSON.parse(stdout) as { problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[] };
    return report.problems.map((problem) => ({ ruleId: problem.ruleId, severity: problem.severity, message: problem.message, pointer: problem.location[0]?.pointer ?? "" }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
