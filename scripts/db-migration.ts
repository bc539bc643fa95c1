// `npm run db:migration -- <name>`: write a new migration in prisma/migrations
// with the SQL that takes the migrated database to prisma/schema.prisma.
import { createMigration } from "@/lib/db/schema-engine";
import { log, preparePortalRuntime, runMain, StartupError } from "./lib/portal-runtime";

runMain(async () => {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_-]{1,60}$/i.test(name)) throw new StartupError("Usage: npm run db:migration -- <name> (letters, digits, _ and -)");
  const runtime = await preparePortalRuntime();
  try {
    const created = await createMigration(runtime.databaseUrl, name);
    log(created ? `created prisma/migrations/${created}/migration.sql; review it, then run npm run db:migrate` : "the schema matches the migrations: nothing to do");
  } finally {
    await runtime.stop();
  }
});
