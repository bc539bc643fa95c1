// What every command that runs the portal (or touches its database) needs
// first: local secrets, validated configuration, a reachable database with
// every migration applied (scripts/lib/portal-database.ts). Each failure
// ends in one clear line.
import { EnvError, getEnv, resetEnvCache, type Env } from "@/lib/env";
import { loadSecretsAndDataDir, preparePortalDatabase, StartupError, type PortalDatabase } from "./portal-database";

export { describeFailure, log, runMain, StartupError } from "./portal-database";

export interface PortalRuntime extends PortalDatabase {
  env: Env;
}

/** `joinRunningDatabase`: see preparePortalDatabase. */
export async function preparePortalRuntime(options: { migrate?: boolean; joinRunningDatabase?: boolean } = {}): Promise<PortalRuntime> {
  const dataDir = loadSecretsAndDataDir();
  let env: Env;
  try {
    env = getEnv();
  } catch (error) {
    if (error instanceof EnvError) throw new StartupError(error.message);
    throw error;
  }
  const database = await preparePortalDatabase({ dataDir, databaseUrl: env.DATABASE_URL, migrate: options.migrate, joinRunningDatabase: options.joinRunningDatabase });
  process.env.DATABASE_URL = database.databaseUrl;
  resetEnvCache();
  return { ...database, env: { ...env, DATABASE_URL: database.databaseUrl } };
}
