// A test file that needs a database of its own (for global tables such as the
// issuer's signing keys) creates one on the suite's embedded server.
import pg from "pg";
import { applyMigrations } from "@/lib/db/migrations";
import { resetEnvCache } from "@/lib/env";

export async function useIsolatedDatabase(name: string): Promise<string> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error("DATABASE_URL is not set; run through vitest (test/global-setup.ts)");
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  const database = `${name}_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${database}`;
  await applyMigrations(url.toString());
  process.env.DATABASE_URL = url.toString();
  resetEnvCache();
  return url.toString();
}
