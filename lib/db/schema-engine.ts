// Creates Prisma migrations with Prisma's own WebAssembly schema engine,
// talking to Postgres through @prisma/adapter-pg: the developer command
// `npm run db:migration` only. The native engine that `prisma migrate`
// downloads is not available on every machine. Running the portal never loads
// this engine: lib/db/migrations.ts applies the same files with plain SQL.
import fs from "node:fs";
import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";
import * as bindings from "@prisma/schema-engine-wasm/schema_engine_bg";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const SCHEMA_PATH = path.join(ROOT, "prisma", "schema.prisma");
const MIGRATIONS_DIR = path.join(ROOT, "prisma", "migrations");
const NO_FILTERS = { externalTables: [], externalEnums: [] };

let lastPanicMessage: string | undefined;
let loaded: typeof bindings.SchemaEngine | undefined;

// The package is built for bundlers (it imports the .wasm file as a module),
// which Node cannot do; instantiate the module by hand with the same glue.
async function loadSchemaEngine(): Promise<typeof bindings.SchemaEngine> {
  if (loaded) return loaded;
  // The engine reports a Rust panic's message through this global.
  (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY = {
    set_message: (message: string) => {
      lastPanicMessage = message;
    },
  };
  const require = createRequire(import.meta.url);
  const wasmPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg").replace(/\.js$/, ".wasm");
  const wasmModule = await WebAssembly.compile(fs.readFileSync(wasmPath));
  const instance = await WebAssembly.instantiate(wasmModule, { "./schema_engine_bg.js": bindings as unknown as WebAssembly.ModuleImports });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  loaded = bindings.SchemaEngine;
  return loaded;
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;
const CHARACTER_COLUMN = 6; // ColumnTypeEnum.Character of @prisma/driver-adapter-utils

type QueryFn = (...args: unknown[]) => Promise<unknown>;
interface PgFieldResult {
  fields?: { dataTypeID: number }[];
}
interface SqlResultSet {
  columnTypes: number[];
}

// Which result columns of the query running in this async context had
// Postgres's one-byte "char" type.
const charColumns = new AsyncLocalStorage<{ indexes: number[] }>();

// Two gaps between @prisma/adapter-pg and the schema engine, closed here and
// only for migrations:
// - the engine's introspection reads catalog columns of Postgres's one-byte
//   "char" type (pg_constraint.contype, ...), which the adapter cannot map:
//   pg returns them as strings, the adapter is told they are text, and the
//   result set then reports them as the Character type the engine expects;
// - the adapter's executeScript splits a migration on every ";", which breaks
//   function bodies; Postgres's simple query protocol runs a whole script.
function recordCharColumns(query: QueryFn): QueryFn {
  return async (...args) => {
    const result = (await query(...args)) as PgFieldResult | undefined;
    const store = charColumns.getStore();
    result?.fields?.forEach((field, index) => {
      if (field.dataTypeID !== PG_CHAR_OID) return;
      field.dataTypeID = PG_TEXT_OID;
      store?.indexes.push(index);
    });
    return result;
  };
}

class MigrationPool extends pg.Pool {
  constructor(connectionString: string) {
    super({ connectionString });
    // Pool.query uses connect() with a callback internally; only the promise
    // form (what the adapter calls for transactions) is wrapped.
    const self = this as unknown as { query: QueryFn; connect: (...args: unknown[]) => unknown };
    self.query = recordCharColumns(self.query.bind(this));
    const connect = self.connect.bind(this);
    self.connect = (...args: unknown[]) => {
      if (args.length > 0) return connect(...args);
      return (connect() as Promise<{ query: QueryFn }>).then((client) => {
        client.query = recordCharColumns(client.query.bind(client));
        return client;
      });
    };
  }
}

function migrationAdapterFactory(databaseUrl: string) {
  const pool = new MigrationPool(databaseUrl);
  const factory = new PrismaPg(pool, { disposeExternalPool: true });
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const queryRaw = adapter.queryRaw.bind(adapter);
    adapter.queryRaw = async (query) => {
      const store = { indexes: [] as number[] };
      const result = await charColumns.run(store, () => queryRaw(query));
      for (const index of store.indexes) (result as SqlResultSet).columnTypes[index] = CHARACTER_COLUMN;
      return result;
    };
    adapter.executeScript = async (script: string) => {
      await pool.query(script);
    };
    return adapter;
  };
  return factory;
}

async function withSchemaEngine<T>(databaseUrl: string, run: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const adapter = bindMigrationAwareSqlAdapterFactory(migrationAdapterFactory(databaseUrl));
  const schema = fs.readFileSync(SCHEMA_PATH, "utf8");
  const Engine = await loadSchemaEngine();
  const engine = await Engine.new({ datamodels: [[SCHEMA_PATH, schema]] }, () => {}, adapter);
  try {
    return await run(engine);
  } catch (error) {
    if (lastPanicMessage) throw new Error(`Prisma schema engine panicked: ${lastPanicMessage}`, { cause: error });
    throw error;
  } finally {
    engine.free();
  }
}

function readMigrationList(): MigrationList {
  fs.mkdirSync(MIGRATIONS_DIR, { recursive: true });
  const lockPath = path.join(MIGRATIONS_DIR, "migration_lock.toml");
  if (!fs.existsSync(lockPath)) {
    // The same file `prisma migrate dev` writes.
    fs.writeFileSync(lockPath, '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n');
  }
  const directories = fs
    .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: { path: "migration_lock.toml", content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: directories.map((name) => {
      const file = path.join(MIGRATIONS_DIR, name, "migration.sql");
      return {
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: fs.existsSync(file)
            ? { tag: "ok" as const, value: fs.readFileSync(file, "utf8") }
            : { tag: "error" as const, value: `${file} is missing` },
        },
      };
    }),
  };
}

/**
 * Applies every pending migration with Prisma's engine, as `prisma migrate
 * deploy` would; the tests compare lib/db/migrations.ts against it.
 */
export async function applyMigrationsWithPrismaEngine(databaseUrl: string): Promise<string[]> {
  return withSchemaEngine(databaseUrl, async (engine) => {
    const result = await engine.applyMigrations({ migrationsList: readMigrationList(), filters: NO_FILTERS });
    return result.appliedMigrationNames;
  });
}

/**
 * Writes a new migration with the SQL that takes the already-migrated
 * database to the current schema. Returns null when nothing changed.
 */
export async function createMigration(databaseUrl: string, name: string): Promise<string | null> {
  return withSchemaEngine(databaseUrl, async (engine) => {
    await engine.applyMigrations({ migrationsList: readMigrationList(), filters: NO_FILTERS });
    // A diff from the live, fully migrated database to the schema needs no
    // shadow database (which the WASM engine cannot create by itself).
    const schemaFiles = [{ path: SCHEMA_PATH, content: fs.readFileSync(SCHEMA_PATH, "utf8") }];
    const diff = await engine.diff({
      from: { tag: "schemaDatasource", files: schemaFiles, configDir: ROOT },
      to: { tag: "schemaDatamodel", files: schemaFiles },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    const script = diff.stdout ?? "";
    if (!/^\s*[A-Z]/m.test(script.replace(/^--.*$/gm, ""))) return null;
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const migrationName = `${stamp}_${name.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}`;
    const dir = path.join(MIGRATIONS_DIR, migrationName);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "migration.sql"), script);
    return migrationName;
  });
}
