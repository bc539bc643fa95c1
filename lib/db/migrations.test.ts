// The migration runner against a real Postgres, compared with Prisma's own
// schema engine on the same migrations.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMigrationNameArgument } from "@/lib/db/migration-name";
import { applyMigrations, defaultMigrationsDirectory, migrationChecksum, MigrationError, readMigrationFiles } from "@/lib/db/migrations";
import { applyMigrationsWithPrismaEngine } from "@/lib/db/schema-engine";

const created: string[] = [];
const tempDirs: string[] = [];

async function freshDatabase(label: string): Promise<string> {
  const base = process.env.DATABASE_URL!;
  const name = `migrations_${label}_${process.pid}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  created.push(name);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function query<T extends pg.QueryResultRow>(databaseUrl: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** A copy of the project's migrations that a test may add to or change. */
function migrationsCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-migrations-"));
  tempDirs.push(dir);
  fs.cpSync(defaultMigrationsDirectory(), dir, { recursive: true });
  return dir;
}

function addMigration(dir: string, name: string, script: string): void {
  fs.mkdirSync(path.join(dir, name), { recursive: true });
  fs.writeFileSync(path.join(dir, name, "migration.sql"), script);
}

const TABLE_SHAPE = `
  SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
  FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`;
const SCHEMA_SHAPE = `
  SELECT table_name, column_name, data_type, is_nullable, column_default
  FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
  ORDER BY table_name, column_name`;
const HISTORY = `
  SELECT migration_name, checksum, logs, rolled_back_at, applied_steps_count, finished_at IS NOT NULL AS finished,
         finished_at >= started_at AS ordered, id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' AS uuid_id
  FROM _prisma_migrations ORDER BY migration_name`;

const projectMigrations = readMigrationFiles();

afterAll(async () => {
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL! });
  await admin.connect();
  for (const name of created) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe("applyMigrations", () => {
  let ours: string;
  let prismas: string;

  beforeAll(async () => {
    ours = await freshDatabase("ours");
    prismas = await freshDatabase("prisma");
    expect(await applyMigrations(ours)).toEqual(projectMigrations.map((migration) => migration.name));
    expect(await applyMigrationsWithPrismaEngine(prismas)).toEqual(projectMigrations.map((migration) => migration.name));
  }, 120_000);

  it("records _prisma_migrations with the same table and row shape as Prisma's engine", async () => {
    expect(projectMigrations.length).toBeGreaterThan(0);
    expect(await query(ours, TABLE_SHAPE)).toEqual(await query(prismas, TABLE_SHAPE));
    const history = await query(ours, HISTORY);
    expect(history).toEqual(await query(prismas, HISTORY));
    expect(history).toEqual(
      projectMigrations.map((migration) => ({
        migration_name: migration.name,
        checksum: migration.checksum,
        logs: null,
        rolled_back_at: null,
        applied_steps_count: 1,
        finished: true,
        ordered: true,
        uuid_id: true,
      })),
    );
  });

  it("builds the same schema as Prisma's engine", async () => {
    expect(await query(ours, SCHEMA_SHAPE)).toEqual(await query(prismas, SCHEMA_SHAPE));
  });

  it("stores the SHA-256 of the file's bytes as the checksum", () => {
    const init = projectMigrations[0]!;
    const bytes = fs.readFileSync(path.join(defaultMigrationsDirectory(), init.name, "migration.sql"));
    expect(init.checksum).toBe(migrationChecksum(bytes.toString("utf8")));
    expect(init.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is idempotent, and either tool sees the other's database as up to date", async () => {
    expect(await applyMigrations(ours)).toEqual([]);
    expect(await applyMigrations(prismas)).toEqual([]);
    expect(await applyMigrationsWithPrismaEngine(ours)).toEqual([]);
    const rows = await query<{ count: string }>(ours, "SELECT count(*) FROM _prisma_migrations");
    expect(Number(rows[0]!.count)).toBe(projectMigrations.length);
  }, 60_000);

  it("rolls a failing migration back entirely, reports it with its line, and applies it once fixed", async () => {
    const database = await freshDatabase("failing");
    const dir = migrationsCopy();
    addMigration(dir, "29991231000000_half_done", "CREATE TABLE half_done (id integer);\n\nSELEC 1;\n");
    const error = await applyMigrations(database, { directory: dir }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toContain("29991231000000_half_done failed and was rolled back");
    expect((error as Error).message).toContain("syntax error at or near \"SELEC\" (migration.sql line 3)");
    expect(await query(database, "SELECT to_regclass('half_done') AS found")).toEqual([{ found: null }]);
    expect(await query(database, "SELECT migration_name FROM _prisma_migrations WHERE migration_name LIKE '2999%'")).toEqual([]);
    // The migrations before it were applied and stay applied.
    expect((await query(database, "SELECT migration_name FROM _prisma_migrations")).length).toBe(projectMigrations.length);

    addMigration(dir, "29991231000000_half_done", "CREATE TABLE half_done (id integer);\n");
    expect(await applyMigrations(database, { directory: dir })).toEqual(["29991231000000_half_done"]);
    expect(await query(database, "SELECT to_regclass('half_done')::text AS found")).toEqual([{ found: "half_done" }]);
  });

  it("refuses to run when an applied migration's file has changed, but not for line endings alone", async () => {
    const database = await freshDatabase("changed");
    const dir = migrationsCopy();
    await applyMigrations(database, { directory: dir });
    const file = path.join(dir, projectMigrations[0]!.name, "migration.sql");
    const original = fs.readFileSync(file, "utf8");

    fs.writeFileSync(file, original.replace(/\n/g, "\r\n"));
    expect(await applyMigrations(database, { directory: dir })).toEqual([]);

    fs.writeFileSync(file, `${original}\n-- edited after it was applied\n`);
    addMigration(dir, "29991231000001_after", "CREATE TABLE after_change (id integer);\n");
    await expect(applyMigrations(database, { directory: dir })).rejects.toThrow(/was changed after it was applied/);
    // Nothing after the refusal ran.
    expect(await query(database, "SELECT to_regclass('after_change') AS found")).toEqual([{ found: null }]);
  });

  it("refuses to run while a migration is recorded as failed, as prisma migrate deploy does", async () => {
    const database = await freshDatabase("failed_row");
    await applyMigrations(database);
    await query(
      database,
      "INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, started_at, applied_steps_count) VALUES ('00000000-0000-4000-8000-000000000000', repeat('a', 64), '20000101000000_broken', 'syntax error at or near \"x\"', now(), 0)",
    );
    await expect(applyMigrations(database)).rejects.toThrow(/20000101000000_broken .* failed: syntax error.*prisma migrate resolve --rolled-back 20000101000000_broken/s);
  });

  it("lets only one of two concurrent runs apply each migration", async () => {
    const database = await freshDatabase("concurrent");
    const [first, second] = await Promise.all([applyMigrations(database), applyMigrations(database)]);
    expect([...first, ...second].sort()).toEqual(projectMigrations.map((migration) => migration.name));
    const rows = await query<{ count: string }>(database, "SELECT count(*) FROM _prisma_migrations");
    expect(Number(rows[0]!.count)).toBe(projectMigrations.length);
  });
});

describe("parseMigrationNameArgument", () => {
  it("accepts a positional name, --name <name> and --name=<name>", () => {
    expect(parseMigrationNameArgument(["add_proxy"])).toEqual({ ok: true, value: "add_proxy" });
    expect(parseMigrationNameArgument(["--name", "add_proxy"])).toEqual({ ok: true, value: "add_proxy" });
    expect(parseMigrationNameArgument(["--name=add_proxy"])).toEqual({ ok: true, value: "add_proxy" });
  });

  it("never takes an option as the name", () => {
    expect(parseMigrationNameArgument(["--name"]).ok).toBe(false);
    expect(parseMigrationNameArgument(["--force"])).toMatchObject({ ok: false, message: expect.stringContaining("Unknown option --force") });
    expect(parseMigrationNameArgument(["bad name"]).ok).toBe(false);
  });
});
