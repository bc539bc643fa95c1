// What e2e/support/serve.ts started (portal URL, database, secrets, the local
// AWS), shared with the test workers through a file.
import fs from "node:fs";
import path from "node:path";
import type { LocalAwsAccount } from "./constants";
import type { E2eKeylessRegistries, E2eProviderRegistry } from "./provider-registries";

export interface E2eEnvironment {
  baseUrl: string;
  databaseUrl: string;
  nextauthSecret: string;
  dataEncryptionKey: string;
  issuerUrl: string;
  localAws: { url: string; accounts: LocalAwsAccount[] };
  /** A registry of every other provider, on its stand-in. */
  providerRegistries: E2eProviderRegistry[];
  keylessRegistries: E2eKeylessRegistries;
}

export const E2E_ENVIRONMENT_FILE = path.resolve(import.meta.dirname, "..", "..", "test-results", "e2e-environment.json");
/** Everything the e2e portal process wrote to stdout and stderr. */
export const E2E_PORTAL_LOG_FILE = path.resolve(import.meta.dirname, "..", "..", "test-results", "e2e-portal.log");

export function readE2eEnvironment(): E2eEnvironment {
  return JSON.parse(fs.readFileSync(E2E_ENVIRONMENT_FILE, "utf8")) as E2eEnvironment;
}

/** Points this process's configuration at the e2e portal's, so tests can call the app's own code. */
export function applyServerEnvironment(environment = readE2eEnvironment()): E2eEnvironment {
  process.env.DATABASE_URL = environment.databaseUrl;
  process.env.NEXTAUTH_SECRET = environment.nextauthSecret;
  process.env.DATA_ENCRYPTION_KEY = environment.dataEncryptionKey;
  process.env.APP_URL = environment.baseUrl;
  process.env.OIDC_ISSUER_URL = environment.issuerUrl;
  return environment;
}
