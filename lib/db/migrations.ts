// Applies prisma/migrations/*/migration.sql in order with plain SQL, recording
// each in `_prisma_migrations` exactly as `prisma migrate deploy` does (same
// table, same checksum, same advisory lock), so either tool can be used on the
// same database. No Prisma engine runs: `npm start` and `npm run db:migrate`
// need only `pg`.
//
// Differences from Prisma, both stricter: each migration runs in one
// transaction, so a failed one leaves no trace and is retried on the next
// start once fixed (Prisma would leave a failed row to resolve by hand); and
// an applied migration whose file has changed stops the run.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

/** The lock number Prisma's schema engine takes for Migrate: the two tools never run at once. */
const PRISMA_MIGRATE_LOCK = 72707369;

// Prisma's own DDL (schema-engine, sql-schema-connector, postgres flavour).
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  name: string;
  script: string;
  checksum: string;
}

interface AppliedMigration {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  started_at: Date;
  logs: string | null;
}

export class MigrationError extends Error {}

/** The default migrations folder: prisma/migrations under the working directory (the project root). */
export function defaultMigrationsDirectory(): string {
  return path.resolve("prisma", "migrations");
}

/** SHA-256 of the file's bytes, hex: what Prisma stores in `_prisma_migrations.checksum`. */
export function migrationChecksum(script: string): string {
  return createHash("sha256").update(script, "utf8").digest("hex");
}

/** Every migration folder's script, in name order (the timestamp prefix), as Prisma lists them. */
export function readMigrationFiles(directory = defaultMigrationsDirectory()): MigrationFile[] {
  if (!fs.existsSync(directory)) return [];
  return fs
    .readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const file = path.join(directory, name, "migration.sql");
      if (!fs.existsSync(file)) throw new MigrationError(`prisma/migrations/${name} has no migration.sql: add it or remove the folder.`);
      const script = fs.readFileSync(file, "utf8");
      return { name, script, checksum: migrationChecksum(script) };
    });
}

/**
 * Applies every pending migration; returns the names applied now. Refuses to
 * run while a migration is recorded as failed or an applied one's file changed.
 */
export async function applyMigrations(databaseUrl: string, options: { directory?: string } = {}): Promise<string[]> {
  const files = readMigrationFiles(options.directory);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const { rows } = await client.query<AppliedMigration>(
      "SELECT migration_name, checksum, finished_at, rolled_back_at, started_at, logs FROM _prisma_migrations ORDER BY started_at",
    );
    assertHistoryMatches(rows, files);
    const applied = new Set(rows.filter((row) => row.rolled_back_at === null).map((row) => row.migration_name));
    const names: string[] = [];
    for (const file of files) {
      if (applied.has(file.name)) continue;
      await applyOne(client, file);
      names.push(file.name);
    }
    return names;
  } finally {
    await client.end().catch(() => {});
  }
}

function assertHistoryMatches(rows: AppliedMigration[], files: MigrationFile[]): void {
  const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed) {
    const logs = failed.logs?.trim() ? `: ${failed.logs.trim().split("\n")[0]}` : "";
    throw new MigrationError(
      `The migration ${failed.migration_name} started at ${failed.started_at.toISOString()} failed${logs}. Fix the database by hand, then mark it with \`npx prisma migrate resolve --rolled-back ${failed.migration_name}\` (or --applied).`,
    );
  }
  const byName = new Map(files.map((file) => [file.name, file]));
  for (const row of rows) {
    if (row.rolled_back_at !== null) continue;
    const file = byName.get(row.migration_name);
    if (file && !checksumMatches(row.checksum, file.script)) {
      throw new MigrationError(
        `prisma/migrations/${row.migration_name}/migration.sql was changed after it was applied to this database (checksum ${row.checksum.slice(0, 12)}… recorded, ${file.checksum.slice(0, 12)}… now). Restore the file and put the change in a new migration (npm run db:migration -- <name>).`,
      );
    }
  }
}

// Like Prisma's script_matches_checksum: a file whose only change is its line
// endings (a checkout on another system) still matches.
function checksumMatches(recorded: string, script: string): boolean {
  const candidates = [script, script.replace(/\r\n/g, "\n"), script.replace(/\n/g, "\r\n")];
  return candidates.some((candidate) => migrationChecksum(candidate) === recorded);
}

async function applyOne(client: pg.Client, file: MigrationFile): Promise<void> {
  const id = randomUUID();
  await client.query("BEGIN");
  try {
    await client.query("INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, clock_timestamp(), 0)", [
      id,
      file.checksum,
      file.name,
    ]);
    // No parameters: the simple query protocol runs the whole script, function bodies included.
    await client.query(file.script);
    await client.query("UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1, finished_at = clock_timestamp() WHERE id = $1", [id]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw new MigrationError(`The migration ${file.name} failed and was rolled back, nothing of it was applied: ${describeSqlError(error, file.script)}`, { cause: error });
  }
}

function describeSqlError(error: unknown, script: string): string {
  if (!(error instanceof Error)) return String(error);
  const position = Number((error as { position?: string }).position);
  if (!Number.isFinite(position) || position <= 0) return error.message;
  const line = script.slice(0, position - 1).split("\n").length;
  return `${error.message} (migration.sql line ${line})`;
}
