// What every command that runs the portal (or touches its database) needs
// first: local secrets, validated configuration, a reachable database with
// every migration applied. Each failure ends in one clear line.
import path from "node:path";
import pg from "pg";
import { loadLocalSecrets } from "@/lib/config/local-secrets";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/db/embedded-postgres";
import { applyMigrations } from "@/lib/db/migrations";
import { EnvError, getEnv, type Env } from "@/lib/env";

export class StartupError extends Error {}

export interface PortalRuntime {
  env: Env;
  databaseUrl: string;
  embedded: EmbeddedDatabase | null;
  stop(): Promise<void>;
}

export function log(message: string): void {
  console.log(`[portal] ${message}`);
}

/**
 * `beforeDatabase` runs once the configuration is valid and before any
 * database is started (e.g. `npm start` checks that its port is free).
 */
export async function preparePortalRuntime(options: { migrate?: boolean; beforeDatabase?: (env: Env) => Promise<void> } = {}): Promise<PortalRuntime> {
  // Read before the configuration is validated: the generated secrets live there and complete it.
  const dataDir = path.resolve(process.env.DATA_DIR || ".data");
  for (const name of loadLocalSecrets(dataDir)) {
    log(`${name} was not set: generated one and saved it in ${path.relative(process.cwd(), dataDir) || "."}/secrets.json (mode 0600). Set ${name} to use your own.`);
  }
  let env: Env;
  try {
    env = getEnv();
  } catch (error) {
    if (error instanceof EnvError) throw new StartupError(error.message);
    throw error;
  }
  await options.beforeDatabase?.(env);

  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    log(`DATABASE_URL is not set: starting the embedded PostgreSQL server (data in ${path.join(dataDir, "postgres")})`);
    try {
      embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), database: "portal" });
    } catch (error) {
      const reason = describe(error);
      const hint = /lock|already|in use|postmaster\.pid/i.test(reason) ? ` Is another portal using ${path.join(dataDir, "postgres")}?` : "";
      throw new StartupError(`Could not start the embedded PostgreSQL server: ${reason}.${hint}`);
    }
    databaseUrl = embedded.url;
    process.env.DATABASE_URL = databaseUrl;
  } else {
    await assertDatabaseReachable(databaseUrl);
  }

  const stop = async () => {
    if (embedded) {
      log("stopping the embedded PostgreSQL server");
      await embedded.stop();
    }
  };

  if (options.migrate !== false) {
    try {
      const applied = await applyMigrations(databaseUrl);
      if (applied.length > 0) log(`applied database migrations: ${applied.join(", ")}`);
    } catch (error) {
      await stop();
      throw new StartupError(`Database migration failed, nothing was started: ${describe(error)}`);
    }
  }
  return { env: getEnvWithDatabase(env, databaseUrl), databaseUrl, embedded, stop };
}

function getEnvWithDatabase(env: Env, databaseUrl: string): Env {
  return { ...env, DATABASE_URL: databaseUrl };
}

async function assertDatabaseReachable(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    const url = new URL(databaseUrl);
    throw new StartupError(`Cannot reach the database at ${url.hostname}:${url.port || 5432} (DATABASE_URL): ${describe(error)}`);
  } finally {
    await client.end().catch(() => {});
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.split("\n")[0] ?? error.name;
  return String(error);
}

/** Runs a command's main function, turning a StartupError into one line and exit code 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error) => {
    if (error instanceof StartupError) {
      console.error(`[portal] ${error.message}`);
    } else {
      console.error("[portal] unexpected error:", error);
    }
    process.exit(1);
  });
}
