// Vitest's integration tests get a fresh, real PostgreSQL server per run
// (embedded, in a temporary directory), migrated with the project's migrations.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { applyMigrations } from "@/lib/db/migrations";

export default async function setup() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-vitest-"));
  fs.chmodSync(dataDir, 0o755);
  const database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), database: "portal_test" });
  await applyMigrations(database.url);
  process.env.DATABASE_URL = database.url;
  process.env.NEXTAUTH_SECRET ??= randomBytes(32).toString("base64url");
  process.env.DATA_ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  process.env.APP_URL ??= "http://127.0.0.1:3999";
  return async () => {
    await database.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
