// `npm run db:migrate`: apply pending migrations (starting the embedded
// database when DATABASE_URL is unset) and stop.
import { log, preparePortalRuntime, runMain } from "./lib/portal-runtime";

runMain(async () => {
  const runtime = await preparePortalRuntime();
  log("database is up to date");
  await runtime.stop();
});
