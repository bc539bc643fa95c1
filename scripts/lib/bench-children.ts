// What the benchmarks (bench:proxy, bench:airgap) share: starting a child
// process and waiting for its ready line, the portal exactly as `npm start`
// runs it, stopping processes, the local AWS's control API, and a license's
// proxy token. Every subject and reference runs in a process of its own,
// never inside the load generator.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import net from "node:net";
import path from "node:path";
import { findRunningEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { readRunningPortal } from "./portal-pid-file";

export interface BenchChildren {
  root: string;
  env: Record<string, string>;
  children: ChildProcess[];
}

/** Starts `node --import tsx <args>` and resolves with the match of `ready` in its output; later log lines go to stderr. */
export function startChild(bench: BenchChildren, label: string, args: string[], ready: RegExp, extraEnv: Record<string, string> = {}): Promise<RegExpExecArray> {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: bench.root, env: { ...process.env, ...bench.env, ...extraEnv }, stdio: ["ignore", "pipe", "inherit"] });
  bench.children.push(child);
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = ready.exec(output);
      if (match) {
        resolve(match);
        // From now on the child's log lines (pino JSON: warnings and errors only) go to stderr.
        child.stdout!.removeAllListeners("data");
        child.stdout!.on("data", (more: Buffer) => {
          for (const line of more.toString("utf8").split("\n")) if (line.startsWith("{")) process.stderr.write(`${label}: ${line}\n`);
        });
      }
    });
    child.once("exit", (code) => reject(new Error(`${label} exited with ${code} before it was ready:\n${output}`)));
  });
}

/**
 * A benchmark's temporary data directory, free ports for the local AWS and the
 * portal, and the portal's environment with the local AWS as its upstream
 * (ECR with IAM authentication through the portal's issuer); `extra` adds to
 * or overrides it.
 */
export async function benchPortalSetup(name: string, extra: Record<string, string> = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `portal-bench-${name}-`));
  fs.chmodSync(dataDir, 0o755);
  const [awsPort, portalPort] = [await freePort(), await freePort()];
  const awsUrl = `http://127.0.0.1:${awsPort}`;
  const portalUrl = `http://127.0.0.1:${portalPort}`;
  const env: Record<string, string> = {
    DATA_DIR: path.join(dataDir, "portal"),
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    PORT: String(portalPort),
    LISTEN_HOST: "127.0.0.1",
    APP_URL: portalUrl,
    PROXY_URL: portalUrl,
    OIDC_ISSUER_URL: `${portalUrl}/oidc`,
    AWS_ENDPOINT_URL_STS: awsUrl,
    AWS_ENDPOINT_URL_ECR: awsUrl,
    REGISTRY_ENDPOINT_OVERRIDES: `*=${awsUrl}/_registry/{hostname}`,
    PROXY_ALLOWED_REDIRECT_ORIGINS: `http://localhost:${awsPort}`,
    REGISTRY_RETEST_ENABLED: "false",
    NEXT_TELEMETRY_DISABLED: "1",
    LOG_LEVEL: "warn",
    ...extra,
  };
  return { dataDir, awsPort, awsUrl, portalUrl, env };
}

/**
 * The portal as `npm start` runs it: `npm start` returns once /api/health
 * answers, leaving the supervisor (recorded in DATA_DIR/portal.pid) with its
 * embedded PostgreSQL, the front process and the Next.js process running in
 * the background; the production build must exist (`npm run build`). With the
 * supervisor's pid, the URL of its database (for setting up the vendor through
 * the portal's own services) and `npm stop`.
 */
export async function startPortalAsNpmStart(bench: BenchChildren): Promise<{ pid: number; databaseUrl: string; stop: () => Promise<void> }> {
  const { NODE_OPTIONS: _ignored, DATABASE_URL: _notOurs, ...inherited } = process.env;
  const npm = (script: "start" | "stop") => new Promise<number | null>((resolve) => spawn("npm", [script], { cwd: bench.root, env: { ...inherited, ...bench.env }, stdio: ["ignore", "inherit", "inherit"] }).once("exit", resolve));
  const started = await npm("start");
  const stop = async () => {
    // This process's own key-change listener (it minted tokens against the portal's database) goes first, so it does not retry a stopped database.
    await (await import("@/lib/oidc/key-cache")).stopKeyChangeListener();
    await npm("stop");
  };
  if (started !== 0) {
    await stop();
    throw new Error(`npm start exited with ${started}`);
  }
  const running = readRunningPortal(bench.env.DATA_DIR!);
  const database = await findRunningEmbeddedPostgres(path.join(bench.env.DATA_DIR!, "postgres"), "portal");
  if (!running || !database?.url) {
    await stop();
    throw new Error("the portal's supervisor or its embedded PostgreSQL server was not found after npm start");
  }
  return { pid: running.pid, databaseUrl: database.url, stop };
}

