// The harness itself, against real clients: skopeo and plain HTTP against the
// distribution registry in both auth modes.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantAccess } from "./access";
import { LINUX_AMD64, LINUX_ARM64, pushImage, SKOPEO_BIN, skopeoEnvironment } from "./push-image";
import { startReferenceRegistry, type ReferenceRegistry } from "./reference-registry";

const run = promisify(execFile);
const VENDOR = { username: "vendor", password: "vendor-password-1" };
const READER = { username: "reader", password: "reader-password-1" };

let home: string;

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), "reference-registry-test-"));
});

afterAll(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

async function skopeo(args: string[]): Promise<string> {
  const { stdout } = await run(SKOPEO_BIN, args, { env: skopeoEnvironment(home), timeout: 60_000 });
  return stdout;
}

async function skopeoFailure(args: string[]): Promise<string> {
  const failure = await run(SKOPEO_BIN, args, { env: skopeoEnvironment(home), timeout: 60_000 }).then(
    () => undefined,
    (error: { stderr: string }) => error,
  );
  expect(failure, "skopeo should have failed").toBeDefined();
  return failure!.stderr;
}

function inspectArgs(registry: ReferenceRegistry, reference: string, credentials: { username: string; password: string }, extra: string[] = []): string[] {
  return ["inspect", "--tls-verify=false", "--creds", `${credentials.username}:${credentials.password}`, ...extra, `docker://${registry.hostname}/${reference}`];
}

describe("grantAccess", () => {
  it("grants the allowed subset of each requested scope and drops what is not allowed", () => {
    const rules = [{ repository: "vendor/*", actions: ["pull" as const] }];
    expect(grantAccess(["repository:vendor/app:pull,push", "repository:other/app:pull"], rules)).toEqual([{ type: "repository", name: "vendor/app", actions: ["pull"] }]);
  });

  it("reads a repository name holding a port and several scopes in one parameter", () => {
    expect(grantAccess(["repository:host:5000/app:pull repository:b:push"], [{ repository: "*", actions: ["*"] }])).toEqual([
      { type: "repository", name: "host:5000/app", actions: ["pull"] },
      { type: "repository", name: "b", actions: ["push"] },
    ]);
  });
});

describe("the reference registry with htpasswd", () => {
  let registry: ReferenceRegistry;

  beforeAll(async () => {
    registry = await startReferenceRegistry({ auth: "htpasswd", users: [VENDOR] });
  });

  afterAll(async () => {
    await registry?.stop();
  });

  it("challenges with Basic and serves a pushed multi-layer image to skopeo", async () => {
    const response = await fetch(`${registry.baseUrl}/v2/`);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Basic realm="reference-registry"');
    const image = await pushImage(registry, "vendor/app", "1.0", VENDOR, { layers: 3 });
    const inspected = JSON.parse(await skopeo(inspectArgs(registry, "vendor/app:1.0", VENDOR))) as { Digest: string; Layers: string[]; Architecture: string };
    expect(inspected.Digest).toBe(image.digest);
    expect(inspected.Layers).toEqual(image.layerDigests);
    expect(inspected.Layers).toHaveLength(3);
    expect(inspected.Architecture).toBe("amd64");
  });

  it("refuses a wrong password", async () => {
    const stderr = await skopeoFailure(inspectArgs(registry, "vendor/app:1.0", { username: VENDOR.username, password: "wrong" }));
    expect(stderr).toMatch(/unauthorized|authentication required/i);
    const response = await fetch(`${registry.baseUrl}/v2/`, { headers: { Authorization: `Basic ${Buffer.from(`${VENDOR.username}:wrong`).toString("base64")}` } });
    expect(response.status).toBe(401);
  });

  it("pushes a multi-platform index whose platform images skopeo picks by architecture", async () => {
    const index = await pushImage(registry, "vendor/multi", "2.0", VENDOR, { platforms: [LINUX_AMD64, LINUX_ARM64] });
    const raw = JSON.parse(await skopeo(inspectArgs(registry, "vendor/multi:2.0", VENDOR, ["--raw"]))) as { mediaType: string; manifests: { digest: string; platform: { architecture: string } }[] };
    expect(raw.mediaType).toBe("application/vnd.oci.image.index.v1+json");
    expect(raw.manifests.map((manifest) => manifest.platform.architecture)).toEqual(["amd64", "arm64"]);
    const arm = JSON.parse(await skopeo(inspectArgs(registry, "vendor/multi:2.0", VENDOR, ["--override-arch", "arm64", "--override-variant", "v8"]))) as { Digest: string; Architecture: string };
    expect(arm.Digest).toBe(index.digest);
    expect(arm.Architecture).toBe("arm64");
  });
});

describe("the reference registry with token auth", () => {
  let registry: ReferenceRegistry;

  beforeAll(async () => {
    registry = await startReferenceRegistry({ auth: "token", users: [VENDOR, { ...READER, access: [{ repository: "vendor/*", actions: ["pull"] }] }] });
    await pushImage(registry, "vendor/app", "1.0", VENDOR);
    await pushImage(registry, "private/app", "1.0", VENDOR);
  });

  afterAll(async () => {
    await registry?.stop();
  });

  it("challenges with Bearer naming the issuer's realm and service, and skopeo pulls with a token", async () => {
    const response = await fetch(`${registry.baseUrl}/v2/vendor/app/manifests/1.0`);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(`Bearer realm="${registry.tokenIssuer!.realm}",service="reference-registry",scope="repository:vendor/app:pull"`);
    const inspected = JSON.parse(await skopeo(inspectArgs(registry, "vendor/app:1.0", READER))) as { Name: string };
    expect(inspected.Name).toBe(`${registry.hostname}/vendor/app`);
    const tokenRequests = registry.tokenIssuer!.requests.filter((request) => request.username === READER.username);
    expect(tokenRequests.at(-1)).toMatchObject({ service: "reference-registry", status: 200 });
  });

  it("answers a token request as the spec shows, and the registry accepts the token for the granted scope only", async () => {
    const basic = `Basic ${Buffer.from(`${READER.username}:${READER.password}`).toString("base64")}`;
    const answer = await fetch(`${registry.tokenIssuer!.realm}?service=reference-registry&scope=repository:vendor/app:pull,push`, { headers: { Authorization: basic } });
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { token: string; access_token: string; expires_in: number; issued_at: string };
    expect(body.access_token).toBe(body.token);
    expect(body.expires_in).toBe(300);
    expect(Date.parse(body.issued_at)).toBeGreaterThan(Date.now() - 60_000);
    const claims = JSON.parse(Buffer.from(body.token.split(".")[1]!, "base64url").toString("utf8")) as { access: unknown; aud: string; sub: string };
    expect(claims).toMatchObject({ access: [{ type: "repository", name: "vendor/app", actions: ["pull"] }], aud: "reference-registry", sub: "reader" });
    const manifest = await fetch(`${registry.baseUrl}/v2/vendor/app/manifests/1.0`, { headers: { Authorization: `Bearer ${body.token}`, Accept: "application/vnd.oci.image.manifest.v1+json" } });
    expect(manifest.status).toBe(200);
    const elsewhere = await fetch(`${registry.baseUrl}/v2/private/app/manifests/1.0`, { headers: { Authorization: `Bearer ${body.token}` } });
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
  });

  it("refuses a wrong password at the token issuer with the spec's error envelope", async () => {
    const answer = await fetch(`${registry.tokenIssuer!.realm}?service=reference-registry&scope=repository:vendor/app:pull`, {
      headers: { Authorization: `Basic ${Buffer.from(`${READER.username}:wrong`).toString("base64")}` },
    });
    expect(answer.status).toBe(401);
    expect(await answer.json()).toEqual({ errors: [{ code: "UNAUTHORIZED", message: "authentication failed: incorrect username or password" }] });
    const stderr = await skopeoFailure(inspectArgs(registry, "vendor/app:1.0", { username: READER.username, password: "wrong" }));
    expect(stderr).toMatch(/401|unauthorized/i);
  });

  it("refuses a repository whose scope the user is not granted", async () => {
    const stderr = await skopeoFailure(inspectArgs(registry, "private/app:1.0", READER));
    expect(stderr).toMatch(/unauthorized|authentication required|denied/i);
  });

  it("refuses a token signed by another issuer's key", async () => {
    const { createTokenSigner } = await import("./token-signer");
    const impostor = await createTokenSigner({ issuer: "reference-token-issuer" });
    const token = await impostor.mint({ subject: "vendor", audience: "reference-registry", access: [{ type: "repository", name: "vendor/app", actions: ["pull"] }], expiresInSeconds: 300 });
    const response = await fetch(`${registry.baseUrl}/v2/vendor/app/manifests/1.0`, { headers: { Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(401);
  });
});
