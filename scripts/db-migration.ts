// `npm run db:migration -- <name>` (or `-- --name <name>`): write a new
// migration in prisma/migrations with the SQL that takes the migrated database
// to prisma/schema.prisma. A developer command: the only one that loads
// Prisma's (WebAssembly) schema engine.
import { parseMigrationNameArgument } from "@/lib/db/migration-name";
import { createMigration } from "@/lib/db/schema-engine";
import { log, preparePortalRuntime, runMain, StartupError } from "./lib/portal-runtime";

runMain(async () => {
  const parsed = parseMigrationNameArgument(process.argv.slice(2));
  if (!parsed.ok) throw new StartupError(parsed.message);
  const runtime = await preparePortalRuntime();
  try {
    const created = await createMigration(runtime.databaseUrl, parsed.value);
    log(created ? `created prisma/migrations/${created}/migration.sql; review it, then run npm run db:migrate` : "the schema matches the migrations: nothing to do");
  } finally {
    await runtime.stop();
  }
});