/** SIGTERM, then SIGKILL after 20 s; resolves once it exited. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

export async function waitUntil(probe: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not answer within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A call to the local AWS's control API (synthetic images, call counts). */
export async function localAwsControl<T>(awsUrl: string, pathname: string, body: object): Promise<T> {
  const response = await fetch(`${awsUrl}${pathname}`, { method: "POST", body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`local AWS ${pathname}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A proxy token for a license and the given repositories, from the portal at `portalUrl`. */
export async function proxyToken(portalUrl: string, licenseId: string, names: string[]): Promise<string> {
  const scopes = names.map((name) => `scope=${encodeURIComponent(`repository:${name}:pull`)}`).join("&");
  const response = await fetch(`${portalUrl}/v2/token?service=${new URL(portalUrl).host}&${scopes}`, { headers: { authorization: `Basic ${Buffer.from(`${licenseId}:${licenseId}`).toString("base64")}` } });
  if (!response.ok) throw new Error(`token: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/**
 * The vendor's side of a pull benchmark, through the portal's own services:
 * the OIDC provider and a role in the local AWS, an IAM registry that passed
 * its Test, and a customer with a license. Imported late: the caller sets the
 * environment (DATABASE_URL, endpoints) first.
 */
export async function setUpBenchVendor(input: { awsUrl: string; account: { accountId: string; accessKeyId: string; secretAccessKey: string }; region: string; portalUrl: string; roleName: string }) {
  const { VendorAws, trustPolicyJson } = await import("@/e2e/support/vendor-aws");
  const { signUp } = await import("@/lib/auth/service");
  const { prisma } = await import("@/lib/db");
  const { createApplication } = await import("@/lib/applications/service");
  const { ZCreateRegistryInput } = await import("@/lib/registries/schema");
  const { createRegistry } = await import("@/lib/registries/service");
  const { testRegistry } = await import("@/lib/registry-test/service");
  const { ZCreateCustomerInput } = await import("@/lib/customers/schema");
  const { createCustomer } = await import("@/lib/customers/service");
  const issuerUrl = `${input.portalUrl}/oidc`;
  const vendor = new VendorAws(input.awsUrl, input.account);
  await vendor.createProvider(issuerUrl);
  const { userId, teamId } = await signUp({ name: "Bench", email: "bench@example.com", password: "a long enough passphrase", teamName: "Bench" });
  const team = await prisma.team.findUniqueOrThrow({ where: { id: teamId }, select: { id: true, publicId: true } });
  const actor = { userId, email: "bench@example.com" };
  const application = await createApplication(team.id, actor, { name: "Bench" });
  const hostname = `${input.account.accountId}.dkr.ecr.${input.region}.amazonaws.com`;
  const roleArn = await vendor.createRole(input.roleName, trustPolicyJson({ accountId: input.account.accountId, issuerUrl, sub: team.publicId }));
  const registry = await createRegistry(team.id, actor, ZCreateRegistryInput.parse({ provider: "ecr", name: "", hostname, authType: "iam_role", accessKeyId: "", secretAccessKey: "", roleArn, allApplications: true, applicationIds: [] }));
  for (const document of ["/oidc/.well-known/openid-configuration", "/oidc/jwks"]) await (await fetch(`${input.portalUrl}${document}`)).arrayBuffer();
  const tested = await testRegistry(team, actor, registry.id, {});
  if (tested.result.verdict !== "verified") throw new Error(`benchmark setup is wrong: ${tested.result.headline}`);
  const { customer, licenseId } = await createCustomer(team.id, actor, ZCreateCustomerInput.parse({ applicationId: application.id, name: "Bench customer", email: "", expiresOn: "" }));
  return { prisma, vendor, hostname, customer, licenseId, proxyName: (repository: string) => `proxy/${application.slug}/${hostname}/${repository}` };
}

/** GET, following redirects as registry clients do (without Authorization on another host); resolves with the byte count once the body's sha256 matched `digest`. */
export function download(agent: http.Agent | undefined, url: string, authorization: string | undefined, digest: string, hops = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: authorization ? { authorization } : {} }, (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && response.headers.location && hops < 3) {
          response.resume();
          const next = new URL(response.headers.location, url);
          return resolve(download(agent, next.toString(), next.host === new URL(url).host ? authorization : undefined, digest, hops + 1));
        }
        if (status !== 200) {
          response.resume();
          return reject(new Error(`GET ${url}: ${status}`));
        }
        const hash = createHash("sha256");
        let bytes = 0;
        response.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
          hash.update(chunk);
        });
        response.once("end", () => {
          const actual = `sha256:${hash.digest("hex")}`;
          if (actual !== digest) reject(new Error(`GET ${url}: the body's digest is ${actual}, not ${digest}`));
          else resolve(bytes);
        });
        response.once("error", reject);
      })
      .once("error", reject);
  });
}
