// The database every command that runs the portal needs: the embedded
// PostgreSQL of the data directory (started, joined, or its orphan stopped)
// or the one DATABASE_URL names, with every migration applied, and the
// one-line failures of start-up. No configuration validation (zod) here:
// `npm start`'s supervisor imports this and stays small
// (scripts/lib/portal-runtime.ts adds the validated configuration).
import path from "node:path";
import pg from "pg";
import { loadLocalSecrets } from "@/lib/config/local-secrets";
import { findRunningEmbeddedPostgres, startEmbeddedPostgres, type EmbeddedDatabase, type RunningEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { findOrphanedPostmaster, stopOrphanedPostmaster } from "@/lib/db/postgres-supervisor";
import { applyMigrations } from "@/lib/db/migrations";

export class StartupError extends Error {}

export interface PortalDatabase {
  databaseUrl: string;
  embedded: EmbeddedDatabase | null;
  stop(): Promise<void>;
}

export function log(message: string): void {
  console.log(`[portal] ${message}`);
}

/**
 * The data directory (DATA_DIR, or .data), after filling missing secrets
 * from its secrets.json (generated on first start). Read before the
 * configuration is validated: the generated secrets complete it.
 */
export function loadSecretsAndDataDir(): string {
  const dataDir = path.resolve(process.env.DATA_DIR || ".data");
  for (const name of loadLocalSecrets(dataDir)) {
    log(`${name} was not set: generated one and saved it in ${path.relative(process.cwd(), dataDir) || "."}/secrets.json (mode 0600). Set ${name} to use your own.`);
  }
  return dataDir;
}

/**
 * `databaseUrl`: DATABASE_URL, or undefined for the embedded server in
 * `<dataDir>/postgres`. `joinRunningDatabase`: when the embedded server of
 * this data directory is already running (a portal is up), connect to it
 * instead of failing; a command such as `oidc:rotate` must work while the
 * portal runs.
 */
export async function preparePortalDatabase(options: { dataDir: string; databaseUrl: string | undefined; migrate?: boolean; joinRunningDatabase?: boolean }): Promise<PortalDatabase> {
  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl) {
    const postgresDir = path.join(options.dataDir, "postgres");
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
  return { databaseUrl, embedded, stop };
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
