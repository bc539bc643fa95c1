// Shared by the stand-ins' tests: skopeo with a HOME of its own, and plain
// HTTP calls the way a registry client makes them.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "vitest";
import { SKOPEO_BIN, skopeoEnvironment } from "../reference-registry/push-image";
import type { StandIn } from "./stand-in";

const run = promisify(execFile);

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

/** `skopeo inspect` of `<stand-in>/<reference>` with the given credentials; returns the parsed output. */
export async function skopeoInspect(standIn: StandIn, reference: string, credentials: { username: string; password: string }): Promise<{ Digest: string; Name: string }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "stand-in-skopeo-"));
  try {
    const { stdout } = await run(SKOPEO_BIN, ["inspect", "--tls-verify=false", "--creds", `${credentials.username}:${credentials.password}`, `docker://127.0.0.1:${standIn.port}/${reference}`], {
      env: skopeoEnvironment(home),
      timeout: 60_000,
    });
    return JSON.parse(stdout) as { Digest: string; Name: string };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** The manifest HEAD a puller makes with a registry token; returns the status. */
export async function headManifest(standIn: StandIn, repository: string, reference: string, token: string): Promise<Response> {
  return fetch(`${standIn.url}/v2/${repository}/manifests/${reference}`, {
    method: "HEAD",
    headers: { Authorization: `Bearer ${token}`, Accept: "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json" },
  });
}

export async function expectChallenge(standIn: StandIn, expected: string): Promise<void> {
  const response = await fetch(`${standIn.url}/v2/`);
  expect(response.status).toBe(401);
  expect(response.headers.get("www-authenticate")).toBe(expected);
}
