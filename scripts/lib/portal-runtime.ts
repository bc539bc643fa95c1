// What every command that runs the portal (or touches its database) needs
// first: local secrets, validated configuration, a reachable database with
// every migration applied. Each failure ends in one clear line.
import path from "node:path";
import pg from "pg";
import { loadLocalSecrets } from "@/lib/config/local-secrets";
import { findRunningEmbeddedPostgres, startEmbeddedPostgres, type EmbeddedDatabase, type RunningEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { findOrphanedPostmaster, stopOrphanedPostmaster } from "@/lib/db/postgres-supervisor";
import { applyMigrations } from "@/lib/db/migrations";
import { EnvError, getEnv, resetEnvCache, type Env } from "@/lib/env";

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
 * `joinRunningDatabase`: when the embedded server of this data directory is
 * already running (a portal is up), connect to it instead of failing; a
 * command such as `oidc:rotate` must work while the portal runs.
 */
export async function preparePortalRuntime(options: { migrate?: boolean; joinRunningDatabase?: boolean; beforeDatabase?: (env: Env) => Promise<void> } = {}): Promise<PortalRuntime> {
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
    const postgresDir = path.join(dataDir, "postgres");
    let running = await findRunningEmbeddedPostgres(postgresDir, "portal");
    if (running && !options.joinRunningDatabase) running = await stopIfOrphaned(postgresDir, running);
    if (running && options.joinRunningDatabase && running.url) {
      log(`DATABASE_URL is not set: using the embedded PostgreSQL server already running for ${postgresDir} (pid ${running.pid}, port ${running.port})`);
      databaseUrl = running.url;
    } else if (running) {
      throw new StartupError(
        running.url
          ? `The embedded PostgreSQL server for ${postgresDir} is already running (pid ${running.pid}, port ${running.port}): another portal is using this data directory. Stop it first, or give this one its own DATA_DIR, or point every portal at one database with DATABASE_URL.`
          : `The embedded PostgreSQL server for ${postgresDir} is running (pid ${running.pid}, port ${running.port}) but refused the portal's credentials (${postgresDir}.password). Stop it, or set DATABASE_URL.`,
      );
    } else {
      log(`DATABASE_URL is not set: starting the embedded PostgreSQL server (data in ${postgresDir})`);
      const recent: string[] = [];
      try {
        embedded = await startEmbeddedPostgres({ dataDir: postgresDir, database: "portal", onLog: (line) => {
            recent.push(line);
            recent.splice(0, recent.length - 5);
          },
        });
      } catch (error) {
        const reason = describeFailure(error, recent.findLast((line) => line.trim().length > 0));
        const hint = /lock|already|in use|postmaster\.pid/i.test(reason) ? ` Is another portal using ${postgresDir}?` : "";
        throw new StartupError(`Could not start the embedded PostgreSQL server: ${reason}.${hint}`);
      }
      databaseUrl = embedded.url;
    }
    process.env.DATABASE_URL = databaseUrl;
    resetEnvCache();
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
      throw new StartupError(`Database migration failed, nothing was started: ${describeFailure(error)}`);
    }
  }
  return { env: getEnvWithDatabase(env, databaseUrl), databaseUrl, embedded, stop };
}

/**
 * A server left running by a portal that was killed hard (lib/db/postgres-supervisor.ts)
 * is stopped cleanly, so this start can go on; a server whose portal is alive is returned as found.
 */
async function stopIfOrphaned(postgresDir: string, running: RunningEmbeddedPostgres): Promise<RunningEmbeddedPostgres | null> {
  const orphan = findOrphanedPostmaster(postgresDir);
  if (!orphan) return running;
  log(`the embedded PostgreSQL server for ${postgresDir} (pid ${orphan.pid}) is still running, but the portal that started it is gone (it was killed): stopping it cleanly`);
  try {
    const how = await stopOrphanedPostmaster(orphan);
    log(`stopped the orphaned PostgreSQL server (${how === "smart" ? "smart shutdown" : "fast shutdown after the smart one timed out"})`);
  } catch (error) {
    throw new StartupError(`Could not stop the orphaned embedded PostgreSQL server for ${postgresDir}: ${describeFailure(error)}. Stop process ${orphan.pid} yourself, then start again.`);
  }
  return null;
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
    throw new StartupError(`Cannot reach the database at ${url.hostname}:${url.port || 5432} (DATABASE_URL): ${describeFailure(error)}`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** One line about a failure; never "undefined" (embedded-postgres rejects with no value when the server exits). */
export function describeFailure(error: unknown, lastLogLine?: string): string {
  const message = error instanceof Error ? error.message.split("\n")[0] || error.name : typeof error === "string" ? error : "";
  if (message.trim()) return message.trim();
  return lastLogLine ? `PostgreSQL said: ${lastLogLine.trim()}` : "the server stopped without giving a reason";
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
