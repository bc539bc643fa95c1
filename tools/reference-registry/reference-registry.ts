// The CNCF distribution registry (Debian's docker-registry package) started on
// loopback for the tests, as the real upstream a vendor's registry would be:
// filesystem storage and a config file in a temporary directory, no system
// service. Two modes: `htpasswd` (Basic auth, bcrypt password file) and
// `token` (Bearer challenges whose tokens it verifies against the token
// issuer's certificate; one is started unless one is given).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import bcrypt from "bcryptjs";
import { FULL_ACCESS, type AccessRule, type ReferenceUser } from "./access";
import { startTokenIssuer, type TokenIssuer } from "./token-issuer";

export const REFERENCE_REGISTRY_BIN = process.env.REFERENCE_REGISTRY_BIN ?? "/usr/bin/docker-registry";

export const DEFAULT_USERS: ReferenceUser[] = [{ username: "vendor", password: "vendor-password-1", access: FULL_ACCESS }];

/** What the registry needs of a token server: a started TokenIssuer fits. */
export interface TokenIssuerConfig {
  realm: string;
  service: string;
  issuer: string;
  certificatePem: string;
}

export interface ReferenceRegistryOptions {
  auth: "htpasswd" | "token";
  /** htpasswd users, or the users of the token issuer started for token mode (default DEFAULT_USERS). */
  users?: ReferenceUser[];
  /** Token mode: an existing token server (its users are its own); without it one is started with `users`. */
  tokenIssuer?: TokenIssuerConfig;
  /** Token mode with its own issuer: what a request without credentials may do (default nothing), e.g. public images. */
  anonymousAccess?: AccessRule[];
}

export interface ReferenceRegistry {
  /** `127.0.0.1:<port>`: what a client names as the registry. */
  hostname: string;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  port: number;
  auth: "htpasswd" | "token";
  users: ReferenceUser[];
  /** The token issuer started for token mode (undefined when one was given or in htpasswd mode). */
  tokenIssuer?: TokenIssuer;
  /** The registry's stderr so far (for a failing test's message). */
  output(): string;
  stop(): Promise<void>;
}

export async function startReferenceRegistry(options: ReferenceRegistryOptions): Promise<ReferenceRegistry> {
  if (!fs.existsSync(REFERENCE_REGISTRY_BIN)) {
    throw new Error(`${REFERENCE_REGISTRY_BIN} is missing: install Debian's docker-registry package (apt-get install docker-registry) or set REFERENCE_REGISTRY_BIN`);
  }
  const users = options.users ?? DEFAULT_USERS;
  const startedIssuer = options.auth === "token" && !options.tokenIssuer ? await startTokenIssuer({ users, anonymousAccess: options.anonymousAccess }) : undefined;
  const tokenIssuer = options.tokenIssuer ?? startedIssuer;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reference-registry-"));
  const authConfig = options.auth === "htpasswd" ? htpasswdAuth(dir, users) : tokenAuth(dir, tokenIssuer!);
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const configFile = path.join(dir, "config.yml");
      fs.writeFileSync(configFile, registryConfig(dir, port, authConfig));
      const started = await launch(configFile, port).catch((error: Error) => error);
      if (!(started instanceof Error)) {
        const { child, output } = started;
        return {
          hostname: `127.0.0.1:${port}`,
          baseUrl: `http://127.0.0.1:${port}`,
          port,
          auth: options.auth,
          users,
          tokenIssuer: startedIssuer,
          output,
          async stop() {
            await stopProcess(child);
            await startedIssuer?.close();
            fs.rmSync(dir, { recursive: true, force: true });
          },
        };
      }
      // Another process may take the port between freePort() and the registry's bind.
      if (attempt >= 3) throw started;
    }
  } catch (error) {
    await startedIssuer?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function htpasswdAuth(dir: string, users: ReferenceUser[]): string {
  const file = path.join(dir, "htpasswd");
  // distribution accepts only bcrypt entries; cost 5 keeps start-up fast on a loaded machine.
  fs.writeFileSync(file, users.map((user) => `${user.username}:${bcrypt.hashSync(user.password, 5)}`).join("\n") + "\n", { mode: 0o600 });
  return ["auth:", "  htpasswd:", "    realm: reference-registry", `    path: ${JSON.stringify(file)}`].join("\n");
}

function tokenAuth(dir: string, issuer: TokenIssuerConfig): string {
  const bundle = path.join(dir, "token-certificates.pem");
  fs.writeFileSync(bundle, issuer.certificatePem);
  return [
    "auth:",
    "  token:",
    `    realm: ${JSON.stringify(issuer.realm)}`,
    `    service: ${JSON.stringify(issuer.service)}`,
    `    issuer: ${JSON.stringify(issuer.issuer)}`,
    `    rootcertbundle: ${JSON.stringify(bundle)}`,
  ].join("\n");
}

function registryConfig(dir: string, port: number, auth: string): string {
  return [
    "version: 0.1",
    "log:",
    "  level: warn",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${JSON.stringify(path.join(dir, "data"))}`,
    "  delete:",
    "    enabled: true",
    "  cache:",
    "    blobdescriptor: inmemory",
    "http:",
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${randomBytes(16).toString("hex")}`,
    "  headers:",
    "    X-Content-Type-Options: [nosniff]",
    "health:",
    "  storagedriver:",
    "    enabled: false",
    auth,
    "",
  ].join("\n");
}

async function launch(configFile: string, port: number): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(REFERENCE_REGISTRY_BIN, ["serve", configFile], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-20_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const exitCode = await Promise.race([exited, new Promise<"running">((resolve) => setTimeout(() => resolve("running"), 50))]);
    if (exitCode !== "running") throw new Error(`docker-registry exited with ${exitCode}: ${stderr.trim().slice(-2000)}`);
    const status = await fetch(`http://127.0.0.1:${port}/v2/`).then(
      (response) => response.status,
      () => 0,
    );
    // Our own process answered (200 or the auth challenge), not another on a reused port.
    if (status === 200 || status === 401) return { child, output: () => stderr };
  }
  await stopProcess(child);
  throw new Error(`docker-registry did not answer on 127.0.0.1:${port} within 30 s: ${stderr.trim().slice(-2000)}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
