// Pushes a small image into a registry with skopeo (a real client), from an
// OCI layout written for the occasion: a multi-layer single-platform image, or
// an image index of several platforms (`skopeo copy --all`).
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { writeOciLayout, type LayoutImage, type Platform } from "./oci-layout";

const run = promisify(execFile);

export const SKOPEO_BIN = process.env.SKOPEO_BIN ?? "skopeo";

export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface PushedImage extends LayoutImage {
  /** `<hostname>/<repository>:<tag>` */
  reference: string;
  repository: string;
  tag: string;
}

export interface PushImageOptions {
  /** Two or more push an image index (default one: linux/amd64). */
  platforms?: Platform[];
  /** Layers per platform image (default 2). */
  layers?: number;
}

export const LINUX_AMD64: Platform = { os: "linux", architecture: "amd64" };
export const LINUX_ARM64: Platform = { os: "linux", architecture: "arm64", variant: "v8" };

/** A HOME of its own, so that no auth file or registries.conf of the machine's user is read. */
export function skopeoEnvironment(home: string): NodeJS.ProcessEnv {
  return { NODE_ENV: "test", PATH: process.env.PATH, HOME: home, REGISTRY_AUTH_FILE: path.join(home, "auth.json") };
}

export async function pushImage(registry: { hostname: string }, repository: string, tag: string, credentials: RegistryCredentials | undefined, options: PushImageOptions = {}): Promise<PushedImage> {
  const platforms = options.platforms ?? [LINUX_AMD64];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "push-image-"));
  try {
    const layout = path.join(dir, "layout");
    const image = writeOciLayout(layout, { ref: "image", label: `${repository}:${tag}`, platforms, layers: options.layers });
    const reference = `${registry.hostname}/${repository}:${tag}`;
    const args = ["copy", "--quiet", "--preserve-digests", "--dest-tls-verify=false", ...(platforms.length > 1 ? ["--all"] : [])];
    args.push(...(credentials ? ["--dest-creds", `${credentials.username}:${credentials.password}`] : ["--dest-no-creds"]));
    args.push(`oci:${layout}:image`, `docker://${reference}`);
    await run(SKOPEO_BIN, args, { env: skopeoEnvironment(dir), timeout: 120_000 }).catch((error: { stderr?: string; message: string }) => {
      // The password is in argv, never in skopeo's stderr; keep only stderr.
      throw new Error(`skopeo could not push ${reference}: ${(error.stderr ?? error.message).trim()}`);
    });
    return { ...image, reference, repository, tag };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
