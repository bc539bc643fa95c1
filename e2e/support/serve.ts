// The server the end-to-end tests run against (Playwright's webServer): a
// fresh embedded Postgres, the local AWS, and the production build of the
// portal configured to use both, as a vendor's deployment would be.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { applyMigrations } from "@/lib/db/migrations";
import { PORTAL_SERVER_COMMAND } from "../../scripts/lib/portal-server-command";
import { startLocalAws } from "../../tools/local-aws/local-aws";
import { E2E_ENVIRONMENT_FILE, E2E_PORTAL_LOG_FILE, type E2eEnvironment } from "./environment";
import { E2E_AWS_ACCOUNTS, E2E_FIXTURE_IMAGE, E2E_PORT } from "./constants";
import { startProviderRegistries } from "./provider-registries";

const root = path.resolve(import.meta.dirname, "..", "..");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-e2e-"));
fs.chmodSync(dataDir, 0o755);

const database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), database: "portal_e2e" });
await applyMigrations(database.url);
const localAws = await startLocalAws({ port: 0, accounts: E2E_AWS_ACCOUNTS, jwksCacheSeconds: 0 });
// The vendor's image, in the first account's registry, for the Test's manifest step.
localAws.pushFixtureImage({ accountId: E2E_AWS_ACCOUNTS[0]!.accountId, ...E2E_FIXTURE_IMAGE });
// Every other provider's registry: its stand-in, reached through the overrides below.
const providerRegistries = await startProviderRegistries();

const baseUrl = `http://127.0.0.1:${E2E_PORT}`;
const environment: E2eEnvironment = {
  baseUrl,
  databaseUrl: database.url,
  nextauthSecret: randomBytes(32).toString("base64url"),
  dataEncryptionKey: randomBytes(32).toString("base64"),
  issuerUrl: `${baseUrl}/oidc`,
  localAws: { url: localAws.url, accounts: E2E_AWS_ACCOUNTS },
  providerRegistries: providerRegistries.registries,
  keylessRegistries: providerRegistries.keyless,
};
fs.mkdirSync(path.dirname(E2E_ENVIRONMENT_FILE), { recursive: true });
fs.writeFileSync(E2E_ENVIRONMENT_FILE, JSON.stringify(environment, null, 2), { mode: 0o600 });

const { NODE_OPTIONS: _ignored, ...inherited } = process.env;
const next = spawn(...PORTAL_SERVER_COMMAND, {
  cwd: root,
  stdio: ["ignore", "pipe", "pipe"],
  env: {
    ...inherited,
    // Everything the portal logs, debug lines included, is kept for e2e/logs.spec.ts.
    LOG_LEVEL: "debug",
    NODE_ENV: "production",
    LISTEN_HOST: "127.0.0.1",
    PORT: String(E2E_PORT),
    APP_URL: baseUrl,
    NEXTAUTH_URL: baseUrl,
    OIDC_ISSUER_URL: environment.issuerUrl,
    DATABASE_URL: database.url,
    NEXTAUTH_SECRET: environment.nextauthSecret,
    DATA_ENCRYPTION_KEY: environment.dataEncryptionKey,
    AWS_ENDPOINT_URL_STS: localAws.url,
    AWS_ENDPOINT_URL_ECR: localAws.url,
    // The providers' stand-ins by hostname; every other hostname is an ECR one of the local AWS.
    REGISTRY_ENDPOINT_OVERRIDES: [...providerRegistries.registryOverrides, `*=${localAws.url}/_registry/{hostname}`].join(","),
    AUTH_ENDPOINT_OVERRIDES: providerRegistries.authOverrides.join(","),
    // As behind one reverse proxy: specs give each simulated client its own X-Forwarded-For address.
    TRUST_PROXY: "1",
    // Specs seed registries in given states (stale, failing) and check what the
    // pages show; a re-test in the background would change them under the spec.
    // The scheduler itself is tested in lib/registries/retest-scheduler.test.ts.
    REGISTRY_RETEST_ENABLED: "false",
    // The local AWS's layer storage (ECR's pre-signed redirects) is on its other loopback name.
    PROXY_ALLOWED_REDIRECT_ORIGINS: `http://localhost:${new URL(localAws.url).port}`,
    // No ambient AWS credentials leak into the portal from the test machine.
    AWS_ACCESS_KEY_ID: "",
    AWS_SECRET_ACCESS_KEY: "",
    AWS_PROFILE: "",
  },
});

// All the portal's output goes into a file the specs read; the terminal shows
// its warnings, errors and anything that is not a JSON log line.
const portalLog = fs.createWriteStream(E2E_PORTAL_LOG_FILE, { flags: "w", mode: 0o600 });
for (const [stream, terminal] of [[next.stdout!, process.stdout], [next.stderr!, process.stderr]] as const) {
  readline.createInterface({ input: stream }).on("line", (line) => {
    portalLog.write(`${line}\n`);
    if (!line.startsWith("{") || /"level":(?:[4-9]\d)/.test(line)) terminal.write(`${line}\n`);
  });
}

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  next.kill("SIGTERM");
  await localAws.close().catch(() => {});
  await providerRegistries.close().catch(() => {});
  await database.stop().catch(() => {});
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void stop(0));
next.on("exit", (code) => void stop(code ?? 1));
